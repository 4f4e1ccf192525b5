"""AWS CLI outputs people save instead of bare policies: the policy inside, with its type.

``aws iam get-policy-version`` (``PolicyVersion.Document``, an object or a URL-encoded string),
``aws iam get-role`` (``Role.AssumeRolePolicyDocument``), ``aws iam get-role-policy``
(``PolicyDocument``), ``aws kms get-key-policy`` (``Policy``, a JSON string) and ``aws
organizations describe-policy`` (``Policy.Content``). Findings inside an embedded string point
at the exact characters inside that string.
"""

from __future__ import annotations

from typing import Any

from linter.decode import Decoded, decode_embedded
from linter.model import JsonPath, PolicyType
from linter.sources import Locator, PolicySource, PrefixedLocator


def looks_like_policy(document: Any) -> bool:
    """A policy has a top-level ``Statement`` (any letter case: the grammar rules check case)."""
    return isinstance(document, dict) and any(
        isinstance(k, str) and k.lower() == "statement" for k in document
    )


def _holds_document(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, str) and (
        value.lstrip()[:3] in ("%7B", "%7b") or value.lstrip().startswith("{")
    )


def _embedded_or_object(
    decoded: Decoded, path: JsonPath, value: Any
) -> tuple[Any, Decoded | None, Locator]:
    """The document at ``path``: decoded from its string (with the inner decode), or in place."""
    if isinstance(value, str):
        url_encoded = value.lstrip()[:3] in ("%7B", "%7b")
        inner = decode_embedded(decoded, path, url_encoded=url_encoded)
        return inner.value, inner, inner
    return value, None, PrefixedLocator(decoded, path)


# AWS CLI output shapes: (container key, document key, wrapper name, implied type).
_NESTED_WRAPPERS: tuple[tuple[str, str, str, PolicyType | None], ...] = (
    ("PolicyVersion", "Document", "aws iam get-policy-version", None),
    ("Role", "AssumeRolePolicyDocument", "aws iam get-role", PolicyType.TRUST),
    ("Policy", "Content", "aws organizations describe-policy", PolicyType.SCP),
)
_TOP_WRAPPERS: tuple[tuple[str, str, PolicyType | None], ...] = (
    ("Policy", "aws kms get-key-policy", PolicyType.KMS_KEY),
    ("PolicyDocument", "aws iam get-role-policy", None),
)


def _source(
    decoded: Decoded, path: JsonPath, value: Any, wrapper: str, implied: PolicyType | None
) -> PolicySource | None:
    document, inner, locator = _embedded_or_object(decoded, path, value)
    reason = f"{wrapper} output" if implied is not None else ""
    if inner is not None and not inner.ok:
        return PolicySource(
            None, locator, "", implied, reason, wrapper, tuple(inner.problems), ok=False
        )
    if not looks_like_policy(document):
        return None
    problems = tuple(inner.problems) if inner is not None else ()
    return PolicySource(document, locator, "", implied, reason, wrapper, problems)


def unwrap(decoded: Decoded) -> PolicySource | None:
    """The policy in a decoded AWS CLI output; None when the file is not one."""
    document = decoded.value
    if not isinstance(document, dict):
        return None
    for container, key, wrapper, implied in _NESTED_WRAPPERS:
        outer = document.get(container)
        if isinstance(outer, dict) and _holds_document(outer.get(key)):
            found = _source(decoded, (container, key), outer[key], wrapper, implied)
            if found is not None:
                return found
    for key, wrapper, implied in _TOP_WRAPPERS:
        value = document.get(key)
        if _holds_document(value):
            found = _source(decoded, (key,), value, wrapper, implied)
            if found is not None:
                return found
    return None
