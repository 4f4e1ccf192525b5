"""CND017 mfa-condition-antipattern: an ``aws:MultiFactorAuthPresent`` test AWS advises against."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import condition_entries, entry_operator, null_test
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class MfaConditionAntipattern(Check):
    """## What it does
    Reports the `aws:MultiFactorAuthPresent` patterns that the IAM global condition keys page
    advises against:

    - `Deny` + `"Bool": {"aws:MultiFactorAuthPresent": "false"}`: "WARNING: NOT RECOMMENDED";
      it "does not deny access to requests that are made using long-term credentials";
    - `Deny` + `"Null": {"aws:MultiFactorAuthPresent": "true"}`: AWS says not to use it,
      "because it behaves the same way and the logic is even more complicated";
    - `Allow` + `"Null": {"aws:MultiFactorAuthPresent": "false"}`: "Do not use"; it allows
      every request made with temporary credentials, with or without MFA.

    The recommended forms are not reported: `Deny` + `BoolIfExists` `false` (denies requests
    without MFA, including long-term credentials), `Allow` + `Bool` `true` (MFA sessions only)
    and `Allow` + `BoolIfExists` `true`.

    ## Why is this bad?
    `aws:MultiFactorAuthPresent` is present only in requests signed with temporary credentials.
    Requests made with an IAM user's access keys carry no such key, so a `Bool` test on `false`
    never matches them: the "deny unless MFA" statement lets long-term access keys through.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    ```

    ## References
    - [aws:MultiFactorAuthPresent](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent)
    - [Transcribe security best practices: use temporary credentials](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - parliament `BAD_PATTERN_FOR_MFA`; Access Analyzer has no equivalent
    """

    id = "CND017"
    name = "mfa-condition-antipattern"
    summary = "An aws:MultiFactorAuthPresent test that AWS advises against."
    severity = Severity.WARNING
    tags = ("condition", "security", "mfa", "credentials")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement, entry in condition_entries(policy):
            if entry.key_lower != "aws:multifactorauthpresent":
                continue
            operator = entry_operator(entry)
            if operator is None or operator.qualifier is not None:
                continue
            message = None
            if operator.family == "Bool" and not operator.if_exists and statement.is_deny:
                if {str(v.value).lower() for v in entry.values} == {"false"}:
                    message = (
                        "this Deny does not cover long-term credentials (access keys carry "
                        'no aws:MultiFactorAuthPresent): AWS marks it "NOT RECOMMENDED"; '
                        'use "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}'
                    )
            elif operator.family == "Null":
                absent = null_test(entry)
                if statement.is_deny and absent is True:
                    message = (
                        'AWS says not to use Deny with "Null" aws:MultiFactorAuthPresent '
                        '"true"; use "BoolIfExists": {"aws:MultiFactorAuthPresent": '
                        '"false"} to deny requests without MFA'
                    )
                elif statement.is_allow and absent is False:
                    message = (
                        "this Allow matches every request made with temporary credentials, "
                        'with or without MFA (AWS: "Do not use"); use "Bool": '
                        '{"aws:MultiFactorAuthPresent": "true"}'
                    )
            if message:
                yield Report(entry.key_path, message, key=True)
