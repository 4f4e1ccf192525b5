"""A statement's grant cut into units, for comparing two versions of a policy
(``linter.new_access``): one unit per ``Action`` value (or its ``NotAction``), per ``Resource``
value (or its ``NotResource``) and per principal, and a :class:`View` that says whether another
statement covers a unit or may share something with it, and whether a set of condition entries
implies another (:func:`implies`).

Values known only at deployment become ``unknown`` units that carry the pattern every value they
can take matches; a view reads them the way that keeps a comparison silent (an old ``Allow`` or a
new ``Deny`` with one may cover what its pattern allows).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from linter.access import globs_may_overlap
from linter.arns import ACCOUNT_ID, parse_arn
from linter.grants import covers_every_resource, matches_every_action, statement_grants
from linter.model import JsonPath
from linter.policy import ConditionEntry, Statement, cached_property
from linter.sources import Unknown, contains_unknown
from linter.wildcards import glob_covers, has_wildcard

EVERYONE = ("*", "*")


# -- units ------------------------------------------------------------------------------------


class Unit(NamedTuple):
    """One piece of a statement's grant on one dimension.

    ``kind``: ``pattern`` (``value`` a string), ``not`` (``value`` the NotAction/NotResource/
    NotPrincipal patterns), ``principal`` (``value`` a ``(kind, value)`` pair), ``none`` (the
    element is absent) or ``unknown`` (known only at deployment). ``path``/``key`` locate it."""

    kind: str
    value: Any
    path: JsonPath
    key: bool
    shown: str


def _negated_unit(statement: Statement, element: str, lower: bool) -> Unit:
    values = [v for v, _ in statement.items(element)]
    if any(type(v) is Unknown for v in values):
        return Unit("unknown", None, (*statement.path, element), True, element)
    patterns = tuple((v.lower() if lower else v) for v in values if isinstance(v, str))
    shown = f"everything but {', '.join(v for v in values if isinstance(v, str))}"
    return Unit("not", patterns, (*statement.path, element), True, shown)


def action_units(statement: Statement) -> list[Unit]:
    """The Action values (lower case) as units, or one unit for NotAction."""
    if statement.action_element == "NotAction":
        return [_negated_unit(statement, "NotAction", lower=True)]
    if statement.action_element is None:
        return []
    units = []
    for value, path in statement.items("Action"):
        if type(value) is Unknown:
            units.append(Unit("unknown", None, path, False, str(value)))
        elif isinstance(value, str):
            units.append(Unit("pattern", value.lower(), path, False, value))
    return units


def resource_units(statement: Statement) -> list[Unit]:
    """The Resource values as units, one unit for NotResource, or a ``none`` unit."""
    element = statement.resource_element
    if element == "NotResource":
        return [_negated_unit(statement, "NotResource", lower=False)]
    if element is None:
        return [Unit("none", None, statement.path, False, "")]
    units = []
    for value, path in statement.items("Resource"):
        if type(value) is Unknown:  # with the pattern every value it can take matches
            units.append(Unit("unknown", value.pattern, path, False, str(value)))
        elif isinstance(value, str):
            units.append(Unit("pattern", value, path, False, value))
    return units


def principal_units(statement: Statement) -> list[Unit]:
    """Each principal as a unit, one unit for NotPrincipal, or a ``none`` unit."""
    element = statement.principal_element
    if element is None:
        return [Unit("none", None, statement.path, False, "")]
    raw = statement.data.get(element)
    path = (*statement.path, element)
    if type(raw) is Unknown or (contains_unknown(raw) and element == "NotPrincipal"):
        return [Unit("unknown", None, path, True, str(raw))]
    if element == "NotPrincipal":
        pairs = tuple(_principal_pairs(raw))
        shown = "every principal but " + ", ".join(v for _, v in pairs)
        return [Unit("not", frozenset(pairs), path, True, shown)]
    if raw == "*":
        return [Unit("principal", EVERYONE, path, False, "everyone")]
    units = []
    if isinstance(raw, dict):
        for kind, values in raw.items():
            listed = values if isinstance(values, list) else [values]
            for index, value in enumerate(listed):
                where = (*path, kind, index) if isinstance(values, list) else (*path, kind)
                if type(value) is Unknown:
                    pattern = None if value.pattern is None else (kind, value.pattern)
                    units.append(Unit("unknown", pattern, where, False, str(value)))
                elif isinstance(value, str):
                    pair = _normal_principal(kind, value)
                    shown = "everyone" if pair == ("AWS", "*") else value
                    units.append(Unit("principal", pair, where, False, shown))
    return units


# Condition keys that name the caller, and the operators under which an Allow entry on one of
# them admits only the callers it lists.
_CALLER_KEYS = {"aws:principalarn": "arn", "aws:principalaccount": "account"}
_CALLER_OPERATORS = frozenset({"arnequals", "arnlike", "stringequals", "stringlike"})


def callers_named_by_condition(
    statement: Statement, units: list[Unit]
) -> tuple[list[Unit], tuple[ConditionEntry, ...]]:
    """For an Allow to everyone (``"*"``, ``{"AWS": "*"}``) whose condition admits only listed
    callers (``aws:PrincipalArn`` ARNs, ``aws:PrincipalAccount`` accounts): those callers as
    principal units, at their condition values, and the entries used. Otherwise ``units`` and
    no entry. ``"*"`` with ``ArnLike aws:PrincipalArn`` is how a trust policy names roles that
    may not exist yet: it admits the same callers as naming them."""
    if not statement.is_allow or not any(
        u.kind == "principal" and u.value in (EVERYONE, ("AWS", "*")) for u in units
    ):
        return units, ()
    for entry in statement.conditions:
        kind = _CALLER_KEYS.get(entry.key_lower)
        if (
            kind is None
            or entry.base_operator.lower() not in _CALLER_OPERATORS
            or entry.qualifier is not None
            or entry.if_exists
            or not entry.values
        ):
            continue
        named = []
        for item in entry.values:
            value = item.value
            if type(value) is Unknown:
                pattern = None if value.pattern is None else ("AWS", value.pattern)
                if kind == "account" and pattern is not None:
                    pattern = ("AWS", f"arn:*:*::{value.pattern}:*")  # any ARN of the account
                named.append(Unit("unknown", pattern, item.path, False, str(value)))
            elif isinstance(value, str):
                arn = f"arn:aws:iam::{value}:root" if kind == "account" else value
                named.append(Unit("principal", ("AWS", arn), item.path, False, value))
        if named and len(named) == len(entry.values):
            others = [u for u in units if u.value not in (EVERYONE, ("AWS", "*"))]
            return others + named, (entry,)
    return units, ()


def _principal_pairs(raw: Any) -> Iterator[tuple[str, str]]:
    if raw == "*":
        yield EVERYONE
        return
    if not isinstance(raw, dict):
        return
    for kind, values in raw.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str):
                yield _normal_principal(kind, value)


def _normal_principal(kind: str, value: str) -> tuple[str, str]:
    """An account ID as its root ARN; service names in lower case."""
    if kind == "AWS" and ACCOUNT_ID.match(value):
        return kind, f"arn:aws:iam::{value}:root"
    if kind == "Service":
        return kind, value.lower()
    return kind, value


def _principal_covers(general: tuple[str, str], specific: tuple[str, str]) -> bool:
    """Whether the principal ``general`` includes every caller ``specific`` names."""
    if general in (specific, EVERYONE):
        return True
    if general == ("AWS", "*"):
        return specific[0] == "AWS" or specific == EVERYONE
    if general[0] != specific[0]:
        return False
    if general[0] == "AWS":
        account = _root_account(general[1])
        if account is not None and _arn_account(specific[1]) == account:
            return True
    return has_wildcard(general[1]) and glob_covers(general[1], specific[1])


def _root_account(text: str) -> str | None:
    """The account of an account principal's ARN (``arn:aws:iam::111122223333:root``)."""
    arn = parse_arn(text)
    if arn is None or arn.service != "iam" or arn.resource != "root":
        return None
    return arn.account


def _arn_account(text: str) -> str | None:
    arn = parse_arn(text)
    return arn.account if arn is not None else None


def _principals_may_overlap(first: tuple[str, str], second: tuple[str, str]) -> bool:
    if _principal_covers(first, second) or _principal_covers(second, first):
        return True
    if first[0] != second[0]:
        return False
    account = _arn_account(first[1])
    return account is not None and account == _arn_account(second[1])


# -- one statement, as either side sees it ------------------------------------------------------


class View:
    """A statement's dimensions for the comparison: its patterns, with unknown values read the
    way that keeps the comparison silent (an old Allow or a new Deny with one may cover
    anything)."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self.actions = action_units(statement)
        self.resources = resource_units(statement)
        principals, represented = callers_named_by_condition(statement, principal_units(statement))
        self.principals = principals
        #: The conditions, but for an entry that the principals above already stand for.
        self.conditions = tuple(e for e in statement.conditions if e not in represented)
        self.condition_unknown = statement.condition_unknown
        self.has_unknown = contains_unknown(statement.data)
        self.action_element = statement.action_element
        #: A single-entry Deny condition the Allow can be made to require (``StatementGrants``).
        self.enforced = statement_grants(statement).enforced if statement.is_deny else None
        self.unconditional = statement.data.get("Condition") in (None, {})
        self.canonical = _canonical_statement(statement.data)

    # actions

    def covers(self, action: Unit, resource: Unit, principal: Unit) -> bool:
        """Whether this statement covers the unit on its actions, resources and principals
        (its conditions aside)."""
        return (
            self.covers_action(action)
            and self.covers_resource(resource)
            and self.covers_principal(principal)
        )

    def covers_action(self, unit: Unit) -> bool:
        """Whether every action of ``unit`` (a pattern, a lower-case name, or NotAction) is in
        this statement's Action/NotAction; an unknown value covers anything."""
        if self.action_element is None:
            return False
        index = self._action_index
        if index.anything:
            return True
        if self.action_element == "NotAction":
            exclusions = self.actions[0].value
            if unit.kind == "not":
                return all(any(glob_covers(e, x) for e in unit.value) for x in exclusions)
            return not any(globs_may_overlap(unit.value, x) for x in exclusions)
        if unit.kind != "pattern":
            return False
        value = unit.value
        if value in index.exact:
            return True
        service = value.partition(":")[0]
        wild = has_wildcard(service)
        candidates = index.wildcards if wild else index.by_service.get(service, ())
        return any(glob_covers(p, value) for p in candidates) or any(
            glob_covers(p, value) for p in index.any_service
        )

    @cached_property
    def _action_index(self) -> _ActionIndex:
        return _ActionIndex(self.actions, self.action_element == "NotAction")

    def may_act(self, unit: Unit) -> bool:
        """Whether this statement's actions may share one with ``unit``."""
        if self.action_element is None:
            return False
        if self._action_index.anything:
            return True
        if self.action_element == "NotAction":
            if unit.kind == "not":
                return True
            return not any(glob_covers(x, unit.value) for x in self.actions[0].value)
        if unit.kind == "not":
            return True
        return any(globs_may_overlap(u.value, unit.value) for u in self.actions)

    # resources

    def covers_resource(self, unit: Unit) -> bool:
        if unit.kind == "unknown":
            return True
        element = self.statement.resource_element
        if element is None:
            return unit.kind == "none"
        if element == "NotResource":
            if self.resources[0].kind == "unknown":
                return True
            exclusions = self.resources[0].value
            if unit.kind == "not":
                return all(any(glob_covers(e, x) for e in unit.value) for x in exclusions)
            if unit.kind == "none":
                return False
            return not any(globs_may_overlap(unit.value, x) for x in exclusions)
        for own in self.resources:
            if own.value is None or covers_every_resource(own.value):
                return True  # "*", or a deploy-time value that may be anything
            if unit.kind == "pattern" and glob_covers(own.value, unit.value):
                return True
        return False

    def may_touch_resource(self, unit: Unit) -> bool:
        element = self.statement.resource_element
        if element is None or unit.kind in ("none", "not", "unknown"):
            return True
        if element == "NotResource":
            return not any(glob_covers(x, unit.value) for x in self.resources[0].value)
        return any(globs_may_overlap(u.value, unit.value) for u in self.resources)

    # principals

    def covers_principal(self, unit: Unit) -> bool:
        if unit.kind == "unknown":
            return True
        element = self.statement.principal_element
        if element is None:
            return unit.kind == "none"
        if any(_unknown_covers(u, unit) for u in self.principals if u.kind == "unknown"):
            return True
        if element == "NotPrincipal":
            excluded = self.principals[0].value
            if unit.kind == "not":
                return excluded <= unit.value
            if unit.kind != "principal" or unit.value == EVERYONE:
                return False
            return not any(_principals_may_overlap(x, unit.value) for x in excluded)
        if unit.kind == "none":
            return False
        pairs = [u.value for u in self.principals if u.kind == "principal"]
        if unit.kind == "not":
            return any(p in (EVERYONE, ("AWS", "*")) for p in pairs)
        return any(_principal_covers(p, unit.value) for p in pairs)

    def may_touch_principal(self, unit: Unit) -> bool:
        element = self.statement.principal_element
        if element is None or element == "NotPrincipal" or unit.kind != "principal":
            return True
        return any(
            u.kind != "principal" or _principals_may_overlap(u.value, unit.value)
            for u in self.principals
        )


class _ActionIndex:
    """Action patterns for fast cover tests: exact names, wildcard patterns by service, and
    patterns whose service part has a wildcard."""

    def __init__(self, units: list[Unit], negated: bool) -> None:
        every = any(u.kind == "pattern" and matches_every_action(u.value) for u in units)
        self.anything = any(u.kind == "unknown" for u in units) or (not negated and every)
        self.exact: set[str] = set()
        self.by_service: dict[str, list[str]] = {}
        self.any_service: list[str] = []
        self.wildcards: list[str] = []
        for unit in units:
            if unit.kind != "pattern":
                continue
            value = unit.value
            service = value.partition(":")[0]
            if not has_wildcard(value):
                self.exact.add(value)
            elif has_wildcard(service):
                self.any_service.append(value)
                continue
            else:
                self.by_service.setdefault(service, []).append(value)
            self.wildcards.append(value)


def _unknown_covers(own: Unit, unit: Unit) -> bool:
    """Whether a deploy-time principal may stand for every caller ``unit`` names: always
    without a pattern, else when its pattern covers them (``!GetAtt Role.Arn`` is a role ARN,
    never another account's root)."""
    if own.value is None:
        return True
    kind, pattern = own.value
    if unit.kind != "principal" or unit.value[0] != kind:
        return False
    return covers_every_resource(pattern) or glob_covers(pattern, unit.value[1])


def _canonical_statement(data: dict[str, Any]) -> str:
    """The statement without its Sid, lists sorted: equal for a reordered or re-indented copy."""

    def normal(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: normal(v) for k, v in value.items() if k != "Sid"}
        if isinstance(value, list):
            items = [normal(v) for v in value]
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
        if type(value) is Unknown:
            return {"$unknown": value.text}
        return value

    return json.dumps(normal(data), sort_keys=True, default=str)


# -- conditions ---------------------------------------------------------------------------------

_NEGATIVE = ("stringnotequals", "stringnotequalsignorecase", "stringnotlike")
_NEGATIVE += ("arnnotequals", "arnnotlike", "notipaddress")
_PATTERNS = ("stringlike", "stringnotlike", "arnlike", "arnnotlike", "arnequals", "arnnotequals")


def implies(entries: tuple[ConditionEntry, ...], required: ConditionEntry) -> bool:
    """Whether a request that meets every entry of ``entries`` meets ``required`` (sound: True
    only when certain, or when a value known only at deployment may make it so)."""
    wanted = required.base_operator.lower()
    if required.has_unknown:
        # A deploy-time value (an account ID, an ARN) still pins the key: a request without it
        # is new access whatever the value, unless the value may be a bare "*" pattern.
        if wanted in _PATTERNS or wanted.endswith("like"):
            return True
        return any(entry.key_lower == required.key_lower for entry in entries)
    for entry in entries:
        if entry.key_lower != required.key_lower:
            continue
        if (entry.qualifier or "").lower() != (required.qualifier or "").lower():
            continue
        if entry.has_unknown:
            return True
        base = entry.base_operator.lower()
        if wanted == "null" and base != "null":
            if _requires_key(entry) and _null_values(required) == {"false"}:
                return True
            continue
        if base != wanted or (entry.if_exists and not required.if_exists):
            continue
        if _values_imply(base, entry.string_values, required.string_values):
            return True
    return False


def _requires_key(entry: ConditionEntry) -> bool:
    base = entry.base_operator.lower()
    qualifier = (entry.qualifier or "").lower()
    return (
        not entry.if_exists
        and base not in _NEGATIVE
        and base != "null"
        and qualifier != "forallvalues"
        and bool(entry.values)
    )


def _null_values(entry: ConditionEntry) -> set[str]:
    return {v.lower() for v in entry.string_values}


def _values_imply(base: str, given: tuple[str, ...], required: tuple[str, ...]) -> bool:
    if base in _NEGATIVE:  # the request avoids at least every value the requirement lists
        return all(any(_value_covers(base, g, r) for g in given) for r in required)
    return all(any(_value_covers(base, r, g) for r in required) for g in given)


def _value_covers(base: str, general: str, specific: str) -> bool:
    """Whether every request value ``specific`` accepts, ``general`` accepts too."""
    if base.endswith("ignorecase") or base in ("bool", "null"):
        return general.lower() == specific.lower()
    if base in _PATTERNS:
        return glob_covers(general, specific)
    if base in ("ipaddress", "notipaddress"):
        from linter.conditions import parse_ip_value

        wide, narrow = parse_ip_value(general), parse_ip_value(specific)
        if wide is None or narrow is None:
            return general == specific
        first, second = wide[0], narrow[0]
        return first.version == second.version and second.subnet_of(first)  # type: ignore[arg-type]
    return general == specific


def describe(entry: ConditionEntry) -> str:
    values = ", ".join(str(item.value) for item in entry.values)
    return f"{entry.operator} {entry.key} {values}".rstrip()


def shown_values(view: View) -> set[tuple[str, str]]:
    units = (("a", u) for u in view.actions)
    units = itertools.chain(units, (("r", u) for u in view.resources))
    units = itertools.chain(units, (("p", u) for u in view.principals))
    return {(dimension, unit.shown) for dimension, unit in units if unit.kind != "none"}
