"""GRM004 invalid-policy-structure: Statement not an object or a list of objects."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy, json_type


class InvalidPolicyStructure(Check):
    """## What it does
    Reports a policy whose `Statement` is not an object or an array, or holds something other
    than objects; and an `Id` that is not a string.

    ## Why is this bad?
    AWS rejects the policy. A statement written as a string or a number is not read as a
    statement at all, so nothing in it is granted or denied.

    ## Example
    ```json
    {"Version": "2012-10-17", "Statement": ["s3:GetObject"]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    ```

    ## References
    - [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    - Access Analyzer `DATA_TYPE_MISMATCH` (`MISSING_STATEMENT`: a file without a statement is
      not treated as a policy; a misspelt one is GRM011)
    """

    id = "GRM004"
    name = "invalid-policy-structure"
    summary = "Statement is not an object or a list of objects, or Id is not a string."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        identifier = policy.element("Id")
        if identifier is not None and not isinstance(identifier.value, str):
            yield Report(identifier.path, f"Id must be a string, not {json_type(identifier.value)}")
        item = policy.element("Statement")
        # A "statement" key in another letter case is GRM011's (unknown element, did you mean).
        if item is None or isinstance(item.value, dict):
            return
        if not isinstance(item.value, list):
            yield Report(
                item.path,
                f"Statement must be an object or an array of objects, not {json_type(item.value)}",
            )
            return
        for index, statement in enumerate(item.value):
            if not isinstance(statement, dict):
                yield Report(
                    (*item.path, index),
                    f"a statement must be an object, not {json_type(statement)}",
                )
