"""JSON009 empty-document: the file is empty."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class EmptyDocument(DecoderProblemCheck):
    """## What it does
    Reports a file that is empty or holds only whitespace.

    ## Why is this bad?
    An empty policy file is a mistake (a failed export or a truncated write); AWS rejects it.

    ## Example
    ```json
    (an empty file)
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [...]}
    ```

    ## References
    - [Policy
      grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    """

    id = "JSON009"
    name = "empty-document"
    summary = "The file is empty."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "empty"
