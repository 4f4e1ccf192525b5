"""What one statement grants, computed once: ``StatementGrants`` (``statement_grants``) indexes its
Action/NotAction patterns by service (exact names are set lookups, ``*`` stays symbolic, the
catalog expansion happens on request), its Resource/NotResource patterns, principals and
conditions, and the condition a Deny enforces. Around it: how much of an action's resources a
Resource reaches (``SCOPE_*``), where a grant is reported, and full administrator access.
``linter.policy_grants`` applies a policy's Deny statements to these.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from linter.arns import parse_arn
from linter.condition_keys import action_supports_key
from linter.conditions import constrains
from linter.policy import ConditionEntry, Item, Statement, action_pattern_matches, cached_property
from linter.sources import Unknown
from linter.wildcards import compiled, glob_covers, has_wildcard, wildcard_matches

if TYPE_CHECKING:
    from linter.catalog import Action, Catalog
    from linter.model import JsonPath


class ActionMatch(NamedTuple):
    """One Action entry and the catalog actions it names (empty: unknown or matches nothing)."""

    item: Item
    actions: tuple[Action, ...]


def expand_action_items(statement: Statement, catalog: Catalog) -> tuple[ActionMatch, ...]:
    """Each ``Action`` entry with the catalog actions it matches (NotAction statements: empty)."""
    return tuple(ActionMatch(item, catalog.match_actions(item.value)) for item in statement.actions)


def resource_is_unrestricted(statement: Statement) -> bool:
    """True when the statement applies to every resource: ``Resource: "*"`` or any NotResource."""
    if statement.resource_element == "NotResource":
        return True
    return any(item.value == "*" for item in statement.resources)


def grant_anchor(statement: Statement, action_names: Iterable[str]) -> tuple[JsonPath, bool]:
    """Where to report, once per statement, that it grants ``action_names``: the first Action value
    that covers one of them (the message names them all), else the ``NotAction`` key. Returns
    ``(path, key)`` for ``Report``."""
    names = tuple(action_names)
    if statement.action_element == "Action":
        for item in statement.actions:
            if any(action_pattern_matches(item.value, name) for name in names):
                return item.path, False
    if statement.action_element:
        return (*statement.path, statement.action_element), True
    return statement.anchor()


#: The symbolic name of every action, for ``effective`` on ``Action: "*"`` statements.
EVERY_ACTION = "*"

# A Deny entry that fires when its key is missing or differs, and the Allow operator it enforces.
_ENFORCED_OPERATOR = {
    "stringnotequals": "StringEquals",
    "stringnotequalsignorecase": "StringEqualsIgnoreCase",
    "stringnotlike": "StringLike",
    "arnnotequals": "ArnEquals",
    "arnnotlike": "ArnLike",
    "notipaddress": "IpAddress",
}


class StatementGrants:
    """What one statement covers, computed once: its action patterns indexed by service, its
    resource patterns, principals and conditions. Attributes are plain values or cached
    properties of this object."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self.effect = statement.effect
        element = statement.action_element
        #: ``NotAction``: the statement covers every action its patterns do not match.
        self.negated = element == "NotAction"
        items = statement.not_actions if self.negated else statement.actions
        #: The Action/NotAction values, as written.
        self.action_patterns: tuple[str, ...] = tuple(item.value for item in items)
        exact: set[str] = set()
        by_service: dict[str, list[str]] = {}
        any_service: list[str] = []
        order: dict[str, None] = {}  # service prefixes in the order the statement names them
        for value in self.action_patterns:
            lowered = value.lower()
            prefix, colon, _ = lowered.partition(":")
            if "*" not in value and "?" not in value:
                exact.add(lowered)
                order[prefix] = None
            elif colon and "*" not in prefix and "?" not in prefix:
                by_service.setdefault(prefix, []).append(value)
                order[prefix] = None
            else:
                any_service.append(value)
        self._exact = frozenset(exact)
        self._by_service = {prefix: tuple(found) for prefix, found in by_service.items()}
        self._any_service = tuple(any_service)
        self._has_actions = element is not None
        self._service_order = None if self.negated or any_service else tuple(order)
        #: ``NotResource``: the statement applies to every resource its patterns do not match.
        self.resource_negated = statement.resource_element == "NotResource"
        resource_items = statement.not_resources if self.resource_negated else statement.resources
        #: The Resource/NotResource values, as written.
        self.resource_patterns: tuple[str, ...] = tuple(item.value for item in resource_items)
        #: A value known only at deployment (``!Ref``, ``${var.x}``) in Action/NotAction or in
        #: Resource/NotResource: a Deny with one may cover any action or resource there.
        self.unknown_actions = _holds_unknown(statement.data.get(element or ""))
        self.unknown_resources = _holds_unknown(
            statement.data.get(statement.resource_element or "")
        )
        self._expanded: tuple[Catalog, tuple[Action, ...]] | None = None

    def __repr__(self) -> str:
        return f"StatementGrants({self.statement.path!r})"

    # -- actions ----------------------------------------------------------------------------------

    @cached_property
    def every_action(self) -> bool:
        """``Action`` holds ``*`` (or ``*:*``): every action, kept symbolic."""
        return not self.negated and any(matches_every_action(v) for v in self.action_patterns)

    @cached_property
    def services(self) -> frozenset[str] | None:
        """The lower-case service prefixes the Action values name; None when they may name any
        service (NotAction, or a value with a wildcard service prefix)."""
        order = self._service_order
        return None if order is None else frozenset(order)

    def covers(self, name: str) -> bool:
        """Whether Action/NotAction covers the exact action ``name`` (any case);
        ``EVERY_ACTION`` is covered only by an ``Action: "*"``."""
        if not self._has_actions:
            return False
        if name == EVERY_ACTION:
            return self.every_action
        lowered = name.lower()
        matched = (
            lowered in self._exact
            or any(
                action_pattern_matches(p, name)
                for p in self._by_service.get(lowered.partition(":")[0], ())
            )
            or any(action_pattern_matches(p, name) for p in self._any_service)
        )
        return matched != self.negated

    def may_deny(self, name: str) -> bool:
        """For a Deny: whether it covers ``name``, or may (a deploy-time Action value)."""
        return self.unknown_actions or self.covers(name)

    def covered(self, names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """The members of ``names`` (exact action names) that Action/NotAction covers: grouped by
        the services in the order the statement names them, each group in the order given
        (NotAction and wildcard services: the order given). A statement about other services
        costs one dictionary lookup per service it names, however long ``names`` is."""
        if not self._has_actions:
            return ()
        services = self._service_order
        if services is None:
            return tuple(name for name in names if self.covers(name))
        by_service = _names_by_service(names if isinstance(names, tuple) else tuple(names))
        exact = self._exact
        found: list[str] = []
        for service in services:
            candidates = by_service.get(service)
            if not candidates:
                continue
            patterns = self._by_service.get(service, ())
            for name in candidates:
                if name.lower() in exact or any(action_pattern_matches(p, name) for p in patterns):
                    found.append(name)
        return tuple(found)

    def actions(self, catalog: Catalog) -> tuple[Action, ...]:
        """Every catalog action the statement covers, in catalog order (NotAction: every catalog
        action no pattern matches); computed once per catalog."""
        if self._expanded is not None and self._expanded[0] is catalog:
            return self._expanded[1]
        if self.negated:
            result = tuple(a for a in catalog.match_actions("*") if self.covers(a.full_name))
        else:
            seen: dict[str, Action] = {}
            for pattern in self.action_patterns:
                for action in catalog.match_actions(pattern):
                    seen.setdefault(action.full_name.lower(), action)
            result = tuple(seen.values())
        self._expanded = (catalog, result)
        return result

    # -- resources --------------------------------------------------------------------------------

    @cached_property
    def every_resource(self) -> bool:
        """``Resource`` holds ``*`` (or an ARN of wildcards only): every resource."""
        return not self.resource_negated and any(
            covers_every_resource(v) for v in self.resource_patterns
        )

    def covers_resource(self, pattern: str) -> bool:
        """Whether every resource the ARN pattern ``pattern`` names is within this statement's
        Resource/NotResource (sound: False when pattern comparison cannot tell)."""
        if self.statement.resource_element is None:
            return False
        if self.every_resource:
            return True
        if self.resource_negated:
            return not any(may_overlap(pattern, n) for n in self.resource_patterns)
        return any(glob_covers(q, pattern) for q in self.resource_patterns)

    # -- principals and conditions ----------------------------------------------------------------

    @cached_property
    def principal_set(self) -> frozenset[tuple[str, str]]:
        """The statement's principals as ``(kind, value)``, service names lower-cased."""
        return frozenset(
            (p.kind, p.value.lower() if p.kind == "Service" else p.value)
            for p in self.statement.principals
        )

    def covers_principals_of(self, other: StatementGrants) -> bool:
        """Whether this (Deny) statement applies to every principal ``other`` names: it has no
        Principal element (an identity policy), ``"Principal": "*"``, or names each of them
        (``{"AWS": "*"}`` covers the AWS principals, not services or identity providers)."""
        element = self.statement.principal_element
        if element is None:
            return True
        if element == "NotPrincipal":
            return False
        if ("*", "*") in self.principal_set:
            return True
        if other.statement.principal_element != "Principal" or not other.principal_set:
            return False
        every_aws = ("AWS", "*") in self.principal_set
        return all(
            principal in self.principal_set or (every_aws and principal[0] == "AWS")
            for principal in other.principal_set
        )

    @cached_property
    def constraining(self) -> tuple[ConditionEntry, ...]:
        """The condition entries that narrow an Allow (``constrains``)."""
        return tuple(e for e in self.statement.conditions if constrains(e))

    @cached_property
    def full_admin(self) -> bool:
        """An Allow of ``*`` on every resource (``*`` or NotResource) with no constraining
        condition (the statement alone: ``PolicyGrants.full_admin`` applies the Denies)."""
        return (
            self.effect == "Allow"
            and self.every_action
            and (self.resource_negated or self.every_resource)
            and not self.constraining
        )

    @cached_property
    def unconditional(self) -> bool:
        """No Condition element (or an empty one): the statement always applies."""
        if "Condition" not in self.statement.data:
            return True
        return self.statement.data["Condition"] == {}

    @cached_property
    def enforced(self) -> ConditionEntry | None:
        """For a Deny with a single condition entry that fires when its key is absent or differs:
        the Allow-side entry it enforces (same key, values and paths; positive operator), else
        None."""
        entries = self.statement.conditions
        if self.unconditional or len(entries) != 1:
            return None
        entry = entries[0]
        if entry.qualifier is not None or not entry.values:
            return None
        base = entry.base_operator.lower()
        if base == "null":
            if entry.if_exists or not all(str(v.value).lower() == "true" for v in entry.values):
                return None
            values = tuple(Item("false", v.path) for v in entry.values)
            return entry._replace(operator="Null", base_operator="Null", values=values)
        positive = _ENFORCED_OPERATOR.get(base)
        if positive is None:
            return None
        return entry._replace(operator=positive, base_operator=positive, if_exists=False)


def _holds_unknown(value: object) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(type(v) is Unknown for v in values)


def statement_grants(statement: Statement) -> StatementGrants:
    """The per-statement index of ``statement``, built on first use and kept on
    ``statement.grants_index``."""
    index = statement.grants_index
    if index is None:
        index = statement.grants_index = StatementGrants(statement)
    return index


def named_services(statement: Statement) -> frozenset[str] | None:
    """The lower-case service prefixes the statement's Action patterns name
    (``StatementGrants.services``); None when they can name any service."""
    if statement.action_element is None:
        return frozenset()
    return statement_grants(statement).services


@functools.lru_cache(maxsize=64)
def _names_by_service(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Exact action names grouped by lower-case service prefix (data lists, cached)."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name.partition(":")[0].lower(), []).append(name)
    return {service: tuple(group) for service, group in groups.items()}


# How much of an action's resource space a statement's Resource element reaches.
SCOPE_NONE = "none"  # no Resource value can name a resource of the action: not granted
SCOPE_NAMED = "named"  # only ARNs that name resources (a literal name or name prefix)
SCOPE_PATTERN = "pattern"  # some ARN leaves the resource name open (``trail/*``)
SCOPE_ALL = "all"  # "*", NotResource, or an action without resource types on "*"


def names_resources(arn_text: str) -> bool:
    """Whether an ARN pattern names specific resources: its resource part is ``type/name`` or
    ``type:name`` with a literal (or policy-variable) start of the name, such as
    ``trail/app-logs``, ``trail/aws-controltower*``, ``user/${aws:username}``. Wildcards in the
    Region and account fields do not matter; ``trail/*`` and ``*`` do not name anything."""
    arn = parse_arn(arn_text)
    if arn is None:
        return False
    match = re.match(r"^([^/:]*)[/:](.*)$", arn.resource, re.DOTALL)
    if match is None:
        resource_type, name = "", arn.resource
    else:
        resource_type, name = match.groups()
    if has_wildcard(resource_type) or not name:
        return False
    return name[0] not in "*?"


def resource_scope(statement: Statement, action: Action) -> str:
    """How far the statement's Resource/NotResource reaches for ``action`` (``SCOPE_*``). An action
    without resource types is granted only by a Resource that is all wildcards (``*``)."""
    if statement.resource_element == "NotResource":
        return SCOPE_ALL
    return patterns_scope((item.value for item in statement.resources), action)


def patterns_scope(patterns: Iterable[str], action: Action | None) -> str:
    """How far Resource patterns reach for ``action`` (``SCOPE_*``): ``SCOPE_ALL`` for a pattern
    of wildcards only; an action without resource types (or unknown: None) through nothing
    else; otherwise the widest of the patterns that may name one of its resource types."""
    scope = SCOPE_NONE
    for value in patterns:
        if value.strip("*") == "":
            return SCOPE_ALL
        if action is None or not action.has_resource_types:
            continue
        if not any(r.resource_type.matches_arn(value) for r in action.resource_types):
            continue
        if not names_resources(value):
            scope = SCOPE_PATTERN
        elif scope == SCOPE_NONE:
            scope = SCOPE_NAMED
    return scope


def condition_blocks_action(statement: Statement, action_name: str, catalog: Catalog) -> bool:
    """Whether an Allow can never grant ``action_name`` because one of its constraining conditions
    (``constrains``) uses a key the action does not support: absent keys make the condition false.
    The condition family reports the key; grant-based rules use this to skip such actions."""
    entries = statement_grants(statement).constraining
    if not entries:
        return False
    action = catalog.action(action_name)
    return action is not None and not all(
        action_supports_key(catalog, action, e.key) for e in entries
    )


def constraining_entries(statement: Statement) -> tuple[ConditionEntry, ...]:
    """The statement's condition entries that narrow an Allow (``constrains``):
    ``StatementGrants.constraining``."""
    return statement_grants(statement).constraining


# A stand-in for an ARN-format variable that only a bare "*" run can match: it holds "/" and ":"
# (which "?" and literal text cannot cover) and NUL characters (which no policy text contains).
_ANY_VALUE = "\x00/:\x00"
_LPR_VARIABLE = r"\$\{[^}]*\}"


@functools.lru_cache(maxsize=8192)
def reaches_every_resource(value: str, action: Action) -> bool:
    """Whether the Resource value ``value`` names every resource of a type ``action`` accepts (a
    required type, when the action has one): ``*`` (or only wildcards), or an ARN of such a
    resource type whose resource field leaves every name open
    (``arn:aws:iam::111122223333:role/*``, ``arn:aws:lambda:*:*:function:*``,
    ``arn:aws:s3:::*/*``). The account and Region fields may be fixed: one account's every role
    is still every role the caller can reach there. ``role/app-*``, ``mybucket/*`` and policy
    variables (``user/${aws:username}``) name fewer. An action without resource types is granted
    only by ``*``."""
    if value.strip("*") == "":
        return True
    if not action.has_resource_types or "${" in value:
        return False
    arn = parse_arn(value)
    if arn is None:
        return False
    return any(
        wildcard_matches(arn.resource, skeleton)
        and action.resource_types[position].resource_type.matches_arn(value)
        for position, skeleton in _resource_skeletons(action)
    )


@functools.lru_cache(maxsize=2048)
def _resource_skeletons(action: Action) -> tuple[tuple[int, str], ...]:
    """Each resource type that decides ``action``'s reach (its required types, or all of them when
    none is required), as its index in ``action.resource_types``, with the resource field of its
    ARN format(s), every ``${Variable}`` replaced by ``_ANY_VALUE`` (``role/${RoleNameWithPath}``
    → ``role/<any>``)."""
    required = [r for r in action.resource_types if r.required]
    found = []
    for position, action_resource in enumerate(action.resource_types):
        if required and not action_resource.required:
            continue
        for arn_format in action_resource.resource_type.arn_formats:
            arn = parse_arn(arn_format)
            if arn is not None:
                found.append((position, compiled(_LPR_VARIABLE).sub(_ANY_VALUE, arn.resource)))
    return tuple(found)


def every_resource_anchor(statement: Statement, action: Action) -> tuple[JsonPath, bool] | None:
    """Where ``statement`` reaches every resource of ``action`` (``reaches_every_resource``): the
    first such Resource value, or the NotResource key (every resource but a few), as ``(path,
    key)`` for ``Report``; None when every Resource value names fewer resources."""
    if statement.resource_element == "NotResource":
        return (*statement.path, "NotResource"), True
    for item in statement.resources:
        if reaches_every_resource(item.value, action):
            return item.path, False
    return None


def every_resource_phrase(statement: Statement, action: Action) -> str:
    """How a message names the reach found by ``every_resource_anchor``: ``("*")``,
    ``("arn:aws:iam::*:role/*")`` or ``outside NotResource`` (empty when there is none)."""
    anchor = every_resource_anchor(statement, action)
    if anchor is None:
        return ""
    if anchor[1]:
        return "outside NotResource"
    return f'("{next(item.value for item in statement.resources if item.path == anchor[0])}")'


def covers_every_resource(value: str) -> bool:
    """A Resource value that names everything: ``*`` (or only wildcards), or an ARN whose
    service, Region, account and resource fields are only wildcards (``arn:*:*:*:*:*``,
    ``arn:aws:*:*:*:*``)."""
    if value.strip("*") == "":
        return True
    arn = parse_arn(value)
    fields = (arn.service, arn.region, arn.account, arn.resource) if arn else ("",)
    return all(field and field.strip("*") == "" for field in fields)


def matches_every_action(value: str) -> bool:
    """``*``, ``*:*`` (or longer runs of ``*``): an Action value that names every action."""
    if not value.startswith("*"):
        return False
    return value.count(":") <= 1 and value.replace(":", "").strip("*") == ""


def is_full_admin(statement: Statement) -> bool:
    """An Allow of every action (``*``) on every resource (``*`` or NotResource) with no
    constraining condition: LPR001's finding, which the narrower least-privilege rules leave
    alone (``StatementGrants.full_admin``; ``PolicyGrants.full_admin`` applies the Denies)."""
    return statement_grants(statement).full_admin


def may_overlap(first: str, second: str) -> bool:
    """Whether two ARN patterns may name a common resource (sound: True unless their literal
    starts or ends differ). ``*``, ``?`` and policy variables count as wildcards."""
    if first == second:
        return True
    a_head, a_tail, a_wild = _literal_ends(first)
    b_head, b_tail, b_wild = _literal_ends(second)
    if not a_wild and not b_wild:
        return False
    if not (a_head.startswith(b_head) or b_head.startswith(a_head)):
        return False
    return a_tail.endswith(b_tail) or b_tail.endswith(a_tail)


def _literal_ends(pattern: str) -> tuple[str, str, bool]:
    """The literal text before the first and after the last wildcard, and whether there is one."""
    cuts = [i for i in (pattern.find("*"), pattern.find("?"), pattern.find("${")) if i >= 0]
    if not cuts:
        return pattern, pattern, False
    head = pattern[: min(cuts)]
    last = max(pattern.rfind("*"), pattern.rfind("?"), pattern.rfind("}"))
    return head, pattern[last + 1 :], True
