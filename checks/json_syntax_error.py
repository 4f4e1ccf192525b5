"""JSON001 invalid-json: the file is not valid JSON."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class InvalidJson(DecoderProblemCheck):
    """## What it does
    Reports JSON syntax errors at the exact character, saying what was expected there.

    ## Why is this bad?
    AWS rejects a policy that is not valid JSON (Access Analyzer: `JSON_SYNTAX_ERROR`); nothing else
    in the file can be checked until it parses.

    ## Example
    ```json
    {"Version": "2012-10-17" "Statement": []}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": []}
    ```

    ## References
    - [RFC 8259](https://www.rfc-editor.org/rfc/rfc8259)
    - Access Analyzer `JSON_SYNTAX_ERROR`
    """

    id = "JSON001"
    name = "invalid-json"
    summary = "The file is not valid JSON."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "syntax"
