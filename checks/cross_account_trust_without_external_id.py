"""TRU004 cross-account-trust-without-external-id: a role trust policy trusts another account
without sts:ExternalId or aws:PrincipalOrgID."""

from __future__ import annotations

from collections.abc import Iterator

from linter.arns import ACCOUNT_ID, parse_arn
from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import entries_on_keys, policy_grants

_GUARD_KEYS = ("sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths")


class CrossAccountTrustWithoutExternalId(Check):
    """## What it does
    Reports each `AWS` principal of an `Allow` statement in a role trust policy that names an
    account (an account id, or a root, user, role or session ARN of that account) when the
    statement has no constraining `sts:ExternalId`, `aws:PrincipalOrgID` or
    `aws:PrincipalOrgPaths` condition. Accounts listed in the `trusted_account_ids` setting (your
    own accounts) are exempt.

    A policy does not say which account it lives in, so without `trusted_account_ids` every
    account is reported as a **note**; once `trusted_account_ids` is configured, an account
    outside it is certainly another one and is reported as a **warning**.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    When a third party's account may assume your role, the third party can be tricked into using
    its access on behalf of its other customers (the cross-account confused deputy). AWS's
    answer is an external ID that the third party passes on `AssumeRole`; for accounts of your
    own organization, `aws:PrincipalOrgID` keeps the trust from reaching accounts that leave it.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
     "Action": "sts:AssumeRole"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
     "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"sts:ExternalId": "Unique-ID-from-the-third-party"}}}
    ```

    ## References
    - [Access to AWS accounts owned by third parties (external ID)](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html)
    - [IAM: the confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    - cloudsplaining CrossAccountPrincipal; no Access Analyzer policy check
    """

    id = "TRU004"
    name = "cross-account-trust-without-external-id"
    summary = (
        "A role trust policy trusts another account without sts:ExternalId or aws:PrincipalOrgID."
    )
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("security", "trust", "confused-deputy", "transcribe")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        trusted = set(context.settings.trusted_account_ids)
        severity = Severity.WARNING if trusted else Severity.NOTE
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            effective = grants.effective(statement, ("sts:AssumeRole",))
            if not effective:
                continue  # not granted, or an unconditional Deny removes it
            entries = statement.conditions + effective[0].conditions  # with a Deny's requirement
            if any(constrains(e) for e in entries_on_keys(entries, *_GUARD_KEYS)):
                continue
            for principal in statement.principals:
                if principal.kind != "AWS":
                    continue
                account = principal_account(principal.value)
                if account is None or account in trusted:
                    continue
                yield Report(
                    principal.path,
                    f"the role trusts account {account} without sts:ExternalId or "
                    "aws:PrincipalOrgID; require the external ID a third party gives you, or "
                    "aws:PrincipalOrgID for your own organization (list your own accounts in "
                    "trusted_account_ids)",
                    severity=severity,
                )


def principal_account(value: str) -> str | None:
    """The 12-digit account of an AWS principal value (account id, IAM or STS ARN), else None."""
    if ACCOUNT_ID.match(value):
        return value
    arn = parse_arn(value)
    if arn is not None and arn.service in ("iam", "sts") and ACCOUNT_ID.match(arn.account):
        return arn.account
    return None
