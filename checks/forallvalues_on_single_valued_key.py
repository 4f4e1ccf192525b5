"""CND009 forallvalues-on-single-valued-key: ForAllValues makes an Allow match requests without
the key."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import KMS_CONTEXT_KEY_PREFIX, lookup_condition_key
from linter.conditions import condition_entries, entry_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class ForAllValuesOnSingleValuedKey(Check):
    """## What it does
    Reports, in an `Allow` statement, `ForAllValues:` with a positive operator (`StringEquals`,
    `StringLike`, `ArnLike`, …; not `...IfExists`) on a single-valued condition key
    (`aws:RequestedRegion`, `aws:ResourceTag/<key>`, `aws:SourceVpc`; the catalog gives each key's
    value type).

    Not reported, because the qualifier does not widen anything there:
    - `Deny` statements: a Deny that also matches requests without the key denies more, never
      less; it is not over-permissive;
    - negated operators and `...IfExists`: they already match requests without the key;
    - `kms:EncryptionContext:<key>`: the KMS family's KMS002 reports it (AWS KMS rejects it in key
      policies), so it is not reported twice.

    ## Why is this bad?
    `ForAllValues` is true when every value of the key in the request matches, and therefore
    also when the request has no value at all. On a single-valued key that means the condition
    matches every request that lacks the key, so the Allow grants more than the author wrote.
    IAM: "Using condition set operators with single-valued context keys can lead to overly
    permissive policies."

    ## Example
    ```json
    {"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
     "Condition": {"ForAllValues:StringEquals": {"aws:ResourceTag/team": "analytics"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:ResourceTag/team": "analytics"}}}
    ```

    ## References
    - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    - Access Analyzer `FORALLVALUES_WITH_SINGLE_VALUED_KEY`; parliament
      `SINGLE_VALUE_CONDITION_TOO_PERMISSIVE`
    """

    id = "CND009"
    name = "forallvalues-on-single-valued-key"
    summary = "ForAllValues on a single-valued key makes an Allow match requests without the key."
    severity = Severity.WARNING
    tags = ("condition", "security")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if (
                not statement.is_allow
                or operator is None
                or operator.qualifier != "ForAllValues"
                or operator.negated
                or operator.if_exists
                or operator.family == "Null"
                or entry.key_lower.startswith(KMS_CONTEXT_KEY_PREFIX)
            ):
                continue
            key = lookup_condition_key(catalog, entry.key)
            if key is None or key.multi_valued:
                continue
            yield Report(
                entry.key_path,
                f"{entry.key} is single-valued: {entry.operator} also matches requests "
                f"without it, so the statement grants them too; use {operator.base}",
                key=True,
            )
