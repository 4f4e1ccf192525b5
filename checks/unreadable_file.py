"""IO001 unreadable-file: an input could not be read (reported by the engine)."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class UnreadableFile(Check):
    """## What it does
    Marks an input path that could not be read: missing, permission denied, a broken symbolic
    link, a symbolic link loop, or a directory that could not be listed. The run goes on with
    the other files and exits with status 2, because its result is incomplete.

    ## Why is this bad?
    A policy that was not read was not checked. In CI that must not look like a clean run.

    ## Example
    ```text
    policies/admin.json:1:1: IO001 cannot read policies/admin.json: Permission denied
    ```

    ## Use instead
    Fix the path or the permissions, or exclude the path in the configuration.

    ## References
    - SARIF 2.1.0 `toolExecutionNotifications`
    """

    id = "IO001"
    name = "unreadable-file"
    summary = "An input could not be read."
    severity = Severity.ERROR
    tags = ("internal",)
    engine_reported = True

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        return iter(())
