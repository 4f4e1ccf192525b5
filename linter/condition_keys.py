"""Condition keys: looking a key up in the catalog (service placeholders, undocumented keys),
whether an action or an action pattern supports a key, and the KMS encryption-context key names.
Data: ``linter/data/undocumented_condition_keys.json``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from linter.data_files import data_file
from linter.policy import action_pattern_matches

if TYPE_CHECKING:
    from linter.catalog import Action, Catalog


KMS_CONTEXT_KEY_PREFIX = "kms:encryptioncontext:"
KMS_CONTEXT_KEYS_KEY = "kms:encryptioncontextkeys"


def kms_context_key_name(condition_key: str) -> str | None:
    """The encryption-context key of ``kms:EncryptionContext:<key>``, else None. Split after the
    first two colons only: ``aws:us-east-1:transcribe:medical-scribe:session-id`` keeps its own."""
    if condition_key.lower().startswith(KMS_CONTEXT_KEY_PREFIX):
        return condition_key[len(KMS_CONTEXT_KEY_PREFIX) :]
    return None


@functools.cache
def _undocumented_condition_keys() -> dict[str, dict]:
    data = data_file("undocumented_condition_keys.json")
    return {entry["name"].lower(): entry for entry in data["keys"]}


def undocumented_condition_key(key: str) -> dict | None:
    """The entry of ``linter/data/undocumented_condition_keys.json`` for ``key`` (a key AWS's own
    managed policies use but no AWS page documents), else None."""
    return _undocumented_condition_keys().get(key.lower())


def _service_key_placeholders(catalog: Catalog, prefix: str) -> tuple[tuple[str, object], ...]:
    """Service keys whose catalog name ends in a bare placeholder instead of a ``${TagKey}``
    template (``secretsmanager:ResourceTag/tag-key``, ``glacier:ResourceTag/``), as
    (lower-case prefix up to the ``/``, key)."""
    service = catalog.service(prefix)
    if service is None:
        return ()
    found = []
    for key in service.condition_keys():
        lowered = key.name.lower()
        if lowered.endswith("/") or lowered.endswith("/tag-key"):
            found.append((lowered[: lowered.rindex("/") + 1], key))
    return tuple(found)


@functools.lru_cache(maxsize=8192)
def lookup_condition_key(catalog: Catalog, key: str):  # -> ConditionKey | None
    """The catalog's definition of ``key`` (global, service, template or federation key), also
    through the catalog's placeholder names (``secretsmanager:ResourceTag/tag-key`` for
    ``secretsmanager:ResourceTag/Owner``) and the undocumented keys data. None when unknown."""
    found = catalog.condition_key(key)
    if found is not None:
        return found
    lowered = key.lower()
    prefix = lowered.partition(":")[0]
    for placeholder, placeholder_key in _service_key_placeholders(catalog, prefix):
        if lowered.startswith(placeholder) and len(lowered) > len(placeholder):
            return placeholder_key
    entry = undocumented_condition_key(key)
    if entry is not None:
        from linter.catalog import ConditionKey

        return ConditionKey(entry["name"], entry["type"], entry["multi_valued"], entry["scope"])
    return None


def action_supports_key(catalog: Catalog, action: Action, key: str) -> bool:
    """Whether ``key`` (any case) can be in the request context of ``action``: a global key, an
    action-level key or a key of one of its resource types (``Action.supports_condition_key``),
    ``aws:ResourceTag/…`` on actions that create a resource with tags (they take
    ``aws:RequestTag/…``), also through the catalog's placeholder names and undocumented keys
    (global ones everywhere, service ones on their service's actions). Cached per (action, key)."""
    return _action_supports_key(catalog, action.full_name.lower(), key.lower())


@functools.lru_cache(maxsize=65536)
def _action_supports_key(catalog: Catalog, action_name: str, key: str) -> bool:
    action = catalog.action(action_name)
    if action is None:
        return True
    if action.supports_condition_key(key):
        return True
    if key.startswith("aws:resourcetag/") and action.supports_condition_key("aws:requesttag/x"):
        # IAM global keys page, aws:ResourceTag: "included in the request context when the
        # requested resource already has attached tags or in requests that create a resource with
        # an attached tag". The Service Authorization Reference often lists only aws:RequestTag
        # on create actions.
        return True
    for name in action.all_condition_keys:
        if (name.endswith("/") or name.endswith("/tag-key")) and key.startswith(
            name[: name.rindex("/") + 1]
        ):
            return True
    entry = undocumented_condition_key(key)
    if entry is None:
        return False
    return entry["scope"] == "global" or key.partition(":")[0] == action.service.lower()


_TAG_KEY_PREFIXES = ("aws:requesttag/", "aws:resourcetag/", "aws:tagkeys")


@functools.lru_cache(maxsize=16384)
def pattern_supports_key(catalog: Catalog, pattern: str, key: str) -> bool:
    """Whether some action that the Action value ``pattern`` matches supports ``key`` (see
    ``action_supports_key``); for a pattern matching no action, True (nothing to say).

    A pattern with a wildcard service part (``*``, ``*:Get*``) is first tried on the services
    that define the key, so that ``"*"`` with a service key does not expand every action."""
    service_part, separator, _ = pattern.partition(":")
    if pattern.strip("*") == "" and key.lower().startswith(_TAG_KEY_PREFIXES):
        return True  # "*" includes the many actions that take tag keys
    if not separator or "*" in service_part or "?" in service_part:
        prefix = key.lower().partition(":")[0]
        own = (
            ()
            if prefix == "aws"
            else (prefix, *getattr(catalog, "_key_prefixes", {}).get(prefix, ()))
        )
        for service_prefix in own:
            service = catalog.service(service_prefix)
            if service is None:
                continue
            for action in service.actions():
                if action_pattern_matches(pattern, action.full_name) and action_supports_key(
                    catalog, action, key
                ):
                    return True
    matched = catalog.match_actions(pattern)
    if not matched:
        return True
    return any(action_supports_key(catalog, action, key) for action in matched)
