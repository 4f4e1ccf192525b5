"""CND011 ineffective-set-qualifier: a set qualifier on Null or on a single-valued key, where it
does nothing useful."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import KMS_CONTEXT_KEY_PREFIX, lookup_condition_key
from linter.conditions import condition_entries, entry_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class IneffectiveSetQualifier(Check):
    """## What it does
    Reports `ForAllValues:`/`ForAnyValue:` where the qualifier cannot do what it is for:

    - on `Null` (**warning**): `ForAllValues:Null` is always true and `ForAnyValue:Null` always
      false (Access Analyzer);
    - `ForAnyValue:` with a negated operator on a single-valued key in a `Deny` (**warning**): the
      qualifier makes the condition false for requests without the key, so the Deny no longer
      covers them (`ForAnyValue:StringNotEquals` on `aws:PrincipalOrgID` does not deny principals
      outside any organization; plain `StringNotEquals` does);
    - any other set qualifier on a single-valued key (**note**): it has no effect, or only
      changes what happens to requests without the key (`ForAllValues` in a `Deny` also denies
      them); remove it. Cases that widen an Allow are CND009's (`ForAllValues` with a positive
      operator).

    `kms:EncryptionContext:<key>` is left to the KMS family's KMS002.

    ## Why is this bad?
    Set qualifiers compare sets of request values; a single-valued key has at most one value, so
    the qualifier only changes what happens when the key is missing, which is rarely what the
    author meant. IAM: "Do not use a condition set operator with a single-valued context key."

    ## Example
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"ForAnyValue:StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                   "ForAllValues:Null": {"aws:TokenIssueTime": "true"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                   "Null": {"aws:TokenIssueTime": "true"}}}
    ```

    ## References
    - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    - Access Analyzer `NULL_WITH_QUALIFIER`, `FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE`,
      `CONFIRM_AUDIENCE_CLAIM_TYPE`; parliament `SINGLE_VALUE_CONDITION_TOO_PERMISSIVE`
    """

    id = "CND011"
    name = "ineffective-set-qualifier"
    summary = "A set qualifier on Null or on a single-valued key, where it does nothing useful."
    severity = Severity.WARNING
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if operator is None or operator.qualifier is None:
                continue
            if operator.family == "Null":
                always = "true" if operator.qualifier == "ForAllValues" else "false"
                yield Report(
                    entry.operator_path,
                    f"{entry.operator} is always {always}, whatever the request; "
                    'use "Null" without a qualifier',
                    key=True,
                )
                continue
            if entry.key_lower.startswith(KMS_CONTEXT_KEY_PREFIX):
                continue
            key = lookup_condition_key(catalog, entry.key)
            if key is None or key.multi_valued:
                continue
            widening = (
                operator.qualifier == "ForAllValues"
                and statement.is_allow
                and not operator.negated
                and not operator.if_exists
            )
            if widening:
                continue  # CND009
            plain = entry.operator.partition(":")[2]
            if operator.qualifier == "ForAnyValue" and operator.negated and statement.is_deny:
                yield Report(
                    entry.key_path,
                    f"{entry.key} is single-valued: {entry.operator} is false for requests "
                    f"without it, so this Deny does not cover them; use {plain}",
                    key=True,
                )
                continue
            if operator.negated or operator.if_exists:
                effect = (
                    "has no effect on it"
                    if operator.qualifier == "ForAllValues"
                    else f"only makes requests without it fail, unlike {plain}"
                )
            elif operator.qualifier == "ForAllValues":
                effect = "only makes this Deny apply to requests without it too"
            else:
                effect = "has no effect on it"
            yield Report(
                entry.key_path,
                f"{entry.key} is single-valued: the {operator.qualifier} qualifier {effect}; "
                f"use {plain}",
                key=True,
                severity=Severity.NOTE,
            )
