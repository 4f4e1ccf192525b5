"""Access a whole policy may give: pattern overlap, unconditional Denies, forbidden access.

The offline counterparts of IAM Access Analyzer's custom policy checks ``CheckAccessNotGranted``
(LPR011) and ``CheckNoPublicAccess`` (LPR012) ask the same questions of a policy:

* may two IAM patterns (``*`` any run, ``?`` one character) name a common string?
  (:func:`globs_may_overlap`, :func:`arn_patterns_may_overlap`; exact for ``*`` and ``?``, and
  sound with policy variables, which may stand for anything);
* which Deny statements apply to every request whatever its context (:func:`unconditional_denies`),
  and does one of them remove an action on a resource (:func:`denied`)?

Everything here over-approximates what a policy may grant: an answer of "may overlap" or "not
denied" is given whenever it cannot be ruled out, so the rules built on it never stay silent on
access a policy gives. A conditional ``Deny`` removes nothing here (LPR012 reads the conditions
that limit callers itself).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from linter.grants import statement_grants
from linter.model import JsonPath, PolicyType
from linter.policy import Item, Policy, Statement, action_pattern_matches
from linter.wildcards import glob_covers

# -- pattern algebra ------------------------------------------------------------------------------

_STAR, _ONE = "*", "?"


def _tokens(pattern: str) -> tuple[str, ...]:
    """Characters of an IAM pattern, a policy variable ``${...}`` as ``*`` (any value) and the
    escapes ``${*}``, ``${?}``, ``${$}`` as ``?`` (one character, here one we cannot name)."""
    tokens: list[str] = []
    position = 0
    while position < len(pattern):
        if pattern.startswith("${", position):
            end = pattern.find("}", position)
            if end > 0:
                inner = pattern[position + 2 : end]
                tokens.append(_ONE if inner in ("*", "?", "$") else _STAR)
                position = end + 1
                continue
        tokens.append(pattern[position])
        position += 1
    # runs of "*" are one "*"
    collapsed: list[str] = []
    for token in tokens:
        if token == _STAR and collapsed and collapsed[-1] == _STAR:
            continue
        collapsed.append(token)
    return tuple(collapsed)


@functools.lru_cache(maxsize=16384)
def globs_may_overlap(first: str, second: str) -> bool:
    """Whether some string matches both IAM patterns (case-sensitive; lower-case both sides for
    action names). Exact for ``*`` and ``?``: the emptiness test of the intersection of the two
    languages, by dynamic programming over positions (quadratic, no backtracking)."""
    if first in (second, _STAR) or second == _STAR:
        return True
    a, b = _tokens(first), _tokens(second)
    if _STAR not in a and _ONE not in a and _STAR not in b and _ONE not in b:
        return a == b
    n, m = len(a), len(b)
    # row[j] holds overlap(i + 1, j) while row i is computed into current[j]
    below = [False] * (m + 1)
    below[m] = True  # overlap(n, m)
    for j in range(m - 1, -1, -1):  # overlap(n, j): the rest of b must be able to be empty
        below[j] = b[j] == _STAR and below[j + 1]
    for i in range(n - 1, -1, -1):
        current = [False] * (m + 1)
        current[m] = a[i] == _STAR and below[m]
        for j in range(m - 1, -1, -1):
            x, y = a[i], b[j]
            if x == _STAR:
                current[j] = below[j] or current[j + 1]
            elif y == _STAR:
                current[j] = current[j + 1] or below[j]
            else:
                current[j] = (x in (y, _ONE) or y == _ONE) and below[j + 1]
        below = current
    return below[0]


def arn_patterns_may_overlap(first: str, second: str) -> bool:
    """Whether two Resource patterns may name a common resource: ``*`` overlaps everything,
    ``arn:aws:s3:::audit-logs/2026/*`` overlaps ``arn:aws:s3:::audit-logs/*`` and
    ``arn:aws:s3:::audit-*``, not ``arn:aws:s3:::audit-logs`` (the bucket is not an object).
    A wildcard may span ``:`` and ``/`` (IAM's matching), and a policy variable may be anything:
    never False for two patterns that share a resource."""
    return globs_may_overlap(first, second)


# -- Deny statements ------------------------------------------------------------------------------


def applies_to_everyone(statement: Statement, policy_type: PolicyType) -> bool:
    """A statement that applies to every caller: no Principal (identity policies, SCPs), or a
    Principal of ``"*"`` / ``{"AWS": "*"}``; never a NotPrincipal one."""
    if statement.principal_element is None:
        return policy_type in (PolicyType.IDENTITY, PolicyType.SCP, PolicyType.RCP)
    if statement.principal_element == "NotPrincipal":
        return False
    return any(p.value == "*" and p.kind in ("*", "AWS") for p in statement.principals)


def unconditional_denies(policy: Policy) -> tuple[Statement, ...]:
    """The Deny statements that apply to every request: no Condition element (or an empty one)
    and every caller (:func:`applies_to_everyone`)."""
    cached = policy.__dict__.get("_unconditional_denies")
    if cached is None:
        cached = tuple(
            s
            for s in policy.statements
            if s.is_deny
            and not s.data.get("Condition")
            and s.action_element is not None
            and applies_to_everyone(s, policy.policy_type)
        )
        policy.__dict__["_unconditional_denies"] = cached
    return cached


def has_unknown(statement: Statement, *elements: str) -> bool:
    """Whether one of the statement's ``elements`` holds a value known only at deployment (a
    template's ``!Ref``, ``${var.x}``): a Deny with one may cover anything there, and the rules
    stay silent rather than claim it does not (no false certainty)."""
    from linter.sources import Unknown

    for name in elements:
        value = statement.data.get(name)
        values = value if isinstance(value, list) else [value]
        if any(type(v) is Unknown for v in values):
            return True
    return False


def deny_covers_action(deny: Statement, action_name: str) -> bool:
    """Whether the Deny's Action/NotAction applies (or, with a deploy-time value, may apply)
    to the exact action ``action_name``."""
    return statement_grants(deny).covers(action_name) or has_unknown(deny, "Action", "NotAction")


def deny_covers_action_pattern(deny: Statement, pattern: str) -> bool:
    """Whether the Deny applies to every action the Action pattern ``pattern`` names."""
    lowered = pattern.lower()
    if has_unknown(deny, "Action", "NotAction"):
        return True
    if deny.action_element == "Action":
        return any(glob_covers(item.value.lower(), lowered) for item in deny.actions)
    if deny.action_element == "NotAction":
        return not any(globs_may_overlap(i.value.lower(), lowered) for i in deny.not_actions)
    return False


def deny_covers_resources(deny: Statement, targets: Iterable[str]) -> bool:
    """Whether the Deny applies to every resource of at least one of ``targets`` (patterns); a
    deploy-time value in its Resource or NotResource may, and counts as covering."""
    targets = tuple(targets)
    if has_unknown(deny, "Resource", "NotResource"):
        return True
    if deny.resource_element == "Resource":
        return any(glob_covers(d.value, t) for d in deny.resources for t in targets)
    if deny.resource_element == "NotResource":
        return any(
            not any(arn_patterns_may_overlap(n.value, t) for n in deny.not_resources)
            for t in targets
        )
    return False  # no resource element: nothing certain


def denied(policy: Policy, action_name: str, targets: Iterable[str]) -> bool:
    """Whether an unconditional Deny of the policy removes ``action_name`` on the resources of
    one of ``targets``."""
    targets = tuple(targets)
    return any(
        deny_covers_action(deny, action_name) and deny_covers_resources(deny, targets)
        for deny in unconditional_denies(policy)
    )


def denied_pattern(policy: Policy, pattern: str, targets: Iterable[str]) -> bool:
    """Whether an unconditional Deny removes every action ``pattern`` names on ``targets``."""
    targets = tuple(targets)
    return any(
        deny_covers_action_pattern(deny, pattern) and deny_covers_resources(deny, targets)
        for deny in unconditional_denies(policy)
    )


# -- what a statement grants, entry by entry ------------------------------------------------------


class ActionEntry(NamedTuple):
    """An Action value, or a whole NotAction element (``negated``), and where to report it."""

    patterns: tuple[str, ...]
    negated: bool
    path: JsonPath
    shown: str

    def may_grant(self, action: str) -> bool:
        """Whether the entry applies to the exact action name or action pattern ``action``."""
        if _STAR in action or _ONE in action:
            lowered = action.lower()
            if self.negated:  # NotAction: some action of ``action`` must escape every pattern
                return not any(glob_covers(p.lower(), lowered) for p in self.patterns)
            return any(globs_may_overlap(p.lower(), lowered) for p in self.patterns)
        matched = any(action_pattern_matches(p, action) for p in self.patterns)
        return matched is not self.negated


def action_entries(statement: Statement) -> tuple[ActionEntry, ...]:
    """One entry per Action value, or the NotAction element as one entry."""
    if statement.action_element == "Action":
        return tuple(
            ActionEntry((i.value,), False, i.path, f'"{i.value}"') for i in statement.actions
        )
    if statement.action_element == "NotAction":
        item = statement.element("NotAction")
        assert item is not None
        patterns = tuple(i.value for i in statement.not_actions)
        return (ActionEntry(patterns, True, item.path, "NotAction"),)
    return ()


class ResourceTarget(NamedTuple):
    """A Resource value, a whole NotResource element (every resource but ``excluded``), or a
    statement without either (a trust policy's role: any resource), and where to report it."""

    pattern: str
    excluded: tuple[str, ...]
    path: JsonPath
    key: bool
    shown: str

    def may_overlap(self, resource: str) -> bool:
        if self.excluded:
            return not any(glob_covers(n, resource) for n in self.excluded)
        return arn_patterns_may_overlap(self.pattern, resource)


def resource_targets(statement: Statement) -> tuple[ResourceTarget, ...]:
    if statement.resource_element == "Resource":
        return tuple(
            ResourceTarget(i.value, (), i.path, False, f'"{i.value}"') for i in statement.resources
        )
    if statement.resource_element == "NotResource":
        excluded = tuple(i.value for i in statement.not_resources)
        path = (*statement.path, "NotResource")
        return (ResourceTarget(_STAR, excluded or (_NOTHING,), path, True, "NotResource"),)
    path, key = statement.anchor()
    return (ResourceTarget(_STAR, (), path, key, "the statement"),)


_NOTHING = "\x00"  # excluded by an empty NotResource: matches no resource


@functools.lru_cache(maxsize=256)
def actions_reaching(catalog: Any, resource: str) -> frozenset[str]:
    """The lower-case names of the catalog actions that accept a resource type whose ARN format
    may overlap the ARN pattern ``resource`` (``ResourceType.matches_arn``, sound)."""
    found = set()
    for service in catalog.services():
        for action in service.actions():
            if any(r.resource_type.matches_arn(resource) for r in action.resource_types):
                found.add(action.full_name.lower())
    return frozenset(found)


def action_may_act_on(catalog: Any, action_name: str, target: str) -> bool:
    """Whether the exact action may act on a resource the Resource pattern ``target`` names: an
    action without resource types only on ``"*"`` (IAM's rule), others on an ARN one of their
    resource types may have; an unknown action or pattern may (sound)."""
    if target.strip(_STAR) == "":
        return True
    action = catalog.action(action_name)
    if action is None:
        return True
    if not action.has_resource_types:
        return False
    return any(r.resource_type.matches_arn(target) for r in action.resource_types)


def entry_may_reach(entry: ActionEntry, resource: str, catalog: Any) -> bool:
    """Whether an Action entry may name an action that acts on ``resource``: one of its catalog
    actions accepts a resource type that may name it; an entry the catalog does not know, and
    NotAction, may (sound)."""
    if entry.negated or resource.strip(_STAR) == "":
        return True
    reaching = actions_reaching(catalog, resource)
    for pattern in entry.patterns:
        matched = catalog.match_actions(pattern)
        if not matched or any(a.full_name.lower() in reaching for a in matched):
            return True
    return False


# -- access-not-granted settings -------------------------------------------------------------------


class ForbiddenAccess(NamedTuple):
    """One ``access-not-granted`` entry: actions (empty: any) on resources (empty: any)."""

    number: int
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def describe(self) -> str:
        parts = []
        if self.actions:
            parts.append(_summarize(self.actions, 3))
        else:
            parts.append("any action")
        if self.resources:
            parts.append("on " + _summarize(self.resources, 2))
        return " ".join(parts)


def forbidden_access(entries: Sequence[Any]) -> tuple[ForbiddenAccess, ...]:
    """The ``access-not-granted`` setting as :class:`ForbiddenAccess` values, numbered from 1.

    An entry is a mapping with ``actions`` and/or ``resources`` (the configuration), or a string
    (``--access-not-granted``): an ARN or ``*`` is a resource, anything else an action."""
    found = []
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, str):
            is_resource = entry.startswith("arn:") or entry == _STAR
            actions, resources = ((), (entry,)) if is_resource else ((entry,), ())
        elif isinstance(entry, dict):
            actions = tuple(a for a in entry.get("actions", ()) if isinstance(a, str) and a)
            resources = tuple(r for r in entry.get("resources", ()) if isinstance(r, str) and r)
        else:
            continue
        if actions or resources:
            found.append(ForbiddenAccess(number, actions, resources))
    return tuple(found)


def expand_forbidden_actions(actions: Iterable[str], catalog: Any) -> tuple[str, ...]:
    """Exact names stay; a pattern becomes the catalog actions it names (itself when none)."""
    names: dict[str, str] = {}
    for action in actions:
        if _STAR in action or _ONE in action:
            matched = [a.full_name for a in catalog.match_actions(action)]
            for name in matched or [action]:
                names.setdefault(name.lower(), name)
        else:
            names.setdefault(action.lower(), action)
    return tuple(names.values())


def _summarize(names: Sequence[str], limit: int) -> str:
    names = list(names)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def summarize(names: Sequence[str], limit: int = 5) -> str:
    """``a``, ``a and b``, ``a, b and c``; more than ``limit`` names end in ``and N more``."""
    return _summarize(names, limit)


def item_values(items: Iterable[Item]) -> tuple[str, ...]:
    return tuple(i.value for i in items)


# -- public access (LPR012) -----------------------------------------------------------------------

_POSITIVE = {
    "stringnotequals": "StringEquals",
    "stringnotlike": "StringLike",
    "arnnotequals": "ArnEquals",
    "arnnotlike": "ArnLike",
    "notipaddress": "IpAddress",
}


def has_public_principal(statement: Statement) -> bool:
    """An Allow for everyone: ``"Principal": "*"``, ``{"AWS": "*"}``, or any NotPrincipal."""
    if statement.principal_element == "NotPrincipal":
        return True
    return any(p.value == "*" and p.kind in ("*", "AWS") for p in statement.principals)


def limits_to_services(entry: Any) -> bool:
    """``Bool aws:PrincipalIsAWSService "true"`` or a fixed ``aws:PrincipalServiceName``: only
    AWS services may call."""
    base = entry.base_operator.lower()
    values = entry.string_values
    if entry.if_exists or entry.qualifier or not values:
        return False
    if entry.key_lower == "aws:principalisawsservice":
        return base == "bool" and all(v.lower() == "true" for v in values)
    if entry.key_lower == "aws:principalservicename":
        return base == "stringequals" and all("*" not in v and "?" not in v for v in values)
    return False


def statement_limits_callers(statement: Statement) -> bool:
    """Whether a condition of the Allow limits its callers to accounts, organizations, networks
    or AWS services (``limits_public_access``, :func:`limits_to_services`)."""
    from linter.principals import limits_public_access

    return any(limits_public_access(e) or limits_to_services(e) for e in statement.conditions)


def deny_entry_limits_callers(entry: Any) -> bool:
    """A Deny condition that fires for every caller outside an account, organization, network
    or AWS service: a negated operator on a key and values that would limit an Allow
    (``StringNotEquals aws:PrincipalOrgID o-...``, ``NotIpAddress aws:SourceIp ...``), or
    ``Bool aws:PrincipalIsAWSService "false"``."""
    from linter.principals import limits_public_access

    if entry.qualifier:
        return False
    base = entry.base_operator.lower()
    positive = _POSITIVE.get(base)
    if positive is None:
        values = entry.string_values
        return (
            base == "bool"
            and entry.key_lower == "aws:principalisawsservice"
            and bool(values)
            and all(v.lower() == "false" for v in values)
        )
    flipped = entry._replace(operator=positive, base_operator=positive, if_exists=False)
    return limits_public_access(flipped)


def limiting_denies(policy: Policy) -> tuple[Statement, ...]:
    """Deny statements for every caller whose one condition denies every caller outside an
    account, organization, network or AWS service (:func:`deny_entry_limits_callers`). With
    two or more condition entries a Deny fires only when all hold, which a public caller may
    escape; those are left out."""
    cached = policy.__dict__.get("_limiting_denies")
    if cached is None:
        cached = tuple(
            s
            for s in policy.statements
            if s.is_deny
            and s.action_element is not None
            and applies_to_everyone(s, policy.policy_type)
            and len(s.conditions) == 1
            and isinstance(s.data.get("Condition"), dict)
            and len(s.data["Condition"]) == 1
            and deny_entry_limits_callers(s.conditions[0])
        )
        policy.__dict__["_limiting_denies"] = cached
    return cached


def limited_by_deny(policy: Policy, action_name: str, targets: Iterable[str]) -> bool:
    """Whether a limiting Deny (:func:`limiting_denies`) covers the action on the targets."""
    targets = tuple(targets)
    return any(
        deny_covers_action(deny, action_name) and deny_covers_resources(deny, targets)
        for deny in limiting_denies(policy)
    )
