"""What a statement grants: the catalog actions its Action/NotAction covers (wildcards and
``NotAction`` expanded the same way for every rule), which of a list of names it covers, how much
of an action's resources its Resource reaches, which grants no condition narrows, and full
administrator access. Results are cached on the statement.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from linter.arns import parse_arn
from linter.condition_keys import action_supports_key
from linter.conditions import constrains
from linter.policy import ConditionEntry, Item, Statement, action_pattern_matches
from linter.wildcards import compiled, has_wildcard, wildcard_matches

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


def granted_actions(statement: Statement, catalog: Catalog) -> tuple[Action, ...]:
    """Every catalog action the statement's Action/NotAction applies to, in catalog order.

    For ``NotAction`` this is every catalog action not matched by any entry. The result is
    cached on the statement, so several rules can ask without repeating the expansion.
    """
    cached = statement.__dict__.get("_granted_actions")
    if cached is not None and cached[0] is catalog:
        return cached[1]
    if statement.action_element == "Action":
        seen: dict[str, Action] = {}
        for item in statement.actions:
            for action in catalog.match_actions(item.value):
                seen.setdefault(action.full_name.lower(), action)
        result = tuple(seen.values())
    elif statement.action_element == "NotAction":
        patterns = [i.value for i in statement.not_actions]
        result = tuple(
            action
            for action in catalog.match_actions("*")
            if not any(action_pattern_matches(p, action.full_name) for p in patterns)
        )
    else:
        result = ()
    statement.__dict__["_granted_actions"] = (catalog, result)
    return result


def grants_any(statement: Statement, action_names: Iterable[str]) -> tuple[str, ...]:
    """Which of ``action_names`` (exact names like ``cloudtrail:StopLogging``) the statement's
    Action/NotAction covers, through wildcards and NotAction. No catalog needed."""
    return tuple(name for name in action_names if statement.covers_action(name))


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


class _ActionIndex(NamedTuple):
    by_service: dict[str, tuple[str, ...]]  # lower-case service prefix -> patterns
    any_service: tuple[str, ...]  # patterns whose prefix has a wildcard (``*``, ``cloud*:Stop*``)
    negated: bool  # NotAction


def _action_index(statement: Statement) -> _ActionIndex | None:
    cached = statement.__dict__.get("_action_index", False)
    if cached is not False:
        return cached
    index = None
    if statement.action_element:
        items = statement.actions if statement.action_element == "Action" else statement.not_actions
        by_service: dict[str, list[str]] = {}
        any_service: list[str] = []
        for item in items:
            value = item.value
            prefix, colon, _ = value.partition(":")
            if colon and "*" not in prefix and "?" not in prefix:
                by_service.setdefault(prefix.lower(), []).append(value)
            else:
                any_service.append(value)
        index = _ActionIndex(
            {k: tuple(v) for k, v in by_service.items()},
            tuple(any_service),
            statement.action_element == "NotAction",
        )
    statement.__dict__["_action_index"] = index
    return index


def named_services(statement: Statement) -> frozenset[str] | None:
    """The lower-case service prefixes the statement's Action patterns name, from the same index
    ``covered_actions`` uses; None when they can name any service (NotAction, or a pattern
    whose prefix has a wildcard or no colon)."""
    index = _action_index(statement)
    if index is None:
        return frozenset()
    if index.negated or index.any_service:
        return None
    return frozenset(index.by_service)


def covered_actions(statement: Statement, action_names: Iterable[str]) -> tuple[str, ...]:
    """Which of ``action_names`` (exact names) the statement's Action/NotAction covers: the
    result of ``grants_any``, but each name is compared only with the patterns of its own service
    (and those with a wildcard in the service part), so long name lists stay cheap. Pass a tuple
    to benefit from the cached grouping of the names by service."""
    index = _action_index(statement)
    if index is None:
        return ()
    names = action_names if isinstance(action_names, tuple) else tuple(action_names)
    found = []
    for service, group in _names_by_service(names):
        patterns = index.by_service.get(service, ()) + index.any_service
        if not patterns:
            if index.negated:
                found.extend(group)
            continue
        for name in group:
            if any(action_pattern_matches(p, name) for p in patterns) != index.negated:
                found.append(name)
    if len(found) > 1:
        found.sort(key=_name_positions(names).__getitem__)
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _name_positions(names: tuple[str, ...]) -> dict[str, int]:
    return {name: position for position, name in enumerate(names)}


@functools.lru_cache(maxsize=64)
def _names_by_service(names: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name.partition(":")[0].lower(), []).append(name)
    return tuple((service, tuple(group)) for service, group in groups.items())


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
    scope = SCOPE_NONE
    for item in statement.resources:
        value = item.value
        if value.strip("*") == "":
            return SCOPE_ALL
        if not action.has_resource_types:
            continue
        if not any(r.resource_type.matches_arn(value) for r in action.resource_types):
            continue
        if not names_resources(value):
            scope = SCOPE_PATTERN
        elif scope == SCOPE_NONE:
            scope = SCOPE_NAMED
    return scope


_SCOPE_RANK = {SCOPE_NONE: 0, SCOPE_NAMED: 1, SCOPE_PATTERN: 2, SCOPE_ALL: 3}


def granted_in_scope(
    statement: Statement, action_names: Iterable[str], catalog: Catalog
) -> tuple[tuple[str, ...], str]:
    """The ``action_names`` the statement grants, through Action/NotAction (``covered_actions``)
    *and* through a Resource that can name one of the action's resources (``resource_scope``),
    with the widest ``SCOPE_*`` among them (``SCOPE_NONE`` when nothing is granted). Names the
    catalog does not know count as granted only on an unrestricted Resource."""
    granted = []
    widest = SCOPE_NONE
    for name in covered_actions(statement, action_names):
        action = catalog.action(name)
        if action is None:
            scope = SCOPE_ALL if resource_is_unrestricted(statement) else SCOPE_NONE
        else:
            scope = resource_scope(statement, action)
        if scope == SCOPE_NONE:
            continue
        granted.append(name)
        if _SCOPE_RANK[scope] > _SCOPE_RANK[widest]:
            widest = scope
    return tuple(granted), widest


def condition_blocks_action(statement: Statement, action_name: str, catalog: Catalog) -> bool:
    """Whether an Allow can never grant ``action_name`` because one of its constraining conditions
    (``constrains``) uses a key the action does not support: absent keys make the condition false.
    The condition family reports the key; grant-based rules use this to skip such actions."""
    entries = statement.__dict__.get("_constraining_entries")
    if entries is None:
        entries = tuple(e for e in statement.conditions if constrains(e))
        statement.__dict__["_constraining_entries"] = entries
    if not entries:
        return False
    action = catalog.action(action_name)
    return action is not None and not all(
        action_supports_key(catalog, action, e.key) for e in entries
    )


def effectively_granted(
    statement: Statement, action_names: Iterable[str], catalog: Catalog
) -> list[str]:
    """The names of ``action_names`` that an Allow statement really grants: covered by its
    Action/NotAction (``covered_actions``) and not blocked by a condition key they never receive
    (``condition_blocks_action``)."""
    return [
        name
        for name in covered_actions(statement, action_names)
        if not condition_blocks_action(statement, name, catalog)
    ]


def constraining_entries(statement: Statement) -> tuple[ConditionEntry, ...]:
    """The statement's condition entries that narrow an Allow (``constrains``), cached on the
    statement (shared with ``condition_blocks_action``)."""
    entries = statement.__dict__.get("_constraining_entries")
    if entries is None:
        entries = tuple(e for e in statement.conditions if constrains(e))
        statement.__dict__["_constraining_entries"] = entries
    return entries


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


@functools.lru_cache(maxsize=64)
def _names_by_prefix(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    by_prefix: dict[str, list[str]] = {}
    for name in names:
        by_prefix.setdefault(name.partition(":")[0].lower(), []).append(name)
    return {prefix: tuple(found) for prefix, found in by_prefix.items()}


def candidate_names(statement: Statement, names: tuple[str, ...]) -> tuple[str, ...]:
    """The members of ``names`` (exact action names, a data list) that the statement's
    Action/NotAction could cover: those of the service prefixes its Action values name, or all of
    them for NotAction and for a value with a wildcard service prefix (``*``, ``*:Get*``). Pass
    the result to ``covered_names``: through the statement's cached action index, a statement
    about other services costs one dictionary lookup per service it names, however long
    ``names`` is."""
    index = _action_index(statement)
    if index is None:
        return ()
    if index.negated or index.any_service:
        return names
    by_prefix = _names_by_prefix(names)
    if len(index.by_service) == 1:
        return by_prefix.get(next(iter(index.by_service)), ())
    found: list[str] = []
    for prefix in index.by_service:
        found.extend(by_prefix.get(prefix, ()))
    return tuple(found)


def unrestricted_grants(
    statement: Statement, names: tuple[str, ...], catalog: Catalog
) -> tuple[str, ...]:
    """The members of ``names`` (a data list of exact action names) that an Allow statement
    grants on every resource of their type with no constraining condition, among the actions that
    *have* resource types (an action without them can only be granted on ``"*"``, which is then
    not a finding). Through wildcards and NotAction; each name costs a catalog lookup only when
    the statement covers it. Full-admin statements (``is_full_admin``) give nothing: LPR001
    reports them."""
    if not statement.is_allow or constraining_entries(statement) or is_full_admin(statement):
        return ()
    found = []
    for name in covered_names(statement, candidate_names(statement, names)):
        action = catalog.action(name)
        if action is None or not action.has_resource_types:
            continue
        if every_resource_anchor(statement, action) is not None:
            found.append(name)
    return tuple(found)


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
    alone."""
    cached = statement.__dict__.get("_is_full_admin")
    if cached is None:
        cached = (
            statement.is_allow
            and any(matches_every_action(item.value) for item in statement.actions)
            and (
                statement.resource_element == "NotResource"
                or any(covers_every_resource(item.value) for item in statement.resources)
            )
            and not constraining_entries(statement)
        )
        statement.__dict__["_is_full_admin"] = cached
    return cached


class _PatternIndex(NamedTuple):
    exact: frozenset[str]  # lower-case Action/NotAction values without wildcards
    by_service: dict[str, tuple[str, ...]]  # lower-case prefix -> wildcard patterns
    any_service: tuple[str, ...]  # wildcard patterns with a wildcard prefix
    negated: bool  # NotAction


def _pattern_index(statement: Statement) -> _PatternIndex | None:
    cached = statement.__dict__.get("_lpr_pattern_index", False)
    if cached is not False:
        return cached
    index = None
    if statement.action_element:
        exact: set[str] = set()
        by_service: dict[str, list[str]] = {}
        any_service: list[str] = []
        for item in statement.actions + statement.not_actions:
            value = item.value
            if not has_wildcard(value):
                exact.add(value.lower())
                continue
            prefix, colon, _ = value.partition(":")
            if colon and not has_wildcard(prefix):
                by_service.setdefault(prefix.lower(), []).append(value)
            else:
                any_service.append(value)
        index = _PatternIndex(
            frozenset(exact),
            {prefix: tuple(patterns) for prefix, patterns in by_service.items()},
            tuple(any_service),
            statement.action_element == "NotAction",
        )
    statement.__dict__["_lpr_pattern_index"] = index
    return index


def covered_names(statement: Statement, names: Iterable[str]) -> tuple[str, ...]:
    """``covered_actions`` for long name lists: a name equal to an Action value (any case) is a
    set lookup; only the wildcard values of its own service (and those with a wildcard prefix)
    are matched as patterns."""
    index = _pattern_index(statement)
    if index is None:
        return ()
    found = []
    for name in names:
        lowered = name.lower()
        matched = (
            lowered in index.exact
            or any(
                action_pattern_matches(p, name)
                for p in index.by_service.get(lowered.partition(":")[0], ())
            )
            or any(action_pattern_matches(p, name) for p in index.any_service)
        )
        if matched != index.negated:
            found.append(name)
    return tuple(found)
