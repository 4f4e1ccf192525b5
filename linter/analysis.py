"""Shared analysis helpers for rules: action expansion through the catalog, ARNs, conditions.

Rules call these instead of re-implementing them, so every rule expands ``s3:Get*``, ``*`` and
``NotAction`` the same way and agrees on what "a constraining condition" is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from linter.policy import ConditionEntry, Item, Statement, action_pattern_matches

if TYPE_CHECKING:
    from linter.catalog import Action, Catalog


class Arn(NamedTuple):
    """The six colon-separated parts of an ARN; ``resource`` keeps any further colons."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """Split ``arn:partition:service:region:account:resource``; None if it has too few fields."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


ACCOUNT_ID = re.compile(r"^\d{12}$")


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


def conditions_on_keys(statement: Statement, *prefixes: str) -> tuple[ConditionEntry, ...]:
    """Condition entries whose key equals or starts with one of ``prefixes`` (case-insensitive).

    A prefix ending in ``/`` or ``:`` matches keys below it (``aws:ResourceTag/``).
    """
    wanted = tuple(p.lower() for p in prefixes)
    return tuple(
        entry
        for entry in statement.conditions
        if any(
            entry.key_lower == p or (p.endswith(("/", ":")) and entry.key_lower.startswith(p))
            for p in wanted
        )
    )


# Operators under which a condition really narrows an Allow. Null with "true", negated
# operators and IfExists variants can match requests without the key, so they do not count
# as a constraint on their own.
_NEGATED = ("stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress")


def constrains(entry: ConditionEntry) -> bool:
    """Whether an entry, in an Allow, requires the key to be present with specific values.

    ``IfExists`` and negated operators match requests that lack the key, ``ForAllValues``
    matches an absent multi-valued key, ``Null`` only tests presence, and a bare ``*`` under a
    Like operator matches any value: none of these narrows the grant to known values.
    """
    base = entry.base_operator.lower()
    if entry.if_exists or base in _NEGATED or base == "null":
        return False
    if entry.qualifier and entry.qualifier.lower() == "forallvalues":
        return False
    values = entry.string_values
    if not values:
        return False
    return not (base.endswith("like") and all(v.strip("*") == "" for v in values))


@functools.lru_cache(maxsize=1024)
def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
        re.DOTALL,
    )


def wildcard_matches(pattern: str, text: str, *, case_sensitive: bool = True) -> bool:
    """IAM ``*``/``?`` matching of a whole string (ARNs and condition values)."""
    if not case_sensitive:
        pattern, text = pattern.lower(), text.lower()
    return _wildcard_regex(pattern).fullmatch(text) is not None
