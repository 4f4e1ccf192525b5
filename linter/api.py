"""The public Python API: what the CLI, the tests and editor integrations call.

>>> from linter.api import lint_text
>>> [f.rule_id for f in lint_text('{"Statement": []}')]
['GRM001', 'GRM012']
"""

from __future__ import annotations

from collections.abc import Iterable

from linter.engine import Linter
from linter.model import Finding, PolicyType
from linter.pipeline import BaselineSpec
from linter.results import FileResult, LintOptions, RunResult

__all__ = [
    "BaselineSpec",
    "FileResult",
    "LintOptions",
    "Linter",
    "RunResult",
    "lint_paths",
    "lint_text",
]


def lint_text(
    text: str,
    *,
    path: str = "-",
    policy_type: PolicyType | str | None = None,
    options: LintOptions | None = None,
) -> list[Finding]:
    """Lint one policy given as a string; returns its findings sorted by position."""
    return _linter(options, policy_type).lint_text(text, path).findings


def lint_paths(
    paths: Iterable[str],
    *,
    policy_type: PolicyType | str | None = None,
    options: LintOptions | None = None,
    baseline: BaselineSpec | None = None,
    jobs: int = 1,
) -> RunResult:
    """Lint files and directories (recursively); ``-`` reads standard input. The whole
    pipeline of ``iamlint check``: suppressions, unused-suppression reports and a baseline."""
    return _linter(options, policy_type).lint_paths(paths, jobs=jobs, baseline=baseline)


def _linter(options: LintOptions | None, policy_type: PolicyType | str | None) -> Linter:
    from linter.policy_type import parse_policy_type

    options = options or LintOptions()
    if policy_type is not None:
        if isinstance(policy_type, str):
            policy_type = parse_policy_type(policy_type)
        options = options._replace(policy_type=policy_type)
    return Linter(options)
