"""CND013 empty-condition-values: a condition key compared with an empty list."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import condition_entries, entry_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class EmptyConditionValues(Check):
    """## What it does
    Reports a condition key whose value is an empty array (`"aws:TagKeys": []`), with what that
    means for the operator:

    - `ForAllValues:…`: matches only requests without the key;
    - `ForAnyValue:…`: never matches;
    - `...IfExists`: matches only requests without the key;
    - any other operator: compares the key with nothing.

    ## Why is this bad?
    An empty list is usually a template value left unfilled. The condition does not do what the
    rest of the statement suggests: an Allow grants nothing, or only to requests that lack the
    key; a Deny never applies, or applies to the wrong requests. When "the key is absent" is
    really meant, `Null` says so.

    ## Example
    ```json
    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": []}}
    ```

    ## Use instead
    ```json
    "Condition": {"Null": {"aws:TagKeys": "true"}}
    ```

    ## References
    - [Creating a condition with multiple keys or values](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html)
    - Access Analyzer `EMPTY_ARRAY_CONDITION`, `EMPTY_ARRAY_CONDITION_FORALLVALUES`,
      `EMPTY_ARRAY_CONDITION_FORANYVALUE`, `EMPTY_ARRAY_CONDITION_IFEXISTS`
    """

    id = "CND013"
    name = "empty-condition-values"
    summary = "A condition key compared with an empty list."
    severity = Severity.WARNING
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for _statement, entry in condition_entries(policy):
            if entry.raw_value != []:
                continue
            operator = entry_operator(entry)
            key = entry.key
            absent_only = operator is not None and (
                operator.qualifier == "ForAllValues"
                or (operator.qualifier is None and operator.if_exists)
            )
            if absent_only:
                message = (
                    f"an empty list under {entry.operator} matches only requests without "
                    f'{key}: write "Null": {{"{key}": "true"}} if that is meant, or list the '
                    "values"
                )
            elif operator is not None and operator.qualifier == "ForAnyValue":
                message = (
                    f"an empty list under {entry.operator} never matches; list the values "
                    "or remove the key"
                )
            else:
                message = (
                    f"an empty list under {entry.operator} compares {key} with nothing; "
                    "list the values or remove the key"
                )
            yield Report(entry.key_path, message)
