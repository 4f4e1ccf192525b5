"""GRM012 empty-value: an empty array, object or string where IAM expects content."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy

_LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")
_OBJECT_ELEMENTS = ("Principal", "NotPrincipal", "Condition")


class EmptyValue(Check):
    """## What it does
    Reports `[]` or `""` in `Action`, `NotAction`, `Resource`, `NotResource`; `{}` or `[]` in
    `Principal`, `NotPrincipal` and `Condition`; an empty principal list; an empty
    `Statement` array.

    ## Why is this bad?
    An empty element grants or constrains nothing, which is rarely what the author meant: an
    empty `Resource` makes an Allow grant nothing, and an empty `Condition` reads as if the
    statement were constrained. AWS rejects some of these forms outright.

    ## Example
    ```json
    {"Effect": "Allow", "Action": [], "Resource": "*", "Condition": {}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}
    ```

    ## References
    - [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    - Access Analyzer `EMPTY_ARRAY_ACTION`, `EMPTY_ARRAY_RESOURCE`, `EMPTY_ARRAY_PRINCIPAL`,
      `EMPTY_OBJECT_PRINCIPAL`, `EMPTY_OBJECT_CONDITION`
    """

    id = "GRM012"
    name = "empty-value"
    summary = "An empty array, object or string where IAM expects content."
    severity = Severity.WARNING
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        statements = policy.element("Statement")
        if statements is not None and statements.value == []:
            yield Report(statements.path, "the policy has no statements: it grants nothing")
        for statement in policy.statements:
            for element in _LIST_ELEMENTS:
                item = statement.element(element)
                if item is None:
                    continue
                if item.value == [] or item.value == "":
                    yield Report(item.path, f"{element} is empty")
                elif isinstance(item.value, list):
                    for index, value in enumerate(item.value):
                        if value == "":
                            yield Report((*item.path, index), f"an empty string in {element}")
            for element in _OBJECT_ELEMENTS:
                item = statement.element(element)
                if item is None:
                    continue
                if item.value in ({}, []):
                    yield Report(item.path, f"{element} is empty")
                elif isinstance(item.value, dict) and element != "Condition":
                    for kind, value in item.value.items():
                        if value in ([], ""):
                            yield Report((*item.path, kind), f"{element}.{kind} is empty")
