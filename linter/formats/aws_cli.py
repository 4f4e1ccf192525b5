"""AWS CLI outputs people save instead of bare policies: the policies inside, with their types.

``aws iam get-policy-version`` (``PolicyVersion.Document``, an object or a URL-encoded string),
``aws iam get-role`` (``Role.AssumeRolePolicyDocument``), ``aws iam get-role-policy``
(``PolicyDocument``), ``aws organizations describe-policy`` (``Policy.Content``), the
``{"Policy": "<json>"}`` shape that ``aws kms get-key-policy``, ``aws s3api get-bucket-policy``
and ``aws lambda get-policy`` share (told apart by the document inside), ``aws ecr
get-repository-policy`` (``policyText``), ``aws secretsmanager get-resource-policy``
(``ResourcePolicy``), ``aws sqs get-queue-attributes`` and ``aws sns get-topic-attributes``
(``Attributes.Policy``), and ``aws iam get-account-authorization-details`` (every user, group
and role policy, every trust policy and each managed policy's default version, one source each,
labelled with its place and name). Findings inside an embedded string point at the exact
characters inside that string.
"""

from __future__ import annotations

from typing import Any

from linter.decode import Decoded, decode_embedded
from linter.model import JsonPath, PolicyType
from linter.sources import Locator, ParsedFile, PolicySource, PrefixedLocator


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
    ("Attributes", "Policy", "", PolicyType.RESOURCE),  # sqs/sns get-*-attributes
)
_TOP_WRAPPERS: tuple[tuple[str, str, PolicyType | None], ...] = (
    ("Policy", "", None),  # kms get-key-policy, s3api get-bucket-policy, lambda get-policy
    ("PolicyDocument", "aws iam get-role-policy", None),
    ("policyText", "aws ecr get-repository-policy", PolicyType.RESOURCE),
    ("ResourcePolicy", "aws secretsmanager get-resource-policy", PolicyType.RESOURCE),
)


def _wrapper_of(
    document: dict, key: str, wrapper: str, inner: Any
) -> tuple[str, PolicyType | None]:
    """The CLI command and policy type of a shape several commands share, from its other keys
    and from the document inside: ``{"Policy": ...}`` is a key policy when every action is a
    ``kms:`` action, a Lambda function policy beside ``RevisionId``, else a bucket policy."""
    if key == "Policy" and not wrapper:
        if "RevisionId" in document:
            return "aws lambda get-policy", PolicyType.RESOURCE
        from linter.policy import Policy, only_kms_actions

        if only_kms_actions(Policy(inner, PolicyType.KMS_KEY)):
            return "aws kms get-key-policy", PolicyType.KMS_KEY
        return "aws s3api get-bucket-policy", PolicyType.RESOURCE
    if key == "Attributes":
        attributes = document.get("Attributes", {})
        if "QueueArn" in attributes or "ApproximateNumberOfMessages" in attributes:
            return "aws sqs get-queue-attributes", PolicyType.RESOURCE
        return "aws sns get-topic-attributes", PolicyType.RESOURCE
    return wrapper, None


def _source(
    decoded: Decoded,
    path: JsonPath,
    value: Any,
    wrapper: str,
    implied: PolicyType | None,
    label: str = "",
) -> PolicySource | None:
    document, inner, locator = _embedded_or_object(decoded, path, value)
    if not wrapper and isinstance(decoded.value, dict):
        wrapper, implied = _wrapper_of(decoded.value, path[0], wrapper, document)
    reason = f"{wrapper} output" if implied is not None else ""
    if inner is not None and not inner.ok:
        return PolicySource(
            None, locator, label, implied, reason, wrapper, tuple(inner.problems), ok=False
        )
    if not looks_like_policy(document):
        return None
    problems = tuple(inner.problems) if inner is not None else ()
    return PolicySource(document, locator, label, implied, reason, wrapper, problems)


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


_AUTHORIZATION_DETAILS = "aws iam get-account-authorization-details"
# (list key, name key, kind, inline policy list key)
_DETAIL_LISTS = (
    ("UserDetailList", "UserName", "user", "UserPolicyList"),
    ("GroupDetailList", "GroupName", "group", "GroupPolicyList"),
    ("RoleDetailList", "RoleName", "role", "RolePolicyList"),
)


def authorization_details(decoded: Decoded) -> tuple[PolicySource, ...] | None:
    """Every policy of an ``aws iam get-account-authorization-details`` output; None when the
    file is not one."""
    document = decoded.value
    if not isinstance(document, dict) or not any(
        isinstance(document.get(key), list) for key, _, _, _ in _DETAIL_LISTS
    ):
        return None
    sources: list[PolicySource] = []
    for list_key, name_key, kind, inline_key in _DETAIL_LISTS:
        for index, detail in _entries(document.get(list_key)):
            name = detail.get(name_key, "?")
            where = f"{list_key}[{index}]"
            if kind == "role" and _holds_document(detail.get("AssumeRolePolicyDocument")):
                label = f"{where}.AssumeRolePolicyDocument (role {name})"
                path = (list_key, index, "AssumeRolePolicyDocument")
                _add(
                    sources,
                    decoded,
                    path,
                    detail["AssumeRolePolicyDocument"],
                    label,
                    PolicyType.TRUST,
                )
            for position, policy in _entries(detail.get(inline_key)):
                if _holds_document(policy.get("PolicyDocument")):
                    label = (
                        f"{where}.{inline_key}[{position}] ({kind} {name}, "
                        f"policy {policy.get('PolicyName', '?')})"
                    )
                    path = (list_key, index, inline_key, position, "PolicyDocument")
                    _add(
                        sources, decoded, path, policy["PolicyDocument"], label, PolicyType.IDENTITY
                    )
    for index, managed in _entries(document.get("Policies")):
        for position, version in _entries(managed.get("PolicyVersionList")):
            if version.get("IsDefaultVersion") is not True:
                continue
            if _holds_document(version.get("Document")):
                label = (
                    f"Policies[{index}].PolicyVersionList[{position}] "
                    f"(managed policy {managed.get('PolicyName', '?')})"
                )
                path = ("Policies", index, "PolicyVersionList", position, "Document")
                _add(sources, decoded, path, version["Document"], label, PolicyType.IDENTITY)
    return tuple(sources)


def _entries(value: Any) -> list[tuple[int, dict]]:
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _add(
    sources: list[PolicySource],
    decoded: Decoded,
    path: JsonPath,
    value: Any,
    label: str,
    policy_type: PolicyType,
) -> None:
    found = _source(decoded, path, value, _AUTHORIZATION_DETAILS, policy_type, label)
    if found is not None:
        sources.append(found)


def parse(decoded: Decoded) -> ParsedFile | None:
    """The policies of a decoded AWS CLI output; None when the file is not one."""
    problems = tuple(decoded.problems)
    details = authorization_details(decoded)
    if details is not None:
        return ParsedFile(decoded.text, "aws-cli", details, problems) if details else None
    source = unwrap(decoded)
    if source is None:
        return None
    return ParsedFile(decoded.text, "aws-cli", (source,), problems)
