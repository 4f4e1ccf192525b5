"""Offline IAM catalog: lazy, indexed access to dated IAM/KMS actions, resources and condition keys.

The data is a directory written by :mod:`linter.catalog_build` (layout in ``docs/catalog.md``):
an ``index.json`` with the date, the source and the service prefixes, and one compact JSON file
per service prefix. :func:`load_catalog` reads only the index; a service file is read the first
time that prefix is asked for. Global condition keys (``aws:*``, the cross-service keys of the IAM
global-keys page, web-identity and SAML federation keys) are hand-curated data in
``linter/data/global_condition_keys.json``.

Location precedence: the directory named by ``$IAMLINT_CATALOG``; else the user catalog written by
``iamlint catalog update`` (``${XDG_DATA_HOME:-~/.local/share}/iamlint/catalog``) when its
``as_of`` is newer than the bundled one; else the bundled ``linter/data/catalog``. Nothing is
written at load time, and importing this module loads no data (``json``, ``re`` and ``difflib``
are imported lazily).

Matching rules: action names, service prefixes and condition-key names are case-insensitive;
``*`` and ``?`` are IAM wildcards; ``${Var}`` and ``<var>`` in condition-key names are templates
that match any non-empty text (``kms:EncryptionContext:${EncryptionContextKey}`` matches
``kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id``).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, NamedTuple

from linter.catalog_arns import arn_patterns_overlap

if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

ENV_VAR = "IAMLINT_CATALOG"
INDEX_FILE = "index.json"
FORMAT_VERSION = 1

#: Access levels as written by the Service Authorization Reference, and their one-letter file codes.
ACCESS_LEVEL_CODES = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}
_ACCESS_LEVEL_NAMES = {code: name for name, code in ACCESS_LEVEL_CODES.items()}

_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
BUNDLED_CATALOG_DIR = os.path.join(_DATA_DIR, "catalog")
GLOBAL_KEYS_FILE = os.path.join(_DATA_DIR, "global_condition_keys.json")

# Where a condition key comes from and which actions accept it (ConditionKey.scope).
SCOPE_GLOBAL = "global"  # aws:* key valid on every action
SCOPE_TAG = "tag"  # aws:RequestTag / aws:ResourceTag / aws:TagKeys: valid where the data lists it
SCOPE_CROSS_SERVICE = "cross-service"  # e.g. ec2:SourceInstanceArn: valid on every action
SCOPE_SERVICE = "service"  # from the service's Service Authorization Reference data
SCOPE_FEDERATION = "federation"  # OIDC provider (<host>:sub) and SAML (saml:*) keys
_UNIVERSAL_SCOPES = frozenset({SCOPE_GLOBAL, SCOPE_CROSS_SERVICE})

_TYPE_NAMES = {
    "string": "String",
    "arn": "ARN",
    "bool": "Bool",
    "boolean": "Bool",
    "date": "Date",
    "numeric": "Numeric",
    "long": "Numeric",
    "integer": "Numeric",
    "ipaddress": "IPAddress",
}
_MATCH_CACHE_LIMIT = 4096


class CatalogError(Exception):
    """The catalog directory is missing, unreadable or of an unknown format."""


# -------------------------------------------------------------------------------------------------
# Value types
# -------------------------------------------------------------------------------------------------


class ConditionKey(NamedTuple):
    """A condition key as the data defines it; ``name`` keeps templates such as ``${TagKey}``."""

    name: str
    type: str  # String | ARN | Bool | Date | Numeric | IPAddress
    multi_valued: bool
    scope: str = SCOPE_SERVICE
    present_when: str = ""
    alternative_types: tuple[str, ...] = ()  # e.g. aws:EpochTime is Date and Numeric

    @property
    def is_template(self) -> bool:
        return _is_template(self.name)


class ResourceType(NamedTuple):
    """A resource type of a service with its ARN format(s) and its lower-case condition keys."""

    name: str
    arn_format: str
    condition_keys: frozenset[str]
    service: str = ""
    alternate_arn_formats: tuple[str, ...] = ()  # merged sources that disagree on the format

    @property
    def arn_formats(self) -> tuple[str, ...]:
        return (self.arn_format, *self.alternate_arn_formats)

    def matches_arn(self, arn: str) -> bool:
        """Whether the policy ARN ``arn`` (wildcards and policy variables allowed) could name a
        resource of this type. Sound: ``False`` only when no resource of this type can match."""
        return any(arn_patterns_overlap(arn, arn_format) for arn_format in self.arn_formats)


class ActionResource(NamedTuple):
    """A resource type an action accepts; ``condition_keys`` are the resource type's own keys."""

    name: str
    required: bool
    condition_keys: frozenset[str]
    resource_type: ResourceType


class Action(NamedTuple):
    """One IAM action with its access level, resource types and condition keys."""

    service: str
    name: str
    full_name: str
    access_level: str
    resource_types: tuple[ActionResource, ...]
    condition_keys: frozenset[str]  # action-level keys, lower case, templates kept
    has_resource_types: bool  # False: only "Resource": "*" applies
    dependent_actions: tuple[str, ...] = ()
    all_condition_keys: frozenset[str] = frozenset()  # condition_keys | its resource types' keys

    def supports_condition_key(self, key: str) -> bool:
        """Whether ``key`` can be present for this action: a global key, an action-level key, a key
        of one of its resource types (templates and case-insensitive), or a federation key on the
        STS actions that evaluate it."""
        lowered = key.lower()
        table = _global_key_table()
        global_key = table.lookup(lowered)
        if global_key is not None and global_key.scope in _UNIVERSAL_SCOPES:
            return True
        if _key_in(lowered, self.all_condition_keys):
            return True
        return table.federation_supports(lowered, self.full_name.lower())


# -------------------------------------------------------------------------------------------------
# Services
# -------------------------------------------------------------------------------------------------


class Service:
    """One service prefix, read from its catalog file; actions are built on first use."""

    __slots__ = (
        "_action_cache",
        "_action_resource_cache",
        "_action_rows",
        "_key_names",
        "_key_set_cache",
        "_key_templates",
        "_keys",
        "_resource_list",
        "_resources",
        "name",
        "prefix",
        "url",
    )

    def __init__(self, document: Mapping) -> None:
        self.prefix: str = document["p"]
        self.name: str = document["n"]
        self.url: str = document.get("u", "")
        self._key_names: list[str] = []
        self._keys: dict[str, ConditionKey] = {}
        templates = []
        for name, raw_type in document["k"]:
            key_type, multi_valued = _split_type(raw_type)
            key = ConditionKey(name, key_type, multi_valued)
            lowered = name.lower()
            self._key_names.append(lowered)
            self._keys.setdefault(lowered, key)
            if _is_template(lowered):
                templates.append((lowered, key))
        self._key_templates: tuple[tuple[str, ConditionKey], ...] = tuple(templates)
        self._resource_list: list[ResourceType] = []
        for name, arn_formats, key_indexes in document["r"]:
            formats = tuple(arn_formats) or ("",)
            self._resource_list.append(
                ResourceType(
                    name=name,
                    arn_format=formats[0],
                    condition_keys=frozenset(self._key_names[i] for i in key_indexes),
                    service=self.prefix,
                    alternate_arn_formats=formats[1:],
                )
            )
        self._resources = {resource.name.lower(): resource for resource in self._resource_list}
        self._action_rows: dict[str, list] = {row[0].lower(): row for row in document["a"]}
        self._action_cache: dict[str, Action] = {}
        self._key_set_cache: dict[tuple[int, ...], frozenset[str]] = {}
        self._action_resource_cache: dict[tuple[int, int], ActionResource] = {}

    def __repr__(self) -> str:
        return f"Service({self.prefix!r}, {len(self._action_rows)} actions)"

    def action_names(self) -> tuple[str, ...]:
        """Canonical action names (without prefix), sorted case-insensitively."""
        return tuple(row[0] for row in self._action_rows.values())

    def action(self, name: str) -> Action | None:
        """The action ``name`` (without prefix), case-insensitive."""
        lowered = name.lower()
        action = self._action_cache.get(lowered)
        if action is None:
            row = self._action_rows.get(lowered)
            if row is None:
                return None
            action = self._action_cache[lowered] = self._build_action(row)
        return action

    def actions(self) -> tuple[Action, ...]:
        """All actions of the service."""
        return tuple(self.action(name) for name in self._action_rows)  # type: ignore[misc]

    def match_actions(self, action_pattern: str) -> tuple[Action, ...]:
        """Actions whose name matches the IAM wildcard pattern (the part after ``prefix:``)."""
        if not _has_wildcard(action_pattern):
            action = self.action(action_pattern)
            return (action,) if action else ()
        if action_pattern.strip("*") == "":
            return self.actions()
        matches = _glob_matcher(action_pattern.lower())
        return tuple(
            self.action(lowered)  # type: ignore[misc]
            for lowered in self._action_rows
            if matches(lowered)
        )

    def resource_type(self, name: str) -> ResourceType | None:
        """The resource type ``name``, case-insensitive."""
        return self._resources.get(name.lower())

    def resource_types(self) -> tuple[ResourceType, ...]:
        """All resource types of the service."""
        return tuple(self._resource_list)

    def condition_key(self, name: str) -> ConditionKey | None:
        """A condition key this service defines, exact or through a template."""
        lowered = name.lower()
        key = self._keys.get(lowered)
        if key is not None:
            return key
        for template, template_key in self._key_templates:
            if _template_regex(template).fullmatch(lowered):
                return template_key
        return None

    def condition_keys(self) -> tuple[ConditionKey, ...]:
        """All condition keys the service defines."""
        return tuple(self._keys.values())

    def _build_action(self, row: list) -> Action:
        name, level_code, resource_rows = row
        action_keys: frozenset[str] = frozenset()
        dependent_actions: tuple[str, ...] = ()
        resources = []
        for resource_row in resource_rows:
            if len(resource_row) > 2 and resource_row[2]:
                row_keys = self._key_set(resource_row[2])
                action_keys = action_keys | row_keys if action_keys else row_keys
            if len(resource_row) > 3:
                dependent_actions += tuple(
                    action for action in resource_row[3] if action not in dependent_actions
                )
            if resource_row[0] >= 0:
                resources.append(self._action_resource(resource_row[0], resource_row[1]))
        all_keys = action_keys
        for resource in resources:
            if resource.condition_keys and not resource.condition_keys <= all_keys:
                all_keys = all_keys | resource.condition_keys
        return Action(
            self.prefix,
            name,
            f"{self.prefix}:{name}",
            _ACCESS_LEVEL_NAMES.get(level_code, level_code),
            tuple(resources),
            action_keys,
            bool(resources),
            dependent_actions,
            all_keys,
        )

    def _key_set(self, key_indexes: list[int]) -> frozenset[str]:
        """The lower-case key names for a list of key indexes, shared between actions."""
        cache_key = tuple(key_indexes)
        keys = self._key_set_cache.get(cache_key)
        if keys is None:
            keys = self._key_set_cache[cache_key] = frozenset(self._key_names[i] for i in cache_key)
        return keys

    def _action_resource(self, resource_index: int, required: int) -> ActionResource:
        cache_key = (resource_index, required)
        action_resource = self._action_resource_cache.get(cache_key)
        if action_resource is None:
            resource = self._resource_list[resource_index]
            action_resource = self._action_resource_cache[cache_key] = ActionResource(
                resource.name, bool(required), resource.condition_keys, resource
            )
        return action_resource


# -------------------------------------------------------------------------------------------------
# Catalog
# -------------------------------------------------------------------------------------------------


class Catalog:
    """A catalog directory: the index at once, each service file on first use."""

    def __init__(self, directory: str, *, origin: str = "explicit", index: dict | None = None):
        if index is None:
            index = _read_index(directory)
        self.location: str = os.path.abspath(directory)
        self.origin: str = origin  # "env" | "user" | "bundled" | "explicit"
        self.as_of: str = index["as_of"]
        self.source: str = index["source"]
        self.source_format: str = index.get("source_format", "")
        self.format_version: int = index["format"]
        self._entries: dict[str, tuple[str, str]] = {
            prefix.lower(): (prefix, entry[0]) for prefix, entry in index["services"].items()
        }
        self._key_prefixes: dict[str, tuple[str, ...]] = {
            key_prefix: tuple(prefixes) for key_prefix, prefixes in index["key_prefixes"].items()
        }
        self._services: dict[str, Service] = {}
        self._all_services: tuple[Service, ...] | None = None
        self._match_cache: dict[str, tuple[Action, ...]] = {}

    def __repr__(self) -> str:
        return f"Catalog(as_of={self.as_of!r}, source={self.source!r}, location={self.location!r})"

    # services and actions -------------------------------------------------------------------------

    def service_prefixes(self) -> frozenset[str]:
        """All service prefixes (lower case, as IAM spells them)."""
        return frozenset(prefix for prefix, _ in self._entries.values())

    def service_name(self, prefix: str) -> str | None:
        """The service's name from the index, without loading the service file."""
        entry = self._entries.get(prefix.lower())
        return entry[1] if entry else None

    def service(self, prefix: str) -> Service | None:
        """The service with this prefix (case-insensitive), loading its file on first use."""
        lowered = prefix.lower()
        service = self._services.get(lowered)
        if service is None:
            entry = self._entries.get(lowered)
            if entry is None:
                return None
            path = os.path.join(self.location, f"{entry[0]}.json")
            service = self._services[lowered] = Service(_read_json(path))
        return service

    def services(self) -> tuple[Service, ...]:
        """Every service (loads all service files once)."""
        if self._all_services is None:
            self._all_services = tuple(
                self.service(prefix)  # type: ignore[misc]
                for prefix in sorted(self._entries)
            )
        return self._all_services

    def action(self, name: str) -> Action | None:
        """The action ``service:Action`` (case-insensitive), or None when unknown or malformed."""
        prefix, separator, action_name = name.partition(":")
        if not separator or ":" in action_name or _has_wildcard(name):
            return None
        service = self.service(prefix)
        return service.action(action_name) if service else None

    def match_actions(self, pattern: str) -> tuple[Action, ...]:
        """Actions matched by an IAM action pattern (``*``, ``s3:*``, ``s3:Get*``, ``*:Get*``,
        ``?``), case-insensitive, sorted by service prefix then action name."""
        cached = self._match_cache.get(pattern)
        if cached is None:
            cached = self._match_actions(pattern)
            if len(self._match_cache) >= _MATCH_CACHE_LIMIT:
                self._match_cache.clear()
            self._match_cache[pattern] = cached
        return cached

    def _match_actions(self, pattern: str) -> tuple[Action, ...]:
        if pattern.count(":") > 1:
            return ()
        if ":" not in pattern:
            if not _has_wildcard(pattern):
                return ()
            if pattern.strip("*") == "":
                return tuple(action for service in self.services() for action in service.actions())
            matches = _glob_matcher(pattern.lower())
            return tuple(
                action
                for service in self.services()
                for action in service.actions()
                if matches(action.full_name.lower())
            )
        service_pattern, action_pattern = pattern.split(":")
        if _has_wildcard(service_pattern):
            service_matches = _glob_matcher(service_pattern.lower())
            services: Iterable[Service] = [
                service for service in self.services() if service_matches(service.prefix)
            ]
        else:
            service = self.service(service_pattern)
            services = [service] if service else []
        return tuple(
            action for service in services for action in service.match_actions(action_pattern)
        )

    def suggest_action(self, name: str) -> str | None:
        """A close existing action for an unknown ``service:Action`` ("did you mean"), else None."""
        import difflib

        prefix, separator, action_name = name.partition(":")
        if not separator or not action_name or _has_wildcard(name) or ":" in action_name:
            return None
        service = self.service(prefix)
        if service is None:
            close_prefixes = difflib.get_close_matches(prefix.lower(), list(self._entries), n=1)
            if not close_prefixes:
                return None
            service = self.service(close_prefixes[0])
            assert service is not None
            exact = service.action(action_name)
            if exact is not None:
                return exact.full_name
        elif service.action(action_name) is not None:
            return None
        names = {candidate.lower(): candidate for candidate in service.action_names()}
        wanted = action_name.lower()
        for close_name in difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.8):
            if _same_verb(names[close_name], wanted):
                return f"{service.prefix}:{names[close_name]}"
        return None

    # condition keys -------------------------------------------------------------------------------

    def global_key(self, name: str) -> ConditionKey | None:
        """A global (``aws:*``) or cross-service key valid across services, template aware."""
        return _global_key_table().lookup(name.lower())

    def condition_key(self, name: str) -> ConditionKey | None:
        """Any known condition key: global, curated, service-defined (template aware) or a
        federation key (``saml:*``, ``<oidc-provider-host>:sub``)."""
        lowered = name.lower()
        key_prefix, separator, rest = lowered.partition(":")
        if not separator or not rest:
            return None
        table = _global_key_table()
        key = table.lookup(lowered) or table.lookup_curated(lowered)
        if key is not None:
            return key
        if key_prefix != "aws":
            for prefix in (key_prefix, *self._key_prefixes.get(key_prefix, ())):
                service = self.service(prefix)
                key = service.condition_key(lowered) if service else None
                if key is not None:
                    return key
        return table.lookup_federation(lowered)


def _same_verb(candidate: str, wanted: str) -> bool:
    """Whether ``wanted`` (lower case) starts with ``candidate``'s verb, allowing one typo: a
    suggestion must not swap the verb (``CreateMultipartUpload`` is no ``AbortMultipartUpload``)."""
    end = 1
    while end < len(candidate) and candidate[end].islower():
        end += 1
    verb = candidate[:end].lower()
    head = wanted[: len(verb)]
    if head == verb or sorted(head) == sorted(verb):
        return True
    return len(head) == len(verb) and sum(a != b for a, b in zip(head, verb, strict=True)) <= 1


# -------------------------------------------------------------------------------------------------
# Loading
# -------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The process-wide catalog (see the module docstring for where it is found).

    Cached; ``load_catalog.cache_clear()`` forgets it (tests that change ``$IAMLINT_CATALOG``).
    """
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Catalog(explicit, origin="env")
    bundled_index = _read_index(BUNDLED_CATALOG_DIR)
    try:
        user_index = _read_index(_user_catalog_path())
    except CatalogError:
        user_index = None
    if user_index is not None and user_index["as_of"] > bundled_index["as_of"]:
        return Catalog(str(user_catalog_dir()), origin="user", index=user_index)
    return Catalog(BUNDLED_CATALOG_DIR, origin="bundled", index=bundled_index)


def open_catalog(directory: str | Path) -> Catalog:
    """A catalog read from ``directory`` (not cached, not the process-wide one)."""
    return Catalog(os.fspath(directory))


def user_catalog_dir() -> Path:
    """Where ``iamlint catalog update`` writes by default: ``$XDG_DATA_HOME/iamlint/catalog``."""
    from pathlib import Path  # imported here: pathlib costs ~2 ms of start-up

    return Path(_user_catalog_path())


def _user_catalog_path() -> str:
    """:func:`user_catalog_dir` as a string, not normalised (it names the same directory)."""
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return os.path.join(data_home, "iamlint", "catalog")


def _read_index(directory: str) -> dict:
    path = os.path.join(directory, INDEX_FILE)
    index = _read_json(path)
    if not isinstance(index, dict) or index.get("format") != FORMAT_VERSION:
        found = index.get("format") if isinstance(index, dict) else None
        raise CatalogError(f"{path}: catalog format {found!r}, expected {FORMAT_VERSION}")
    for field_name in ("as_of", "source", "services", "key_prefixes"):
        if field_name not in index:
            raise CatalogError(f"{path}: missing {field_name!r}")
    return index


def _read_json(path: str) -> object:
    import json

    try:
        with open(path, "rb") as stream:
            return json.loads(stream.read())
    except (OSError, ValueError) as error:
        raise CatalogError(f"cannot read catalog file {path}: {error}") from error


# -------------------------------------------------------------------------------------------------
# Global, curated and federation keys
# -------------------------------------------------------------------------------------------------


class _KeyTable(NamedTuple):
    """Exact (lower-case name → key) and template keys of one kind."""

    exact: dict[str, ConditionKey]
    templates: tuple[tuple[str, ConditionKey], ...]

    def lookup(self, lowered: str) -> ConditionKey | None:
        key = self.exact.get(lowered)
        if key is not None:
            return key
        for template, template_key in self.templates:
            if _template_regex(template).fullmatch(lowered):
                return template_key
        return None


class _GlobalKeyTable(NamedTuple):
    """The parsed ``global_condition_keys.json``."""

    global_keys: _KeyTable
    curated_keys: _KeyTable
    saml_keys: _KeyTable
    saml_actions: frozenset[str]
    oidc_claims: dict[str, ConditionKey]
    oidc_provider_claims: dict[str, dict[str, ConditionKey]]
    oidc_actions: frozenset[str]

    def lookup(self, lowered: str) -> ConditionKey | None:
        return self.global_keys.lookup(lowered)

    def lookup_curated(self, lowered: str) -> ConditionKey | None:
        return self.curated_keys.lookup(lowered)

    def lookup_federation(self, lowered: str) -> ConditionKey | None:
        return self.saml_keys.lookup(lowered) or self.lookup_oidc(lowered)

    def lookup_oidc(self, lowered: str) -> ConditionKey | None:
        provider, separator, claim = lowered.rpartition(":")
        if not separator or not _oidc_provider_regex().fullmatch(provider):
            return None
        host = provider.split("/", 1)[0]
        specific = self.oidc_provider_claims.get(host, {}).get(claim)
        return specific or self.oidc_claims.get(claim)

    def federation_supports(self, lowered_key: str, lowered_action: str) -> bool:
        if lowered_action in self.saml_actions and self.saml_keys.lookup(lowered_key):
            return True
        return lowered_action in self.oidc_actions and self.lookup_oidc(lowered_key) is not None


@functools.lru_cache(maxsize=1)
def _global_key_table() -> _GlobalKeyTable:
    document = _read_json(GLOBAL_KEYS_FILE)
    assert isinstance(document, dict)
    global_keys = _key_table(
        [*document["global_keys"], *document["cross_service_keys"]], default_scope=SCOPE_GLOBAL
    )
    curated_keys = _key_table(document["curated_service_keys"], default_scope=SCOPE_SERVICE)
    saml = document["saml"]
    saml_keys = _key_table(saml["keys"], default_scope=SCOPE_FEDERATION)
    oidc = document["web_identity"]
    oidc_claims = {
        entry["claim"].lower(): _condition_key(entry, SCOPE_FEDERATION) for entry in oidc["claims"]
    }
    provider_claims = {
        provider.lower(): {
            entry["claim"].lower(): _condition_key(entry, SCOPE_FEDERATION) for entry in entries
        }
        for provider, entries in oidc["provider_claims"].items()
    }
    return _GlobalKeyTable(
        global_keys=global_keys,
        curated_keys=curated_keys,
        saml_keys=saml_keys,
        saml_actions=frozenset(action.lower() for action in saml["actions"]),
        oidc_claims=oidc_claims,
        oidc_provider_claims=provider_claims,
        oidc_actions=frozenset(action.lower() for action in oidc["actions"]),
    )


def _key_table(entries: Iterable[Mapping], *, default_scope: str) -> _KeyTable:
    exact: dict[str, ConditionKey] = {}
    templates = []
    for entry in entries:
        key = _condition_key(entry, default_scope)
        lowered = key.name.lower()
        if _is_template(lowered):
            templates.append((lowered, key))
        else:
            exact[lowered] = key
    return _KeyTable(exact, tuple(templates))


def _condition_key(entry: Mapping, default_scope: str) -> ConditionKey:
    name = entry.get("name") or f"${{OidcProvider}}:{entry['claim']}"
    return ConditionKey(
        name=name,
        type=entry["type"],
        multi_valued=bool(entry.get("multi_valued", False)),
        scope=entry.get("scope", default_scope),
        present_when=entry.get("present_when", ""),
        alternative_types=tuple(entry.get("alternative_types", ())),
    )


@functools.lru_cache(maxsize=1)
def _oidc_provider_regex() -> re.Pattern[str]:
    import re

    # host name with at least one dot, optionally followed by a path (EKS, CircleCI, Auth0 "host/").
    return re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^:\s]*)?")


# -------------------------------------------------------------------------------------------------
# Patterns
# -------------------------------------------------------------------------------------------------


def _is_template(name: str) -> bool:
    return "${" in name or "<" in name


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _split_type(raw_type: str) -> tuple[str, bool]:
    multi_valued = raw_type.startswith("ArrayOf")
    base = raw_type[len("ArrayOf") :] if multi_valued else raw_type
    return _TYPE_NAMES.get(base.lower(), base or "String"), multi_valued


def _key_in(lowered: str, keys: frozenset[str]) -> bool:
    if lowered in keys:
        return True
    return any(
        _is_template(template) and _template_regex(template).fullmatch(lowered) for template in keys
    )


@functools.lru_cache(maxsize=4096)
def _template_regex(template: str) -> re.Pattern[str]:
    """``aws:resourcetag/${tagkey}`` → ``aws:resourcetag/.+``: each variable matches non-empty text,
    which may contain colons (encryption-context keys do)."""
    import re

    parts = re.split(r"(\$\{[^}]*\}|<[^>]*>)", template)
    return re.compile(
        "".join(".+" if odd else re.escape(part) for odd, part in _alternate(parts)), re.DOTALL
    )


def _glob_matcher(pattern: str) -> Callable[[str], bool]:
    """IAM wildcard pattern → predicate (``*`` any text, ``?`` one character)."""
    from linter.wildcards import glob_matcher

    return glob_matcher(pattern)


def _alternate(parts: list[str]) -> Iterable[tuple[bool, str]]:
    return ((position % 2 == 1, part) for position, part in enumerate(parts))
