"""POL004 policy-size-exceeded: the policy is larger than AWS's quota for its type."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context, RuleSettings
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.sources import contains_unknown, without_unknowns
from linter.wildcards import compiled

#: Identity policy quotas in non-whitespace characters, by ``RuleSettings.policy_size_kind``.
IDENTITY_POLICY_QUOTAS = {
    "managed": (6144, "a managed policy"),
    "role-inline": (10240, "the inline policies of a role"),
    "user-inline": (2048, "the inline policies of a user"),
    "group-inline": (5120, "the inline policies of a group"),
}
ORGANIZATIONS_POLICY_QUOTA = 5120  # characters, whitespace included (SCPs and RCPs)
KEY_POLICY_QUOTA = 32768  # bytes
VPC_ENDPOINT_POLICY_QUOTA = 20480  # characters, whitespace included


class PolicySizeExceeded(Check):
    """## What it does
    Measures the policy the way AWS does and compares it with the quota of its type:

    - identity policy: 6,144 characters for a managed policy (the default), or 10,240 / 2,048 /
      5,120 characters for all inline policies of a role / user / group; whitespace not counted;
    - role trust policy: 2,048 characters by default (up to 4,096 on request); whitespace not
      counted;
    - service and resource control policies: 5,120 characters, whitespace included;
    - key policy: 32,768 bytes (32 KB);
    - VPC endpoint policy: 20,480 characters, whitespace included;
    - resource policy: the quota depends on the service; checked only when
      `resource-policy-size-quota` is set.

    Set the identity policy kind with `policy-size-kind` (`managed`, `role-inline`,
    `user-inline`, `group-inline`) and a raised trust policy quota with
    `trust-policy-size-quota`. The measure is taken on the decoded document; for SCPs, RCPs and
    key policies, where whitespace counts, the finding gives the minified size, so a policy
    reported here is over the quota however it is formatted (a pretty-printed file under the
    quota after minification is not reported). Policies inlined in one user, group or role add
    up: the rule sees one file at a time.

    ## Why is this bad?
    AWS rejects the policy (`LimitExceeded`, "Cannot exceed quota for PolicySize",
    `ConstraintViolationException` for SCPs) at deployment time, usually in a pipeline long
    after review.

    ## Example
    A managed policy that lists 400 actions one by one and exceeds 6,144 characters.

    ## Use instead
    Split it into several policies by service or purpose, or use wildcards such as
    `ec2:Describe*` where they grant what is intended.

    ## References
    - [IAM and AWS STS quotas](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    - [Quotas for AWS Organizations](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html);
      [SCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html)
      ("All characters in your SCP count against its maximum size")
    - [AWS KMS PutKeyPolicy](https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html)
      ("The policy size limit is 32 KiB (32768 bytes)")
    - [AWS PrivateLink quotas](https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html)
      (VPC endpoint policy: 20,480 characters, including white space)
    - Access Analyzer `POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA`,
      `POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA`, `POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA`,
      `POLICY_SIZE_EXCEEDS_SCP_QUOTA`, `POLICY_SIZE_EXCEEDS_RCP_QUOTA`
    """

    id = "POL004"
    name = "policy-size-exceeded"
    summary = "The policy is larger than AWS's size quota for its type."
    severity = Severity.WARNING
    tags = ("policy", "quota")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        settings = context.settings
        policy_type = policy.policy_type
        if policy_type is PolicyType.RESOURCE and settings.resource_policy_size_quota <= 0:
            return
        document = policy.document
        try:
            bound = minified_size_bound(document)
        except ValueError:  # marshal writes plain JSON values only, never an Unknown
            if not contains_unknown(document):
                raise
            # Values known only at deployment count as empty: a lower bound of every size the
            # deployed policy can have, so a finding holds whatever they turn out to be.
            document = without_unknowns(document)
            bound = minified_size_bound(document)
        if bound <= _smallest_quota(policy_type, settings):
            return  # cannot be over any quota of this type: skip the serialisation
        text = minified_policy(document)
        path, key = _anchor(policy)
        if policy_type in (PolicyType.SCP, PolicyType.RCP):
            if len(text) > ORGANIZATIONS_POLICY_QUOTA:
                what = "service" if policy_type is PolicyType.SCP else "resource"
                yield Report(
                    path,
                    f"the {what} control policy has {len(text):,} characters even with all "
                    f"whitespace between tokens removed, over the {ORGANIZATIONS_POLICY_QUOTA:,}"
                    "-character quota (whitespace counts too); split it into several policies",
                    key=key,
                    severity=Severity.ERROR,
                )
            return
        if policy_type is PolicyType.VPC_ENDPOINT:
            if len(text) > VPC_ENDPOINT_POLICY_QUOTA:
                yield Report(
                    path,
                    f"the VPC endpoint policy has {len(text):,} characters even with all "
                    f"whitespace between tokens removed, over the {VPC_ENDPOINT_POLICY_QUOTA:,}"
                    "-character quota (whitespace counts too); shorten it",
                    key=key,
                    severity=Severity.ERROR,
                )
            return
        if policy_type is PolicyType.KMS_KEY:
            size = len(text.encode("utf-8"))
            if size > KEY_POLICY_QUOTA:
                yield Report(
                    path,
                    f"the key policy is {size:,} bytes even minified, over the "
                    f"{KEY_POLICY_QUOTA:,}-byte (32 KB) limit; shorten it, for example by "
                    "granting to roles instead of many users or by moving grants to IAM policies",
                    key=key,
                    severity=Severity.ERROR,
                )
            return
        size = non_whitespace_length(text)
        if policy_type is PolicyType.TRUST:
            quota = settings.trust_policy_size_quota
            if size > quota:
                yield Report(
                    path,
                    f"the role trust policy has {size:,} characters without whitespace, over the "
                    f"{quota:,}-character quota (2,048 by default; request up to 4,096 through "
                    "Service Quotas and set trust-policy-size-quota); shorten it",
                    key=key,
                )
        elif policy_type is PolicyType.RESOURCE:
            quota = settings.resource_policy_size_quota
            if size > quota:
                yield Report(
                    path,
                    f"the resource policy has {size:,} characters without whitespace, over the "
                    f"configured {quota:,}-character quota; split or shorten it",
                    key=key,
                )
        else:
            kind = settings.policy_size_kind
            if kind not in IDENTITY_POLICY_QUOTAS:
                valid = ", ".join(IDENTITY_POLICY_QUOTAS)
                raise ValueError(f"unknown policy-size-kind {kind!r} (expected one of: {valid})")
            quota, described = IDENTITY_POLICY_QUOTAS[kind]
            if size > quota:
                yield Report(
                    path,
                    f"the policy has {size:,} characters without whitespace, over the {quota:,}-"
                    f"character quota of {described} (policy-size-kind = {kind}); split it "
                    "into several policies",
                    key=key,
                )


def _smallest_quota(policy_type: PolicyType, settings: RuleSettings) -> int:
    if policy_type in (PolicyType.SCP, PolicyType.RCP):
        return ORGANIZATIONS_POLICY_QUOTA
    if policy_type is PolicyType.VPC_ENDPOINT:
        return VPC_ENDPOINT_POLICY_QUOTA
    if policy_type is PolicyType.KMS_KEY:
        return KEY_POLICY_QUOTA  # the bound holds for UTF-8 bytes too
    if policy_type is PolicyType.TRUST:
        return settings.trust_policy_size_quota
    if policy_type is PolicyType.RESOURCE:
        return settings.resource_policy_size_quota
    quota, _ = IDENTITY_POLICY_QUOTAS.get(settings.policy_size_kind, (0, ""))
    return quota


def _anchor(policy: Policy) -> tuple[tuple, bool]:
    """The policy's first key (usually ``Version``): the size is the whole policy's."""
    for name in policy.data:
        return (name,), True
    return (), False


_OTHER_WHITESPACE = r"[^\S \n\t\r]"


def minified_policy(document: object) -> str:
    """The policy as JSON without any whitespace between tokens (what a minifier produces)."""
    return _minifier().encode(document)


@functools.cache
def _minifier():  # -> json.JSONEncoder
    import json

    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def minified_size_bound(document: object) -> int:
    """An upper bound of ``len(minified_policy(document))``, about six times cheaper to get.

    ``marshal`` (format 2, no back-references) spends at least one byte on every character of
    a string and on every bracket, and five on a string's or list's header; the JSON text of any
    value is at most six times its marshalled size (a string of control characters, each
    escaped as ``\\u00XX``; ``false`` plus a comma against marshal's single byte).
    """
    import marshal

    return 6 * len(marshal.dumps(document, 2))


def non_whitespace_length(text: str) -> int:
    """How many characters of ``text`` are not whitespace (IAM's policy size measure)."""
    length = len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")
    if not text.isascii():
        length -= len(compiled(_OTHER_WHITESPACE).findall(text))
    return length
