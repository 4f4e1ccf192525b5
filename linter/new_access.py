"""New access since a revision: what a policy's ``Allow`` statements grant that the same policy
at an earlier revision did not (the offline counterpart of Access Analyzer's ``CheckNoNewAccess``).

A statement's grant is cut into *units*, one per ``Action`` value (or its ``NotAction``), per
``Resource`` value (or its ``NotResource``) and per principal. A unit is old access when one old
``Allow`` covers it on every dimension and no old ``Deny`` that may apply to it was dropped:

* actions: an old pattern covers the new one (``s3:*`` covers ``s3:Get*``), else every catalog
  action the new pattern matches is covered by name;
* resources and principals: an old pattern covers the new one (``arn:aws:s3:::b/*`` covers
  ``arn:aws:s3:::b/logs/*``; an account covers its roles; ``*`` covers everything), or an old
  ``NotResource`` excludes no part of it;
* conditions: the new statement's conditions, with what the new policy's conditional Denies make
  it require, imply each old condition entry (same key, operator and qualifier; a positive
  operator with fewer or narrower values, a negative one with more);
* Denies: each old ``Deny`` that may apply is still there (a new ``Deny`` covers what it covered,
  firing at least as often), or the new grant requires what it enforced.

What is not proven old is new, reported at the value that gives it: the ``Action`` value of a
new action, the ``Resource`` value that widened, the principal that was added, the condition
that was weakened or removed. The test is sound for what the catalog knows: it may report what
a closer reading would accept (``may`` access) but never stays silent on a grant it cannot match.

Values known only at deployment are read to stay silent: a new unknown value may equal the old
one, an old unknown may have been as wide as the new value, an old ``Deny`` with an unknown may
have covered nothing and a new one may cover everything. A finding is made only when the new
access holds for every value the unknowns could take.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from linter.access import action_may_act_on, globs_may_overlap
from linter.grants import covers_every_resource, matches_every_action, statement_grants
from linter.model import JsonPath, PolicyType
from linter.policy import ConditionEntry, Statement, action_pattern_matches, cached_property
from linter.sources import Unknown, contains_unknown
from linter.wildcards import glob_covers, has_wildcard

if TYPE_CHECKING:
    from linter.catalog import Catalog
    from linter.policy import Policy

#: Policy types whose Deny statements limit what other policies grant: dropping one is new
#: access even when no Allow of the same policy overlaps it.
LIMITING_TYPES = frozenset({PolicyType.SCP, PolicyType.RCP})

_EVERYONE = ("*", "*")


class NewAccess(NamedTuple):
    """One finding: where (``path``, ``key`` as for ``Report``) and what is new."""

    path: JsonPath
    key: bool
    message: str


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


def _values(statement: Statement, element: str) -> list[tuple[Any, JsonPath]]:
    raw = statement.data.get(element)
    path = (*statement.path, element)
    if isinstance(raw, list):
        return [(value, (*path, index)) for index, value in enumerate(raw)]
    return [(raw, path)]


def _negated_unit(statement: Statement, element: str, lower: bool) -> Unit:
    values = [v for v, _ in _values(statement, element)]
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
    for value, path in _values(statement, "Action"):
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
    for value, path in _values(statement, "Resource"):
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
        return [Unit("principal", _EVERYONE, path, False, "everyone")]
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


def _principal_pairs(raw: Any) -> Iterator[tuple[str, str]]:
    if raw == "*":
        yield _EVERYONE
        return
    if not isinstance(raw, dict):
        return
    for kind, values in raw.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str):
                yield _normal_principal(kind, value)


def _normal_principal(kind: str, value: str) -> tuple[str, str]:
    """An account ID as its root ARN; service names in lower case."""
    if kind == "AWS" and len(value) == 12 and value.isdigit():
        return kind, f"arn:aws:iam::{value}:root"
    if kind == "Service":
        return kind, value.lower()
    return kind, value


def _principal_covers(general: tuple[str, str], specific: tuple[str, str]) -> bool:
    """Whether the principal ``general`` includes every caller ``specific`` names."""
    if general in (specific, _EVERYONE):
        return True
    if general == ("AWS", "*"):
        return specific[0] == "AWS" or specific == _EVERYONE
    if general[0] != specific[0]:
        return False
    if general[0] == "AWS":
        account = _root_account(general[1])
        if account is not None and _arn_account(specific[1]) == account:
            return True
    return has_wildcard(general[1]) and glob_covers(general[1], specific[1])


def _root_account(arn: str) -> str | None:
    parts = arn.split(":")
    if len(parts) == 6 and parts[2] == "iam" and parts[5] == "root":
        return parts[4]
    return None


def _arn_account(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[4] if len(parts) >= 6 and parts[0] == "arn" else None


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
        self.principals = principal_units(statement)
        self.conditions = statement.conditions
        self.condition_unknown = statement.condition_unknown
        self.has_unknown = contains_unknown(statement.data)
        self.action_element = statement.action_element
        #: A single-entry Deny condition the Allow can be made to require (``StatementGrants``).
        self.enforced = statement_grants(statement).enforced if statement.is_deny else None
        self.unconditional = statement.data.get("Condition") in (None, {})
        self.canonical = _canonical_statement(statement.data)

    # actions

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
            if unit.kind != "principal" or unit.value == _EVERYONE:
                return False
            return not any(_principals_may_overlap(x, unit.value) for x in excluded)
        if unit.kind == "none":
            return False
        pairs = [u.value for u in self.principals if u.kind == "principal"]
        if unit.kind == "not":
            return any(p in (_EVERYONE, ("AWS", "*")) for p in pairs)
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


def _describe(entry: ConditionEntry) -> str:
    values = ", ".join(str(item.value) for item in entry.values)
    return f"{entry.operator} {entry.key} {values}".rstrip()


# -- the comparison -----------------------------------------------------------------------------


class Comparison:
    """The new policy against the old one: which units of each new Allow are new access."""

    def __init__(self, old: Policy, new: Policy, catalog: Catalog, ref: str) -> None:
        self.catalog = catalog
        self.ref = ref
        self.new = new
        self.old_allows = [View(s) for s in old.statements if s.is_allow]
        self.old_canonical = {v.canonical for v in self.old_allows}
        new_denies = [View(s) for s in new.statements if s.is_deny and s.action_element]
        kept = {d.canonical for d in new_denies}
        # An old Deny with an unknown value may have covered nothing: it guarded nothing.
        self.old_denies = [
            view
            for view in (View(s) for s in old.statements if s.is_deny and s.action_element)
            if not view.has_unknown and view.canonical not in kept
        ]
        self.new_denies = new_denies
        #: Denies of the new policy that remove what they cover, and those that add a condition.
        self.removing = [d for d in new_denies if d.unconditional or d.has_unknown]
        self.enforcing = [d for d in new_denies if d.enforced is not None and not d.has_unknown]
        self._counterparts: dict[int, View | None] = {}

    def findings(self) -> list[NewAccess]:
        found: dict[tuple[JsonPath, bool, str], _Group] = {}
        for statement in self.new.statements:
            if not statement.is_allow or statement.action_element is None:
                continue
            view = View(statement)
            if view.canonical in self.old_canonical and not self.old_denies:
                continue  # the same statement, and every old Deny is still there
            for anchor, kind, name, resource, principal, detail in self._new_units(view):
                group = found.setdefault((anchor.path, anchor.key, kind), _Group(kind, anchor))
                group.add(name, resource, principal, detail)
        results = [
            NewAccess(path, key, group.message(self.ref, self.catalog))
            for (path, key, _), group in found.items()
        ]
        if self.new.policy_type in LIMITING_TYPES:
            results.extend(self._dropped_denies())
        return results

    # -- per statement ------------------------------------------------------------------------

    def _new_units(self, view: View) -> Iterator[tuple[Unit, str, str, Unit, Unit, str]]:
        for action in view.actions:
            if action.kind == "unknown":
                continue
            for resource in view.resources:
                for principal in view.principals:
                    if self._unit_is_old(view, action, resource, principal, view.conditions):
                        continue
                    for name in self._names(action, resource):
                        name_unit = Unit("pattern", name.lower(), action.path, action.key, name)
                        if self._removed(name_unit, resource, principal):
                            continue
                        conditions = view.conditions + self._enforced(
                            name_unit, resource, principal
                        )
                        if self._unit_is_old(view, name_unit, resource, principal, conditions):
                            continue
                        for anchor, kind, detail in self._cause(
                            view, action, name_unit, resource, principal, conditions
                        ):
                            yield anchor, kind, name, resource, principal, detail

    def _names(self, action: Unit, resource: Unit) -> list[str]:
        """The action names a unit grants on ``resource``: the catalog's for a pattern or
        NotAction, the value itself for an exact name the catalog does not know; without the
        actions that cannot act on a resource the Resource value names (``s3:DeleteBucket``
        on ``arn:aws:s3:::b/*`` grants nothing)."""
        if action.kind == "not":
            names = [
                a.full_name
                for a in self.catalog.match_actions("*")
                if not any(action_pattern_matches(x, a.full_name) for x in action.value)
            ]
        elif not has_wildcard(action.shown):
            known = self.catalog.action(action.shown)
            names = [known.full_name if known is not None else action.shown]
        else:
            names = [a.full_name for a in self.catalog.match_actions(action.shown)]
        if resource.kind != "pattern":
            return names
        return [n for n in names if action_may_act_on(self.catalog, n, resource.value)]

    def _unit_is_old(
        self,
        view: View,
        action: Unit,
        resource: Unit,
        principal: Unit,
        conditions: tuple[ConditionEntry, ...],
    ) -> bool:
        if not any(
            old.covers_action(action)
            and old.covers_resource(resource)
            and old.covers_principal(principal)
            and self._conditions_imply(view, conditions, old.conditions)
            for old in self.old_allows
        ):
            return False
        return not self._dropped_deny(view, action, resource, principal, conditions)

    @staticmethod
    def _conditions_imply(
        view: View, given: tuple[ConditionEntry, ...], required: tuple[ConditionEntry, ...]
    ) -> bool:
        if view.condition_unknown:
            return True  # the unknown part may require all the old statement did
        return all(implies(given, entry) for entry in required)

    def _dropped_deny(
        self,
        view: View,
        action: Unit,
        resource: Unit,
        principal: Unit,
        conditions: tuple[ConditionEntry, ...],
    ) -> View | None:
        """An old Deny that may apply to the unit and that the new policy no longer has."""
        for deny in self.old_denies:
            if not (
                deny.may_act(action)
                and deny.may_touch_resource(resource)
                and deny.may_touch_principal(principal)
            ):
                continue
            if deny.enforced is not None and (
                view.condition_unknown or implies(conditions, deny.enforced)
            ):
                continue  # the grant requires what the Deny enforced: it never fires here
            if not any(
                _deny_kept(deny, new, action, resource, principal) for new in self.new_denies
            ):
                return deny
        return None

    def _removed(self, action: Unit, resource: Unit, principal: Unit) -> bool:
        """Whether a Deny of the new policy that always applies may remove the unit."""
        return any(
            deny.covers_action(action)
            and deny.covers_resource(resource)
            and deny.covers_principal(principal)
            for deny in self.removing
        )

    def _enforced(
        self, action: Unit, resource: Unit, principal: Unit
    ) -> tuple[ConditionEntry, ...]:
        return tuple(
            deny.enforced
            for deny in self.enforcing
            if deny.enforced is not None
            and deny.covers_action(action)
            and deny.covers_resource(resource)
            and deny.covers_principal(principal)
        )

    # -- why a unit is new ----------------------------------------------------------------------

    def _cause(
        self,
        view: View,
        action: Unit,
        name: Unit,
        resource: Unit,
        principal: Unit,
        conditions: tuple[ConditionEntry, ...],
    ) -> list[tuple[Unit, str, str]]:
        """Where the new access comes from, what kind it is, and a detail for the message: the
        first dimension on which the statement's old counterpart (``_counterpart``), else every
        old Allow, does not cover the unit."""
        counterpart = self._counterpart(view)
        if counterpart is not None:
            if not counterpart.covers_action(name):
                return [(action, "action", "")]
            if not counterpart.covers_resource(resource):
                return [(resource, "resource", "")]
            if not counterpart.covers_principal(principal):
                return [(principal, "principal", "")]
            if not self._conditions_imply(view, conditions, counterpart.conditions):
                return self._condition_cause(view, action, counterpart, conditions)
        candidates = [old for old in self.old_allows if old.covers_action(name)]
        if not candidates:
            return [(action, "action", "")]
        candidates = [old for old in candidates if old.covers_resource(resource)]
        if not candidates:
            return [(resource, "resource", "")]
        candidates = [old for old in candidates if old.covers_principal(principal)]
        if not candidates:
            return [(principal, "principal", "")]
        if not any(self._conditions_imply(view, conditions, o.conditions) for o in candidates):
            return self._condition_cause(view, action, candidates[0], conditions)
        deny = self._dropped_deny(view, name, resource, principal, conditions)
        shown = f"Deny {deny.statement.sid}" if deny and deny.statement.sid else "a Deny"
        return [(action, "deny", shown)]

    def _counterpart(self, view: View) -> View | None:
        """The old Allow this statement most likely is an edit of: the one with the same Sid,
        else the one sharing the most action, resource and principal values (None when no
        old Allow shares any). Findings are placed by comparing with it first, so a resource
        added to a statement is reported at the resource even when another old statement
        granted it under a condition."""
        found = self._counterparts.get(id(view), False)
        if found is not False:
            return found
        sid = view.statement.sid
        best: View | None = None
        if sid:
            best = next((old for old in self.old_allows if old.statement.sid == sid), None)
        if best is None:
            mine = _shown_values(view)
            score = 0
            for old in self.old_allows:
                shared = len(mine & _shown_values(old))
                if shared > score:
                    best, score = old, shared
        self._counterparts[id(view)] = best
        return best

    def _condition_cause(
        self,
        view: View,
        action: Unit,
        old: View,
        conditions: tuple[ConditionEntry, ...],
    ) -> list[tuple[Unit, str, str]]:
        """Each old condition entry the new statement no longer implies: at the new entry on
        the same key (weakened), else at the Condition key or the Action value (removed)."""
        causes = []
        statement = view.statement
        for missing in (entry for entry in old.conditions if not implies(conditions, entry)):
            same_key = [e for e in view.conditions if e.key_lower == missing.key_lower]
            if same_key:
                entry = same_key[0]
                where = Unit("pattern", None, entry.key_path, True, entry.key)
                old_values = ", ".join(str(item.value) for item in missing.values)
                detail = f"{_describe(entry)} (at {self.ref}: {old_values or 'none'})"
                causes.append((where, "weakened", detail))
            elif "Condition" in statement.data:
                where = Unit("pattern", None, (*statement.path, "Condition"), True, "Condition")
                causes.append((where, "condition", _describe(missing)))
            else:
                causes.append((action, "condition", _describe(missing)))
        return causes

    # -- limiting policies ----------------------------------------------------------------------

    def _dropped_denies(self) -> list[NewAccess]:
        """In an SCP or RCP, each old Deny that no new Deny covers any more is new access by
        itself: at the Deny with the same Sid, else at the Statement key."""
        found = []
        for deny in self.old_denies:
            kept = any(
                all(
                    _deny_kept(deny, new, action, resource, principal)
                    for action in deny.actions
                    for resource in deny.resources
                    for principal in deny.principals
                )
                for new in self.new_denies
            )
            if kept:
                continue
            sid = deny.statement.sid
            same = [d for d in self.new_denies if sid and d.statement.sid == sid]
            what = ", ".join(u.shown for u in deny.actions)
            on = ", ".join(u.shown for u in deny.resources if u.kind != "none")
            scope = f"{what} on {on}" if on else what
            if same:
                statement = same[0].statement
                path: JsonPath = (*statement.path, statement.action_element or "Effect")
                message = f"new access since {self.ref}: Deny {sid} no longer covers all of {scope}"
            else:
                path = ("Statement",)
                label = f" {sid}" if sid else ""
                message = (
                    f"new access since {self.ref}: the Deny{label} of {scope} was removed; "
                    "this policy no longer limits it"
                )
            found.append(NewAccess(path, True, message))
        return found


def _shown_values(view: View) -> set[tuple[str, str]]:
    units = (("a", u) for u in view.actions)
    units = itertools.chain(units, (("r", u) for u in view.resources))
    units = itertools.chain(units, (("p", u) for u in view.principals))
    return {(dimension, unit.shown) for dimension, unit in units if unit.kind != "none"}


def _deny_kept(old: View, new: View, action: Unit, resource: Unit, principal: Unit) -> bool:
    """Whether the new Deny ``new`` still denies what the old Deny ``old`` denied of the unit:
    it covers the unit (or all the old Deny covered) on every dimension and fires whenever the
    old one did (its condition entries are implied by the old Deny's)."""
    every_action = bool(old.actions) and all(new.covers_action(a) for a in old.actions)
    if not (new.covers_action(action) or every_action):
        return False
    if not (new.covers_resource(resource) or all(new.covers_resource(r) for r in old.resources)):
        return False
    if not (
        new.covers_principal(principal) or all(new.covers_principal(p) for p in old.principals)
    ):
        return False
    if new.has_unknown:
        return True
    return all(implies(old.conditions, entry) for entry in new.conditions)


class _Group:
    """The new units reported at one place, for one message."""

    def __init__(self, kind: str, anchor: Unit) -> None:
        self.kind = kind
        self.anchor = anchor
        self.names: dict[str, None] = {}
        self.resources: dict[str, None] = {}
        self.principals: dict[str, None] = {}
        self.details: dict[str, None] = {}

    def add(self, name: str, resource: Unit, principal: Unit, detail: str) -> None:
        self.names[name] = None
        if resource.kind != "none":
            self.resources[resource.shown] = None
        if principal.kind != "none":
            self.principals[principal.shown] = None
        if detail:
            self.details[detail] = None

    def message(self, ref: str, catalog: Catalog) -> str:
        actions = summarize_actions(list(self.names), catalog)
        on = f" on {_summarize(list(self.resources), 3)}" if self.resources else ""
        to = f" to {_summarize(list(self.principals), 3)}" if self.principals else ""
        head = f"new access since {ref}:"
        details = "; ".join(self.details)
        if self.kind == "principal":
            return f"{head} {_summarize(list(self.principals), 3)} may now use {actions}{on}"
        if self.kind == "weakened":
            return f"{head} {actions}{on}{to} under the weaker condition {details}"
        if self.kind == "condition":
            return f"{head} {actions}{on}{to} without the condition {details} that {ref} required"
        if self.kind == "deny":
            return f"{head} {actions}{on}{to}, which {details} denied at {ref}"
        return f"{head} {actions}{on}{to}"


def summarize_actions(names: list[str], catalog: Catalog) -> str:
    """Action names for a message: a whole service as ``svc:*``, at most four entries."""
    by_service: dict[str, list[str]] = {}
    for name in names:
        by_service.setdefault(name.partition(":")[0].lower(), []).append(name)
    shown: list[str] = []
    for service, members in by_service.items():
        total = len(catalog.match_actions(f"{service}:*")) if ":" in members[0] else 0
        if total > 1 and len(set(m.lower() for m in members)) >= total:
            shown.append(f"{members[0].partition(':')[0]}:*")
        else:
            shown.extend(members)
    return _summarize(shown, 4)


def _summarize(items: list[str], limit: int) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[: limit - 1])} and {len(items) - limit + 1} more"


def new_access(old: Policy, new: Policy, catalog: Catalog, ref: str) -> list[NewAccess]:
    """Where ``new`` grants access ``old`` did not, with messages naming ``ref``."""
    return Comparison(old, new, catalog, ref).findings()
