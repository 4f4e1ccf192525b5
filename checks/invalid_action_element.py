"""GRM006 invalid-action-element: Action/NotAction missing, doubled, or not action names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.placeholders import is_placeholder
from linter.policy import Policy, json_type

_ACTION_FORMAT = re.compile(r"^[A-Za-z0-9*?_.-]+:[A-Za-z0-9*?_-]*$")


class InvalidActionElement(Check):
    """## What it does
    Reports a statement with neither `Action` nor `NotAction`, with both, with a value that is
    not a string or an array of strings, or with an entry that is not of the form
    `service:ActionName` (or `*`).

    ## Why is this bad?
    AWS rejects the policy. An entry such as `"s3 GetObject"` or `"GetObject"` names no action.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["s3:GetObject", 42], "NotAction": "s3:Delete*", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    - Access Analyzer `MISSING_ACTION`, `UNSUPPORTED_ELEMENT_COMBINATION`, `DATA_TYPE_MISMATCH`
    """

    id = "GRM006"
    name = "invalid-action-element"
    summary = "Action/NotAction is missing, doubled, or not a list of service:action names."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            has_action = "Action" in statement.data
            has_not_action = "NotAction" in statement.data
            if not has_action and not has_not_action:
                path, key = statement.anchor()
                yield Report(path, 'the statement has neither "Action" nor "NotAction"', key=key)
                continue
            if has_action and has_not_action:
                yield Report(
                    (*statement.path, "NotAction"),
                    'a statement cannot have both "Action" and "NotAction"',
                    key=True,
                )
            for element in ("Action", "NotAction"):
                item = statement.element(element)
                if item is None:
                    continue
                values = item.value if isinstance(item.value, list) else [item.value]
                if not isinstance(item.value, (str, list)):
                    yield Report(
                        item.path,
                        f"{element} must be a string or an array of strings, "
                        f"not {json_type(item.value)}",
                    )
                    continue
                listed = isinstance(item.value, list)
                for index, value in enumerate(values):
                    if not isinstance(value, str):
                        path = (*item.path, index) if listed else item.path
                        yield Report(
                            path, f"an {element} entry must be a string, not {json_type(value)}"
                        )
                    elif (
                        value != "*"
                        and value
                        and not _ACTION_FORMAT.match(value)
                        and not is_placeholder(value)  # POL007
                    ):
                        path = (*item.path, index) if listed else item.path
                        yield Report(
                            path,
                            f'"{value}" is not an action: write "service:ActionName", '
                            'e.g. "s3:GetObject"',
                        )
