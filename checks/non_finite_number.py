"""JSON006 non-finite-number: naN or Infinity in JSON."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class NonFiniteNumber(DecoderProblemCheck):
    """## What it does
    Reports `NaN`, `Infinity` and `-Infinity`, which Python's json module accepts but JSON does not.

    ## Why is this bad?
    They are not JSON; AWS rejects the policy.

    ## Example
    ```json
    "Condition": {"NumericLessThan": {"s3:max-keys": Infinity}}
    ```

    ## Use instead
    ```json
    "Condition": {"NumericLessThan": {"s3:max-keys": "1000"}}
    ```

    ## References
    - [RFC 8259 §6](https://www.rfc-editor.org/rfc/rfc8259#section-6)
    """

    id = "JSON006"
    name = "non-finite-number"
    summary = "NaN or Infinity in JSON."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "non-finite-number"
