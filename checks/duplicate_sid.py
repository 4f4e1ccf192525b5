"""GRM010 duplicate-sid: two statements share a Sid."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy

_REQUIRED_UNIQUE = frozenset(
    {PolicyType.SCP, PolicyType.RCP, PolicyType.RESOURCE, PolicyType.KMS_KEY}
)


class DuplicateSid(Check):
    """## What it does
    Reports a statement whose `Sid` was already used by an earlier statement of the policy.

    ## Why is this bad?
    Resource policies, key policies, SCPs and RCPs require unique Sids and are rejected;
    identity policies accept duplicates, but suppressions, reviews and change logs that name
    a statement by its Sid become ambiguous.

    ## Example
    ```json
    [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
     {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]
    ```

    ## Use instead
    ```json
    [{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
     {"Sid": "ListBuckets", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]
    ```

    ## References
    - [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
    - Access Analyzer `UNIQUE_SIDS_REQUIRED`, `UNIQUE_SIDS_RECOMMENDED`; parliament `DUPLICATE_SID`
    """

    id = "GRM010"
    name = "duplicate-sid"
    summary = "Two statements share a Sid."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        first_index: dict[str, int] = {}
        severity = None if policy.policy_type in _REQUIRED_UNIQUE else Severity.WARNING
        for statement in policy.statements:
            sid = statement.sid
            if not sid:
                continue
            if sid in first_index:
                yield Report(
                    (*statement.path, "Sid"),
                    f'Sid "{sid}" is already used by Statement[{first_index[sid]}]',
                    severity=severity,
                )
            else:
                first_index[sid] = statement.index
