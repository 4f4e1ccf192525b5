"""INT001 internal-error: a rule crashed on this file (reported by the engine)."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class InternalError(Check):
    """## What it does
    Marks a file on which one of iamlint's rules raised an exception. The engine reports it in
    place of that rule's findings; the other rules and files still run, and SARIF output
    records it as a tool execution notification.

    ## Why is this bad?
    It is a bug in iamlint, not in your policy; but the crashed rule's checks did not happen
    for this file, so the result is incomplete.

    ## Example
    ```text
    policy.json:1:1: INT001 rule KMS001 (...) crashed: KeyError: ...
    ```

    ## Use instead
    Report it with the file (or a minimal policy that reproduces it). Until it is fixed,
    `--ignore` the crashing rule for that file in the configuration.

    ## References
    - cfn-lint E0002 (rule crash reported as a finding)
    """

    id = "INT001"
    name = "internal-error"
    summary = "A rule crashed on this file."
    severity = Severity.ERROR
    tags = ("internal",)
    engine_reported = True

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        return iter(())
