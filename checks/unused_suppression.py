"""SUP001 unused-suppression: a configured suppression hid nothing (reported by the engine)."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class UnusedSuppression(Check):
    """## What it does
    Reports a `[[tool.iamlint.suppress]]` entry that was in force in this run and matched no
    finding: its rule was selected and at least one file matching its `path` was checked, but
    no finding of that rule (in the statement with that `sid`, when one is given) was there to
    hide. The finding points at the entry's `[[tool.iamlint.suppress]]` header in the
    configuration file (line 1, column 1 when the entry's line cannot be found, for example in
    an inline array). Entries whose files were not part of the run are not reported, so a
    pre-commit run over a few changed files stays quiet.

    ## Why is this bad?
    A suppression outlives the finding it was written for: the policy was fixed, the statement
    renamed or the file moved. Left in place, it silently hides the next real problem that
    matches it.

    ## Example
    ```toml
    [[tool.iamlint.suppress]]
    path = "policies/legacy-*.json"
    rule = "GRM003"
    reason = "legacy policies are migrated in Q3"
    ```
    after every legacy policy moved to `"Version": "2012-10-17"`.

    ## Use instead
    Delete the entry, or narrow `path`, `rule` or `sid` to what still needs it.

    ## References
    - ruff `RUF100 unused-noqa`
    - [iamlint configuration: suppressions](https://github.com/iamlint/iamlint/blob/main/docs/configuration.md#suppressions)
    """

    id = "SUP001"
    name = "unused-suppression"
    summary = "A configured suppression matched no finding."
    severity = Severity.WARNING
    tags = ("config",)
    engine_reported = True

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        return iter(())
