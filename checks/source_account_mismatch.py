"""TRU002 source-account-mismatch: aws:SourceAccount and the account in aws:SourceArn disagree
within one statement, so the condition can never be met."""

from __future__ import annotations

from collections.abc import Iterator

from linter.arns import parse_arn
from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import ConditionEntry, Item, Policy
from linter.wildcards import has_wildcard, wildcard_matches

# Operators under which every listed value is one the key may have (IfExists variants too: when
# both keys are present, which is when a service sends them, both must match).
_POSITIVE = {"stringequals", "stringlike", "stringequalsignorecase", "arnequals", "arnlike"}


def _positive(entry: ConditionEntry) -> bool:
    return entry.qualifier is None and entry.base_operator.lower() in _POSITIVE


def _accounts_overlap(account_pattern: str, source_accounts: list[tuple[str, bool]]) -> bool:
    """Whether the account field of a SourceArn value can equal one of the SourceAccount values
    (``(value, like)``: ``like`` when the operator expands wildcards)."""
    for value, like in source_accounts:
        if like and has_wildcard(value):
            if has_wildcard(account_pattern):
                return True  # both open: cannot decide, assume they meet
            if wildcard_matches(value, account_pattern):
                return True
        elif has_wildcard(account_pattern):
            if wildcard_matches(account_pattern, value):
                return True
        elif value == account_pattern:
            return True
    return False


class SourceAccountMismatch(Check):
    """## What it does
    Reports each `aws:SourceArn` value whose account differs from every `aws:SourceAccount` value
    of the same statement (both under positive operators: `StringEquals`, `StringLike`,
    `ArnEquals`, `ArnLike` and their `IfExists` forms). ARNs without an account (Amazon S3) and
    wildcards that can meet are accepted. Error when no `aws:SourceArn` value can match (the
    statement never applies); warning when only some values are dead.

    ## Why is this bad?
    A service sends both keys for the same resource, and conditions in one statement must all
    hold. Amazon Transcribe's confused-deputy page: "the `aws:SourceAccount` value and the AWS
    account in `aws:SourceArn` must use the same AWS account ID when used in the same policy
    statement." A mismatch makes an `Allow` grant nothing (the service role stops working) and a
    `Deny` protect nothing.

    ## Example
    ```json
    "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                  "ArnLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:444455556666:*"}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                  "ArnLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"}}
    ```

    ## References
    - [Amazon Transcribe: cross-service confused deputy prevention](https://docs.aws.amazon.com/transcribe/latest/dg/security-iam-confused-deputy.html)
    - [AWS global condition context keys: aws:SourceArn, aws:SourceAccount](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn)
    - No Access Analyzer, parliament or checkov equivalent
    """

    id = "TRU002"
    name = "source-account-mismatch"
    summary = "aws:SourceAccount and the account in aws:SourceArn disagree in one statement."
    severity = Severity.ERROR
    tags = ("security", "trust", "confused-deputy", "condition", "transcribe")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            keys = statement.condition_keys
            if "aws:sourceaccount" not in keys or "aws:sourcearn" not in keys:
                continue
            accounts: list[tuple[str, bool]] = []
            for entry in statement.conditions_on("aws:SourceAccount"):
                if _positive(entry):
                    like = entry.base_operator.lower().endswith("like")
                    accounts.extend((v, like) for v in entry.string_values)
            if not accounts:
                continue
            dead: list[tuple[Item, str]] = []
            total = 0
            for entry in statement.conditions_on("aws:SourceArn"):
                if not _positive(entry):
                    continue
                for item in entry.values:
                    if not isinstance(item.value, str):
                        continue
                    total += 1
                    arn = parse_arn(item.value)
                    if arn is None or arn.account == "" or arn.account.strip("*") == "":
                        continue
                    if not _accounts_overlap(arn.account, accounts):
                        dead.append((item, arn.account))
            if not dead:
                continue
            listed = ", ".join(sorted({v for v, _ in accounts}))
            never = len(dead) == total
            for item, account in dead:
                if never:
                    consequence = "no request can match both, so the statement never applies"
                else:
                    consequence = "this value can never match"
                yield Report(
                    item.path,
                    f"the account {account} in aws:SourceArn differs from aws:SourceAccount "
                    f"{listed}; {consequence}: use the same account ID in both",
                    severity=Severity.ERROR if never else Severity.WARNING,
                )
