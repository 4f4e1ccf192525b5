"""Deciding which kind of policy a document is.

Precedence, highest first: ``--policy-type``, a config glob, a file-name suffix such as
``role.trust.json``, and finally the content. Service control and resource control policies
cannot be told from identity and resource policies by content alone, so they come only from the
first three.
"""

from __future__ import annotations

import os

from linter.model import PolicyType
from linter.policy import Policy

_TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)

_SUFFIXES = {
    "identity": PolicyType.IDENTITY,
    "resource": PolicyType.RESOURCE,
    "trust": PolicyType.TRUST,
    "kms-key": PolicyType.KMS_KEY,
    "key": PolicyType.KMS_KEY,
    "scp": PolicyType.SCP,
    "rcp": PolicyType.RCP,
    "vpc-endpoint": PolicyType.VPC_ENDPOINT,
    "endpoint": PolicyType.VPC_ENDPOINT,
}


def parse_policy_type(name: str) -> PolicyType:
    """``trust`` → PolicyType.TRUST; raises ValueError for unknown names."""
    try:
        return _SUFFIXES[name.strip().lower()]
    except KeyError:
        valid = ", ".join(t.value for t in PolicyType)
        raise ValueError(f"unknown policy type {name!r} (expected one of: {valid})") from None


def type_from_file_name(path: str) -> PolicyType | None:
    """``roles/app.trust.json`` → TRUST; None when the name carries no type.

    The type is the next-to-last of ``PurePath(path).suffixes``, found without pathlib, which
    would cost ~2 ms of start-up (it imports urllib.parse and ipaddress).
    """
    name = _file_name(path)
    if name.endswith("."):
        return None  # PurePath gives such a name no suffixes
    pieces = name.lstrip(".").split(".")
    if len(pieces) >= 3:
        return _SUFFIXES.get(pieces[-2].lower())
    return None


def _file_name(path: str) -> str:
    """``PurePath(path).name``: the last component, ignoring empty and ``.`` components."""
    rest = os.path.splitdrive(path)[1]
    if os.altsep:
        rest = rest.replace(os.altsep, os.sep)
    components = [part for part in rest.split(os.sep) if part not in ("", ".")]
    return components[-1] if components else ""


def detect_policy_type(policy: Policy) -> PolicyType:
    """Infer the policy type from the document's content."""
    statements = policy.statements
    with_principal = [s for s in statements if s.principal_element]
    if not with_principal:
        return PolicyType.IDENTITY
    action_names = [a.value.lower() for s in statements for a in s.actions]
    if action_names and all(a in _TRUST_ACTIONS for a in action_names):
        return PolicyType.TRUST
    if action_names and all(a.startswith("kms:") for a in action_names):
        resources = [r.value for s in statements for r in s.resources]
        if all(r == "*" or r.startswith("arn:aws:kms:") for r in resources):
            return PolicyType.KMS_KEY
    return PolicyType.RESOURCE
