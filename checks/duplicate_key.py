"""JSON004 duplicate-key: the same key twice in one JSON object."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class DuplicateKey(DecoderProblemCheck):
    """## What it does
    Reports an object key that appears more than once in the same object, at the later occurrence.

    ## Why is this bad?
    AWS keeps only one of the values without telling you: a second `Condition` or `Resource`
    silently replaces the first, and the policy grants something other than what the reviewer read.

    ## Example
    ```json
    {"Effect": "Allow", "Resource": "arn:aws:s3:::a/*", "Action": "s3:GetObject", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::a/*"]}
    ```

    ## References
    - [RFC 8259 §4](https://www.rfc-editor.org/rfc/rfc8259#section-4): names within an object should
      be unique
    - cfn-lint's duplicate-key check
    """

    id = "JSON004"
    name = "duplicate-key"
    summary = "The same key twice in one JSON object."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "duplicate-key"
