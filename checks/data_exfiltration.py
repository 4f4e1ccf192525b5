"""LPR009 data-exfiltration: actions that read stored data or secrets allowed on every resource
without a condition."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.check import Check, Report, services_of
from linter.context import Context
from linter.data_files import data_file
from linter.grants import every_resource_phrase, grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.wording import summarize_names


@functools.cache
def data_reading_actions() -> tuple[str, ...]:
    """The actions of ``linter/data/data_exfiltration.json``."""
    return tuple(e["action"] for e in data_file("data_exfiltration.json")["actions"])


class DataExfiltration(Check):
    """## What it does
    Reports an `Allow` statement of an identity policy that grants `s3:GetObject`,
    `ssm:GetParameter`, `ssm:GetParameters`, `ssm:GetParametersByPath`,
    `secretsmanager:GetSecretValue`, `rds:CopyDBSnapshot` or `rds:CreateDBSnapshot`
    (cloudsplaining's list, with sources in `linter/data/data_exfiltration.json`) on every
    resource of their type (`"*"`, `arn:aws:s3:::*/*`, `NotResource`) without a constraining
    condition such as `aws:ResourceAccount`, `aws:ResourceTag/<key>` or `s3:ResourceAccount`.
    Wildcards (`s3:Get*`, `s3:*`, `*`) and `NotAction` are expanded. One finding per statement,
    on the first `Action` value that grants them. A note by default: read-only job-function
    policies such as AWS's ReadOnlyAccess grant `s3:GetObject` on `"*"` on purpose.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    These actions return the data itself: every object of every bucket, every parameter and
    secret the account can reach, and snapshots that can be copied or shared out of the account.
    Unrestricted `s3:GetObject` has a long history of data leaks; a secret read on `"*"` includes
    secrets created later for other applications, such as Transcribe output buckets or database
    passwords.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["s3:GetObject", "secretsmanager:GetSecretValue"],
     "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::transcribe-output-111122223333/*"}
    ```

    ## References
    - [IAM: grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    - [Amazon S3 security best practices](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)
    - cloudsplaining DataExfiltration; checkov `CKV_AWS_108` / `CKV_AWS_288`; parliament
      `SENSITIVE_ACCESS` (community, configurable)
    """

    id = "LPR009"
    name = "data-exfiltration"
    summary = "Actions that read stored data or secrets are allowed on every resource."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "least-privilege", "data-exfiltration")
    needs_services = services_of(data_reading_actions())

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        names = data_reading_actions()
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            found = grants.unrestricted(statement, names)
            if not found:
                continue
            path, key = grant_anchor(statement, found)
            where = every_resource_phrase(statement, catalog.action(found[0]))
            yield Report(
                path,
                f"the statement allows {summarize_names(found)} on every resource {where} without "
                "a condition: any object, parameter, secret or snapshot the account can reach can "
                "be read or copied; name the buckets, parameters and secrets, or add a condition "
                "such as aws:ResourceAccount or aws:ResourceTag/<key>",
                key=key,
            )
