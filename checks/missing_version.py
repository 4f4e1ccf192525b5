"""GRM001 missing-version: the policy has no Version element."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy

if TYPE_CHECKING:
    from linter.fixes import Fix


class MissingVersion(Check):
    """## What it does
    Reports a policy without a top-level `Version` element.

    ## Why is this bad?
    Without `Version`, IAM evaluates the policy with the 2008-10-17 language rules, in which
    policy variables such as `${aws:username}` are plain text: a resource like
    `arn:aws:s3:::bucket/${aws:username}/*` then matches nothing. Access Analyzer reports
    `MISSING_VERSION`.

    ## Example
    ```json
    {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    ```

    ## References
    - [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
    - Access Analyzer `MISSING_VERSION`; parliament `NO_VERSION`
    """

    id = "GRM001"
    name = "missing-version"
    summary = "The policy has no Version element."
    severity = Severity.WARNING
    tags = ("grammar",)

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        if "Version" in policy.data:
            return
        anchor = next((k for k in policy.data if k.lower() == "statement"), None)
        yield Report(
            (anchor,) if anchor else (),
            'the policy has no "Version": IAM applies the 2008-10-17 rules, in which policy '
            'variables are not substituted; add "Version": "2012-10-17"',
            key=anchor is not None,
            fix=_version_fix(policy),
        )


def _version_fix(policy: Policy) -> Fix | None:
    """Adding the Version is safe unless the policy holds ``${``: IAM would then start to
    substitute what it now reads as text (and then a policy variable changes meaning)."""
    import json

    from linter.sources import contains_unknown

    data = policy.data
    if not data or any(isinstance(k, str) and k.lower() == "version" for k in data):
        return None
    if contains_unknown(data) or "${" in json.dumps(data, default=str):
        return None
    from linter.fixes import Fix, InsertMember

    return Fix.safe('Add "Version": "2012-10-17"', InsertMember((), "Version", "2012-10-17"))
