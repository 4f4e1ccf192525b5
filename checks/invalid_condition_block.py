"""GRM013 invalid-condition-block: a Condition element that is not operator → key → values."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy, json_type


class InvalidConditionBlock(Check):
    """## What it does
    Checks the shape of `Condition`: an object of operators, each an object of condition keys,
    each a string, number or boolean, or an array of them.

    ## Why is this bad?
    AWS rejects the policy. A condition written as a list of objects, or a value that is an
    object or `null`, does not constrain anything.

    ## Example
    ```json
    "Condition": [{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}]
    ```

    ## Use instead
    ```json
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    ```

    ## References
    - [IAM JSON policy elements: Condition](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)
    - Access Analyzer `DATA_TYPE_MISMATCH`
    """

    id = "GRM013"
    name = "invalid-condition-block"
    summary = "Condition is not an object of operators, keys and scalar values."
    severity = Severity.ERROR
    tags = ("grammar", "condition")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            item = statement.element("Condition")
            if item is None:
                continue
            if not isinstance(item.value, dict):
                yield Report(
                    item.path,
                    "Condition must be an object of operators, e.g. "
                    '{"StringEquals": {"aws:PrincipalOrgID": "o-..."}}, '
                    f"not {json_type(item.value)}",
                )
                continue
            for operator, block in item.value.items():
                operator_path = (*item.path, operator)
                if not isinstance(block, dict):
                    yield Report(
                        operator_path,
                        f'the "{operator}" block must be an object of condition keys, '
                        f"not {json_type(block)}",
                    )
                    continue
                for key, value in block.items():
                    key_path = (*operator_path, key)
                    values = value if isinstance(value, list) else [value]
                    for index, entry in enumerate(values):
                        if entry is None or isinstance(entry, (dict, list)):
                            path = (*key_path, index) if isinstance(value, list) else key_path
                            yield Report(
                                path,
                                f'a value of "{key}" must be a string, number or boolean, '
                                f"not {json_type(entry)}",
                            )
