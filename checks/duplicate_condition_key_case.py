"""CND018 duplicate-condition-key-case: one condition key twice under an operator, in other
letter case."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import condition_entries
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class DuplicateConditionKeyCase(Check):
    """## What it does
    Reports a condition key that appears again under the same operator with other letter case
    (`aws:SourceIp` and `aws:sourceip` in one `IpAddress` block), at the later key. Exact
    duplicates are JSON duplicate keys and are reported by the decoder rule.

    ## Why is this bad?
    Condition key names are case-insensitive, so both entries name the same key; which one IAM
    keeps is not documented, and Access Analyzer rejects the policy. The author usually meant
    one key with both lists of values.

    ## Example
    ```json
    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data",
                                   "aws:principaltag/Team": "ml"}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["data", "ml"]}}
    ```

    ## References
    - [IAM JSON policy elements: Condition (key names are not case-sensitive)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)
    - Access Analyzer `DUPLICATE_KEYS_WITH_DIFFERENT_CASE`
    """

    id = "CND018"
    name = "duplicate-condition-key-case"
    summary = "One condition key twice under an operator, in other letter case."
    severity = Severity.ERROR
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        seen: dict[tuple[int, str, str], str] = {}
        for statement, entry in condition_entries(policy):
            marker = (statement.index, entry.operator, entry.key_lower)
            first = seen.setdefault(marker, entry.key)
            if first != entry.key:
                yield Report(
                    entry.key_path,
                    f"{entry.key} repeats {first} under {entry.operator} (key names are "
                    "case-insensitive); merge their values into one key",
                    key=True,
                )
