"""JSON008 file-too-large: the file is larger than the size limit."""

from __future__ import annotations

from linter.check import DecoderProblemCheck
from linter.model import Severity


class FileTooLarge(DecoderProblemCheck):
    """## What it does
    Reports a file larger than the configured limit (10 MiB by default) without reading it further.

    ## Why is this bad?
    The largest policy AWS accepts is a few kilobytes (32 KB for a key policy); a larger file is not
    a policy and reading it would slow every commit.

    ## Example
    ```json
    A 50 MB JSON export committed next to the policies.
    ```

    ## Use instead
    ```json
    Exclude the file (`exclude` in the configuration) or raise `max-file-size`.
    ```

    ## References
    - [IAM and STS
      quotas](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    """

    id = "JSON008"
    name = "file-too-large"
    summary = "The file is larger than the size limit."
    severity = Severity.ERROR
    tags = ("json", "syntax")
    problem_code = "too-large"
