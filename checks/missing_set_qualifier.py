"""CND010 missing-set-qualifier: a multi-valued condition key without ForAllValues or
ForAnyValue."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import KMS_CONTEXT_KEYS_KEY, lookup_condition_key
from linter.conditions import condition_entries, entry_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class MissingSetQualifier(Check):
    """## What it does
    Reports a multi-valued condition key (`aws:TagKeys`, `aws:CalledVia`,
    `aws:PrincipalOrgPaths`, keys typed `ArrayOf…` in the catalog) compared without the
    `ForAnyValue:` or `ForAllValues:` set qualifier. `Null` needs none and is not reported.
    `kms:EncryptionContextKeys` is left to the KMS family's KMS003, which reports it with KMS's
    own guidance.

    ## Why is this bad?
    IAM: "Multivalued context keys require a condition set operator." Without one, a reader
    cannot tell whether the condition means "one of the request's values is listed"
    (`ForAnyValue`) or "all of them are" (`ForAllValues`); the two differ on requests with
    several values or none, and Access Analyzer rejects the policy.

    ## Example
    ```json
    "Condition": {"StringEquals": {"aws:TagKeys": ["team", "cost-center"]}}
    ```

    ## Use instead
    ```json
    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]},
                  "Null": {"aws:TagKeys": "false"}}
    ```

    ## References
    - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    - Access Analyzer `MISSING_QUALIFIER`
    """

    id = "CND010"
    name = "missing-set-qualifier"
    summary = "A multi-valued condition key without ForAllValues or ForAnyValue."
    severity = Severity.ERROR
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for _statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if (
                operator is None
                or operator.qualifier is not None
                or operator.family == "Null"
                or entry.key_lower == KMS_CONTEXT_KEYS_KEY
            ):
                continue
            key = lookup_condition_key(catalog, entry.key)
            if key is None or not key.multi_valued:
                continue
            yield Report(
                entry.key_path,
                f"{entry.key} can hold several values: write ForAnyValue:{entry.operator} "
                f"(one of them is listed) or ForAllValues:{entry.operator} (all of them are)",
                key=True,
            )
