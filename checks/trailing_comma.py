"""JSON002 trailing-comma: a comma before a closing bracket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.check import DecoderProblemCheck, Report
from linter.model import Severity

if TYPE_CHECKING:
    from linter.context import Context
    from linter.policy import Policy


class TrailingComma(DecoderProblemCheck):
    """## What it does
    Reports a comma directly before `]` or `}`. iamlint reports it and reads on, so the rest of the
    file is still checked.

    ## Why is this bad?
    JSON has no trailing commas and AWS rejects the policy. AWS's own Transcribe confused-deputy
    example has one after `"sts:AssumeRole"`; parliament accepts it silently
    (duo-labs/parliament#248).

    ## Example
    ```json
    "Action": [
        "sts:AssumeRole",
    ]
    ```

    ## Use instead
    ```json
    "Action": [
        "sts:AssumeRole"
    ]
    ```

    ## References
    - [RFC 8259](https://www.rfc-editor.org/rfc/rfc8259)
    - [Transcribe confused deputy
      prevention](https://docs.aws.amazon.com/transcribe/latest/dg/security-iam-confused-deputy.html)
    """

    id = "JSON002"
    name = "trailing-comma"
    summary = "A comma before a closing bracket."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "trailing-comma"

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for problem in policy.problems:
            if problem.code == self.problem_code:
                from linter.fixes import Fix, ReplaceSpan

                yield Report(
                    (),
                    problem.message,
                    span=problem.span,
                    fix=Fix.safe("Remove the trailing comma", ReplaceSpan(problem.span, ",", "")),
                )
