"""GRM009 invalid-sid: a Sid that is not a string, or has characters IAM rejects."""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy, json_type

_IAM_SID = re.compile(r"^[A-Za-z0-9]*$")
# IAM and AWS Organizations accept only ASCII letters and digits; KMS, S3, SQS and other services
# accept more (the default key policy's Sid is "Enable IAM User Permissions").
_STRICT_TYPES = frozenset({PolicyType.IDENTITY, PolicyType.TRUST, PolicyType.SCP, PolicyType.RCP})


class InvalidSid(Check):
    """## What it does
    Reports a `Sid` that is not a string, an empty `Sid`, and, in identity, trust, SCP and RCP
    policies, a `Sid` with characters other than ASCII letters and digits.

    ## Why is this bad?
    IAM and AWS Organizations reject such a policy. Resource and key policies accept spaces
    and more (AWS's default key policy uses `"Enable IAM User Permissions"`), so they are only
    checked for type.

    ## Example
    ```json
    {"Sid": "allow-read access", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Sid": "AllowReadAccess", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
    - Access Analyzer `UNSUPPORTED_SID`, `EMPTY_SID_VALUE`; parliament `INVALID_SID`
    """

    id = "GRM009"
    name = "invalid-sid"
    summary = "A Sid is not a string or has characters IAM rejects."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        strict = policy.policy_type in _STRICT_TYPES
        for statement in policy.statements:
            item = statement.element("Sid")
            if item is None:
                continue
            if not isinstance(item.value, str):
                yield Report(item.path, f"Sid must be a string, not {json_type(item.value)}")
            elif item.value == "":
                yield Report(
                    item.path,
                    "the Sid is empty; remove it or name the statement",
                    severity=Severity.NOTE,
                )
            elif strict and not _IAM_SID.match(item.value):
                bad = sorted({c for c in item.value if not re.match(r"[A-Za-z0-9]", c)})
                shown = ", ".join(repr(c) for c in bad)
                yield Report(
                    item.path,
                    f'Sid "{item.value}" has characters IAM rejects ({shown}); '
                    "use only ASCII letters and digits",
                )
