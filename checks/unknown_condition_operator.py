"""CND001 unknown-condition-operator: a Condition operator IAM does not define."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import CONDITION_OPERATORS, SET_QUALIFIER_NAMES, parse_condition_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class UnknownConditionOperator(Check):
    """## What it does
    Reports a key of the `Condition` element that is not a condition operator IAM defines: the
    String, Numeric, Date, `Bool`, `BinaryEquals`, `IpAddress`/`NotIpAddress`, Arn and `Null`
    operators, each optionally with the `IfExists` suffix (except `Null`) and the `ForAllValues:`
    or `ForAnyValue:` prefix. Operator names are case-sensitive (`stringEquals` is rejected), so a
    wrong letter case is reported with the right spelling; other typos get a "did you mean".
    `NullIfExists` is reported with its own message: `IfExists` cannot be added to `Null`.

    ## Why is this bad?
    IAM rejects the policy (`MalformedPolicyDocument: Invalid Condition type`). A reviewer may read
    `StringEqual` or `ForAnyValues:StringLike` as a real constraint.

    ## Example
    ```json
    "Condition": {"stringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                  "NullIfExists": {"aws:TokenIssueTime": "true"}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                  "Null": {"aws:TokenIssueTime": "true"}}
    ```

    ## References
    - [IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    - Access Analyzer `INVALID_CONDITION_OPERATOR`, `NULL_WITH_IF_EXISTS`; parliament
      `UNKNOWN_OPERATOR`; cfn-lint E3510
    """

    id = "CND001"
    name = "unknown-condition-operator"
    summary = "A Condition operator that IAM does not define."
    severity = Severity.ERROR
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            block = statement.data.get("Condition")
            if not isinstance(block, dict):
                continue
            for operator in block:
                if parse_condition_operator(operator) is None:
                    path = (*statement.path, "Condition", operator)
                    yield Report(path, _message(operator), key=True)


def _message(operator: str) -> str:
    qualifier, separator, base = operator.rpartition(":")
    bare = base[: -len("IfExists")] if base.endswith("IfExists") else base
    if bare == "Null" and base != bare and (not separator or qualifier in SET_QUALIFIER_NAMES):
        return (
            f'"{operator}" is not valid: IfExists cannot be used with Null, which already tests '
            'whether the key exists; use "Null"'
        )
    suggestion = _suggest(operator)
    if suggestion is None:
        return (
            f'"{operator}" is not a condition operator; use one such as StringEquals, '
            "StringLike, ArnLike, NumericLessThan, DateGreaterThan, Bool, IpAddress or Null"
        )
    if suggestion.lower() == operator.lower():
        return (
            f'"{operator}" is not a condition operator: operator names are case-sensitive; '
            f'use "{suggestion}"'
        )
    return f'"{operator}" is not a condition operator; did you mean "{suggestion}"?'


@functools.cache
def _valid_names() -> dict[str, str]:
    names = []
    for base in CONDITION_OPERATORS:
        names.append(base)
        if base != "Null":
            names.append(base + "IfExists")
    names += [f"{q}:{n}" for q in SET_QUALIFIER_NAMES for n in list(names)]
    return {name.lower(): name for name in names}


def _suggest(operator: str) -> str | None:
    import difflib

    valid = _valid_names()
    lowered = operator.lower()
    if lowered in valid:
        return valid[lowered]
    qualifier, separator, base = lowered.rpartition(":")
    if separator:
        # Repair the qualifier and the operator separately ("ForAnyValues:stringlike").
        close_qualifier = difflib.get_close_matches(
            qualifier, [q.lower() for q in SET_QUALIFIER_NAMES], n=1, cutoff=0.7
        )
        close_base = difflib.get_close_matches(
            base, [n for n in valid if ":" not in n], n=1, cutoff=0.7
        )
        if close_qualifier and close_base:
            return valid[f"{close_qualifier[0]}:{close_base[0]}"]
        return None
    close = difflib.get_close_matches(lowered, [n for n in valid if ":" not in n], n=1, cutoff=0.75)
    return valid[close[0]] if close else None
