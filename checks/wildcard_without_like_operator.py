"""CND014 wildcard-without-like-operator: a ``*`` or ``?`` in a value compared literally."""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import condition_entries, entry_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy

_VARIABLE = re.compile(r"\$\{[^}]*\}")
_LIKE = {
    "StringEquals": "StringLike",
    "StringEqualsIgnoreCase": "StringLike",
    "StringNotEquals": "StringNotLike",
    "StringNotEqualsIgnoreCase": "StringNotLike",
}


class WildcardWithoutLikeOperator(Check):
    """## What it does
    Reports a `*` or `?` in a value of `StringEquals`, `StringNotEquals`,
    `StringEqualsIgnoreCase` or `StringNotEqualsIgnoreCase` (with any qualifier or
    `IfExists`), outside policy variables (`${*}` and `${?}` are the way to write a literal `*`
    or `?`). Arn operators are not reported: `ArnEquals` matches wildcards like `ArnLike`.

    ## Why is this bad?
    These operators compare the whole value literally, so `"arn:aws:iam::*:role/admin"` or
    `"prod-*"` only matches a request value that contains the asterisk itself. An Allow meant
    for a pattern grants nothing; a `StringNotEquals` Deny meant to exempt a pattern exempts
    nothing.

    ## Example
    ```json
    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data-*"}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringLike": {"aws:PrincipalTag/team": "data-*"}}
    ```

    ## References
    - [IAM condition operators: String](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String)
    - Access Analyzer `WILDCARD_WITHOUT_LIKE_OPERATOR`
    """

    id = "CND014"
    name = "wildcard-without-like-operator"
    summary = "A * or ? in a condition value that the operator compares literally."
    severity = Severity.WARNING
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for _statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if operator is None or operator.base not in _LIKE:
                continue
            for item in entry.values:
                if not isinstance(item.value, str):
                    continue
                text = _VARIABLE.sub("", item.value)
                wildcards = [c for c in "*?" if c in text]
                if not wildcards:
                    continue
                like = entry.operator.replace(operator.base, _LIKE[operator.base])
                from linter.fixes import Fix, ReplaceKey

                yield Report(
                    item.path,
                    f'{" and ".join(wildcards)} in "{item.value}" is compared literally by '
                    f"{entry.operator}; use {like} to match a pattern",
                    fix=Fix.unsafe(f"Use {like}", ReplaceKey(entry.operator_path, like)),
                )
