"""JSON003 json-comment: a comment in a JSON policy."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class JsonComment(DecoderProblemCheck):
    """## What it does
    Reports `//` and `/* */` comments. iamlint reports them and reads on.

    ## Why is this bad?
    JSON has no comments and AWS rejects the policy. Put explanations in the `Sid` or next to the
    file, and suppressions in iamlint's configuration.

    ## Example
    ```json
    {
      // allow reads
      "Version": "2012-10-17", ...
    }
    ```

    ## Use instead
    ```json
    {
      "Version": "2012-10-17",
      "Statement": [{"Sid": "AllowReads", ...}]
    }
    ```

    ## References
    - [RFC 8259](https://www.rfc-editor.org/rfc/rfc8259)
    """

    id = "JSON003"
    name = "json-comment"
    summary = "A comment in a JSON policy."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "comment"
