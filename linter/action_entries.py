"""Action and NotAction entries: splitting ``service:name`` and what an entry names in the catalog
(a known action, an unknown service or action, a wildcard that matches nothing)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from linter.policy import Item, Statement
from linter.wildcards import compiled, glob_matcher

if TYPE_CHECKING:
    from linter.catalog import Catalog, Service


_ACTION_ENTRY = r"^([A-Za-z0-9*?_.-]+):([A-Za-z0-9*?_-]*)$"


class ActionName(NamedTuple):
    """An Action/NotAction entry split at its colon: ``s3:Get*`` → (``s3``, ``Get*``)."""

    service: str
    name: str


@functools.lru_cache(maxsize=65536)
def split_action(value: str) -> ActionName | None:
    """``s3:GetObject`` → ``ActionName("s3", "GetObject")``; None for ``*`` and for entries that
    are not ``service:name`` (the grammar rule GRM006 reports those)."""
    match = compiled(_ACTION_ENTRY).match(value)
    return ActionName(match.group(1), match.group(2)) if match else None


#: ``action_entry_status`` results: what an Action/NotAction entry names in the catalog.
ENTRY_OK = "ok"
ENTRY_MALFORMED = "malformed"  # not service:name (GRM006) or "*"
ENTRY_UNKNOWN_SERVICE = "unknown-service"  # literal prefix not in the catalog (ACT001)
ENTRY_UNKNOWN_ACTION = "unknown-action"  # known prefix, no such action (ACT002)
ENTRY_MATCHES_NOTHING = "matches-nothing"  # a wildcard that matches no action (ACT003)


@functools.lru_cache(maxsize=65536)
def action_entry_status(catalog: Catalog, value: str) -> str:
    """Classify an Action/NotAction entry once per process (entries repeat across files).
    Wildcard entries are matched against action *names* only, without building actions."""
    parts = split_action(value)
    if parts is None:
        return ENTRY_MALFORMED
    wildcard_service = "*" in parts.service or "?" in parts.service
    service = None if wildcard_service else catalog.service(parts.service)
    if not wildcard_service and service is None:
        return ENTRY_UNKNOWN_SERVICE
    if "*" in value or "?" in value:
        name_matches = glob_matcher(parts.name.lower())
        if service is not None:
            services = [service]
        else:
            service_matches = glob_matcher(parts.service.lower())
            services = [
                catalog.service(prefix)
                for prefix in sorted(catalog.service_prefixes())
                if service_matches(prefix)
            ]
        for candidate in services:
            if candidate is not None and any(
                name_matches(name) for name in _lower_action_names(candidate)
            ):
                return ENTRY_OK
        return ENTRY_MATCHES_NOTHING
    assert service is not None
    return ENTRY_OK if parts.name.lower() in _lower_action_names(service) else ENTRY_UNKNOWN_ACTION


@functools.lru_cache(maxsize=1024)
def _lower_action_names(service: Service) -> frozenset[str]:
    return frozenset(name.lower() for name in service.action_names())


def action_entries(statement: Statement) -> tuple[Item, ...]:
    """The string values of the statement's ``Action`` and ``NotAction`` elements."""
    return statement.actions + statement.not_actions


def entries_with_status(statement: Statement, catalog: Catalog, status: str) -> tuple[Item, ...]:
    """The statement's Action/NotAction entries whose ``action_entry_status`` is ``status`` (not
    ``ENTRY_OK``), in document order. The entries are classified once per statement for all the
    rules that ask (ACT001, ACT002, ACT003 each used to walk every entry)."""
    cached = statement.entry_problems
    if cached is None or cached[0] is not catalog:
        found: dict[str, list[Item]] = {}
        for item in action_entries(statement):
            entry_status = action_entry_status(catalog, item.value)
            if entry_status != ENTRY_OK:
                found.setdefault(entry_status, []).append(item)
        problems = {name: tuple(items) for name, items in found.items()}
        cached = statement.entry_problems = (catalog, problems)
    return cached[1].get(status, ())
