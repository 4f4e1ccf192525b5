"""LPR006 allow-with-not-principal: an Allow statement of a resource or key policy that uses
NotPrincipal."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.principals import limits_public_access
from linter.wording import summarize_names


class AllowWithNotPrincipal(Check):
    """## What it does
    Reports `"Effect": "Allow"` together with `NotPrincipal` in a resource or key policy, at the
    `NotPrincipal` key. An error, or a warning when a condition limits the callers to known
    accounts, organizations or networks (`aws:PrincipalOrgID`, `aws:PrincipalAccount`,
    `aws:SourceAccount`, `kms:CallerAccount`, …; the keys LPR007 accepts). `Deny` with
    `NotPrincipal` ("deny everyone except …") is never reported. In a role trust policy IAM rejects
    `NotPrincipal` (GRM008).

    The policy is read as a whole (`docs/deny-awareness.md`): silent when an unconditional `Deny`
    of the same policy covers everything the statement allows; a conditional `Deny` that refuses
    the request when a key is missing or differs counts as that condition of the statement.

    ## Why is this bad?
    `Allow` + `NotPrincipal` allows every principal except the listed ones: every IAM user and role
    of every AWS account and anonymous callers. AWS: "We strongly recommend that you do not use
    NotPrincipal in the same policy statement as "Effect": "Allow"".

    ## Example
    ```json
    {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/intern"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::transcripts/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/transcribe-reader"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::transcripts/*"}
    ```

    ## References
    - [IAM JSON policy elements: NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
    - Access Analyzer `ALLOW_WITH_NOT_PRINCIPAL`; parliament `NOTPRINCIPAL_WITH_ALLOW` (community)
    """

    id = "LPR006"
    name = "allow-with-not-principal"
    summary = "An Allow statement uses NotPrincipal, which allows every other principal."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.RESOURCE, PolicyType.KMS_KEY})
    tags = ("security", "least-privilege", "principal")
    needs_elements = frozenset({"notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            if statement.principal_element != "NotPrincipal" or grants.removed(statement):
                continue
            excluded = summarize_names([p.value for p in statement.not_principals], 2)
            entries = statement.conditions + grants.required(statement)
            limit = next((e for e in entries if limits_public_access(e)), None)
            but = f"except {excluded}" if excluded else "without exception"
            if limit is not None:
                yield Report(
                    (*statement.path, "NotPrincipal"),
                    f"Allow with NotPrincipal allows every principal {but} that {limit.key} "
                    'admits; name the principals under "Principal" instead',
                    key=True,
                    severity=Severity.WARNING,
                )
                continue
            anywhere = "in any AWS account"
            if policy.policy_type is not PolicyType.KMS_KEY:
                anywhere += ", and anonymous callers"
            yield Report(
                (*statement.path, "NotPrincipal"),
                f"Allow with NotPrincipal allows every principal {but}, {anywhere}; name the "
                'principals under "Principal" instead',
                key=True,
            )
