"""Unwrapping the AWS CLI outputs people save instead of bare policies."""

from __future__ import annotations

from typing import Any, NamedTuple

from linter.decode import Decoded, decode_embedded
from linter.discovery import (  # noqa: F401  (re-exported)
    DEFAULT_INCLUDE,
    InputError,
    InputFile,
    discover,
    matches_any,
)
from linter.model import JsonPath, PolicyType


class PolicySource(NamedTuple):
    """Where the policy document sits inside the decoded file.

    ``decoded`` resolves spans; ``prefix`` is the JSON path of the policy inside ``decoded``'s
    document (empty for a bare policy). ``wrapper`` names the AWS CLI output it came from.
    """

    document: Any
    decoded: Decoded
    prefix: JsonPath
    wrapper: str | None = None
    implied_type: PolicyType | None = None


def looks_like_policy(document: Any) -> bool:
    """A policy has a top-level ``Statement`` (any letter case: the grammar rules check case)."""
    return isinstance(document, dict) and any(
        isinstance(k, str) and k.lower() == "statement" for k in document
    )


def _holds_document(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return (isinstance(value, str) and value.lstrip()[:3] in ("%7B", "%7b")) or (
        isinstance(value, str) and value.lstrip().startswith("{")
    )


def _embedded_or_object(
    decoded: Decoded, path: JsonPath, value: Any
) -> tuple[Any, Decoded, JsonPath]:
    if isinstance(value, str):
        url_encoded = value.lstrip()[:3] in ("%7B", "%7b")
        inner = decode_embedded(decoded, path, url_encoded=url_encoded)
        return inner.value, inner, ()
    return value, decoded, path


# AWS CLI output shapes: (container key, document key, wrapper name, implied type).
_WRAPPERS: tuple[tuple[str, str, str, PolicyType | None], ...] = (
    ("PolicyVersion", "Document", "aws iam get-policy-version", None),
    ("Role", "AssumeRolePolicyDocument", "aws iam get-role", PolicyType.TRUST),
    ("Policy", "Content", "aws organizations describe-policy", PolicyType.SCP),
)


def unwrap(decoded: Decoded) -> PolicySource | None:
    """Find the policy in a decoded file: a bare policy or a saved AWS CLI output.

    Returns None for JSON documents that are not policies (e.g. ``package.json``).
    """
    document = decoded.value
    if looks_like_policy(document):
        return PolicySource(document, decoded, ())
    if not isinstance(document, dict):
        return None
    for container, key, wrapper, implied in _WRAPPERS:
        outer = document.get(container)
        if isinstance(outer, dict) and _holds_document(outer.get(key)):
            value, source, prefix = _embedded_or_object(decoded, (container, key), outer[key])
            if source.ok and looks_like_policy(value):
                return PolicySource(value, source, prefix, wrapper, implied)
            if not source.ok:
                return PolicySource(None, source, prefix, wrapper, implied)
    for key, wrapper in (
        ("Policy", "aws kms get-key-policy"),
        ("PolicyDocument", "aws iam get-role-policy"),
    ):
        value = document.get(key)
        if _holds_document(value):
            implied = PolicyType.KMS_KEY if key == "Policy" else None
            value, source, prefix = _embedded_or_object(decoded, (key,), value)
            if source.ok and looks_like_policy(value):
                return PolicySource(value, source, prefix, wrapper, implied)
            if not source.ok:
                return PolicySource(None, source, prefix, wrapper, implied)
    return None
