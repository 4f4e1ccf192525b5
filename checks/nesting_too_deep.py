"""JSON007 nesting-too-deep: jSON nested deeper than the limit."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class NestingTooDeep(DecoderProblemCheck):
    """## What it does
    Reports the bracket at which the document becomes deeper than the nesting limit (64 by default).
    A policy needs about six levels.

    ## Why is this bad?
    Such a file is not a policy and may be built to exhaust a parser (parliament fails with
    RecursionError at about 500 levels); iamlint stops reading it there.

    ## Example
    ```json
    [[[[[[[[ ... 100,000 levels ... ]]]]]]]]
    ```

    ## Use instead
    ```json
    A policy document: an object with Version and Statement.
    ```

    ## References
    - [Policy
      grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    """

    id = "JSON007"
    name = "nesting-too-deep"
    summary = "JSON nested deeper than the limit."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "too-deep"
