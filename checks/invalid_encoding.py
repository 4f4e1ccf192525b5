"""JSON005 invalid-encoding: the file is not UTF-8."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class InvalidEncoding(DecoderProblemCheck):
    """## What it does
    Reports bytes that are not valid UTF-8 (at their line and column), and UTF-16/UTF-32 files. A
    UTF-8 byte-order mark is accepted.

    ## Why is this bad?
    IAM policies are UTF-8 JSON; AWS and most tools reject other encodings.

    ## Example
    ```json
    A policy saved as UTF-16 by an editor, or with Latin-1 bytes in a Sid.
    ```

    ## Use instead
    ```json
    Save the file as UTF-8.
    ```

    ## References
    - [RFC 8259 §8.1](https://www.rfc-editor.org/rfc/rfc8259#section-8.1)
    """

    id = "JSON005"
    name = "invalid-encoding"
    summary = "The file is not UTF-8."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "encoding"
