"""Deciding which kind of policy a document is, and saying why.

Precedence, highest first: ``--policy-type``, a config glob, a file-name suffix such as
``role.trust.json``, the type a CLI wrapper implies, and finally the content. Content detection
only claims what the content proves:

- no statement has a ``Principal``: an identity policy (an SCP looks the same: name it
  ``*.scp.json`` or configure it);
- a ``Resource`` or ``NotResource`` anywhere: never a role trust policy;
- a ``Principal`` with only ``sts:AssumeRole*``/session actions and no ``Resource``: a trust policy;
- only ``kms:`` actions on ``*`` or key ARNs: a key policy (a key policy's Deny and an RCP's
  Deny of ``kms:`` actions are judged alike);
- every principal ``"*"`` and an ``Allow`` that filters rather than grants (``Action "*"`` on
  ``Resource "*"``, or a condition on the resource's owner, ``aws:ResourceOrgID``,
  ``aws:ResourceOrgPaths``, ``aws:ResourceAccount``): a VPC endpoint policy (or an RCP that allows
  everything, which the same rules judge correctly);
- every statement a ``Deny`` of ``"*"``: an RCP or the guard statements of a resource policy,
  which content cannot tell apart, so it is judged as a resource policy (what holds for both);
- any other ``Principal``: a resource policy.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from linter.model import PolicyType
from linter.policy import Policy, Statement, only_kms_actions

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

# Condition keys on the owner of the resource a request is for: a VPC endpoint policy's filter.
# A resource policy has no use for them (the resource's owner is the policy's own account).
_RESOURCE_OWNER_KEYS = frozenset(
    {"aws:resourceorgid", "aws:resourceorgpaths", "aws:resourceaccount"}
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
    """``roles/app.trust.json`` → TRUST; None when the name carries no type."""
    suffix = _type_suffix(path)
    return None if suffix is None else _SUFFIXES[suffix.lower()]


def _type_suffix(path: str) -> str | None:
    """The type suffix of the file name (``trust`` of ``app.trust.json``), or None.

    The type is the next-to-last of ``PurePath(path).suffixes``, found without pathlib, which
    would cost ~2 ms of start-up (it imports urllib.parse and ipaddress).
    """
    name = _file_name(path)
    if name.endswith("."):
        return None  # PurePath gives such a name no suffixes
    pieces = name.lstrip(".").split(".")
    if len(pieces) >= 3 and pieces[-2].lower() in _SUFFIXES:
        return pieces[-2]
    return None


def _file_name(path: str) -> str:
    """``PurePath(path).name``: the last component, ignoring empty and ``.`` components."""
    rest = os.path.splitdrive(path)[1]
    if os.altsep:
        rest = rest.replace(os.altsep, os.sep)
    components = [part for part in rest.split(os.sep) if part not in ("", ".")]
    return components[-1] if components else ""


def explain_policy_type(
    path: str,
    policy: Policy,
    *,
    override: PolicyType | None = None,
    globs: Sequence[tuple[str, PolicyType]] = (),
    implied: PolicyType | None = None,
    wrapper: str | None = None,
) -> tuple[PolicyType, str]:
    """The policy's type and why, in the engine's order of precedence.

    ``override`` is ``--policy-type``, ``globs`` the configuration's ``policy-types``,
    ``implied`` the type a CLI wrapper implies (``wrapper`` names it). The reason is a short
    clause for ``--verbose`` and JSON output: ``"--policy-type"``, ``'configuration policy-types
    "org/*.json"'``, ``'file name suffix ".trust.json"'``, ``"wrapper: aws iam get-role"`` or
    ``"content: ..."``.
    """
    if override is not None:
        return override, "--policy-type"
    if globs:
        from linter.discovery import matches_any

        for pattern, policy_type in globs:
            if matches_any(path, (pattern,)):
                return policy_type, f'configuration policy-types "{pattern}"'
    suffix = _type_suffix(path)
    if suffix is not None:
        return _SUFFIXES[suffix.lower()], f'file name suffix ".{suffix}.json"'
    if implied is not None:
        return implied, f"wrapper: {wrapper}" if wrapper else "wrapper"
    return detect_policy_type_and_reason(policy)


def detect_policy_type(policy: Policy) -> PolicyType:
    """Infer the policy type from the document's content."""
    return detect_policy_type_and_reason(policy)[0]


def detect_policy_type_and_reason(policy: Policy) -> tuple[PolicyType, str]:
    """Infer the policy type from the document's content, and say what decided it."""
    statements = policy.statements
    if not any(s.principal_element for s in statements):
        return (
            PolicyType.IDENTITY,
            "content: no statement has a Principal (an SCP looks the same: name it *.scp.json)",
        )
    has_resource = any(s.resource_element for s in statements)
    action_names = [a.value.lower() for s in statements for a in s.actions]
    if not has_resource and action_names and all(a in _TRUST_ACTIONS for a in action_names):
        return (
            PolicyType.TRUST,
            "content: a Principal with only sts:AssumeRole* actions and no Resource",
        )
    if only_kms_actions(policy):
        resources = [r.value for s in statements for r in s.resources]
        if all(r == "*" or r.startswith("arn:aws:kms:") for r in resources):
            return PolicyType.KMS_KEY, "content: a Principal with only kms: actions on keys"
    if all(_wildcard_principal_only(s) for s in statements):
        allows = [s for s in statements if not s.is_deny]
        if any(_filters(s) for s in allows):
            return (
                PolicyType.VPC_ENDPOINT,
                'content: every Principal is "*" and an Allow filters rather than grants (Action '
                '"*" on Resource "*", or a condition on the resource\'s owner): a VPC endpoint '
                "policy (or an RCP, judged alike)",
            )
        if not allows:
            return (
                PolicyType.RESOURCE,
                'content: every statement denies Principal "*": a resource control policy or a '
                "resource policy's guard, judged by the rules that hold for both",
            )
    if has_resource:
        return PolicyType.RESOURCE, "content: a Principal with a Resource"
    return PolicyType.RESOURCE, "content: a Principal with actions other than sts:AssumeRole*"


def _wildcard_principal_only(statement: Statement) -> bool:
    """The statement's principal is ``"*"`` or ``{"AWS": "*"}`` and nothing else."""
    if statement.principal_element != "Principal":
        return False
    principals = statement.principals
    return bool(principals) and all(p.value == "*" and p.kind in ("*", "AWS") for p in principals)


def _filters(statement: Statement) -> bool:
    """An Allow of everything on everything, or on a resource owner: an endpoint's filter."""
    if statement.condition_keys & _RESOURCE_OWNER_KEYS:
        return True
    actions = [a.value for a in statement.actions]
    resources = [r.value for r in statement.resources]
    return actions == ["*"] and resources == ["*"]
