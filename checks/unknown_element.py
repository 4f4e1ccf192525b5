"""GRM011 unknown-element: a policy or statement element IAM does not know."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy

if TYPE_CHECKING:
    from linter.fixes import Fix

POLICY_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)


class UnknownElement(Check):
    """## What it does
    Reports a top-level key other than `Version`, `Id`, `Statement`, and a statement key other
    than `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`,
    `NotResource`, `Condition`; a wrong letter case gets a "did you mean".

    ## Why is this bad?
    AWS rejects the policy. A misspelt `Condition` (`"Conditions"`, `"condition"`) is worse
    than a typo: a reader believes the statement is constrained when the constraint is not
    part of the policy at all.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
     "Conditions": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
    ```

    ## References
    - [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    - Access Analyzer `INVALID_POLICY_ELEMENT`
    """

    id = "GRM011"
    name = "unknown-element"
    summary = "A policy or statement element IAM does not know."
    severity = Severity.ERROR
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for name in policy.data:
            if name not in POLICY_ELEMENTS:
                yield Report(
                    (name,),
                    _message(name, POLICY_ELEMENTS, "policy"),
                    key=True,
                    fix=_rename((name,), _hint(name, POLICY_ELEMENTS)),
                )
        for statement in policy.statements:
            for name in statement.data:
                if name not in STATEMENT_ELEMENTS:
                    yield Report(
                        (*statement.path, name),
                        _message(name, STATEMENT_ELEMENTS, "statement"),
                        key=True,
                        fix=_rename((*statement.path, name), _hint(name, STATEMENT_ELEMENTS)),
                    )


def _rename(path: tuple, hint: str | None) -> Fix | None:
    from linter.fixes import Fix, ReplaceKey

    return Fix.unsafe(f'Write "{hint}"', ReplaceKey(path, hint)) if hint else None


def _hint(name: str, known: tuple[str, ...]) -> str | None:
    import difflib

    by_case = {k.lower(): k for k in known}
    hint = by_case.get(name.lower())
    if hint is None:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        hint = close[0] if close else None
    return hint


def _message(name: str, known: tuple[str, ...], where: str) -> str:
    hint = _hint(name, known)
    suggestion = f'; did you mean "{hint}"?' if hint else ""
    return f'"{name}" is not a {where} element{suggestion}'
