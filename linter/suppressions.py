"""Suppressions from configuration, and the report of the ones that no longer match anything.

JSON has no comments, so a finding is suppressed from outside the policy: a
``[[tool.iamlint.suppress]]`` entry names a path glob, a rule (id, prefix, name or tag), optionally
a statement ``sid``, and a required ``reason``. The engine moves matching findings from
``FileResult.findings`` to ``FileResult.suppressed``; a baseline does the same with its own
``source``.

An entry is *unused* when it was in force this run (its rule was selected and a file matching its
path was checked) and hid nothing. Those are reported as ``SUP001`` at the entry in the config
file, like ruff's ``RUF100 unused-noqa``. An entry whose files were not part of the run (a
pre-commit run over a few changed files) is not reported: nothing can be said about it.
``per-file-ignores`` are not checked this way, because the engine does not run an ignored rule on
the file at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from linter.discovery import matches_any
from linter.model import Finding, JsonPath
from linter.results import (  # noqa: F401  (Suppression, SuppressedFinding: re-exported)
    SOURCE_BASELINE,
    SOURCE_CONFIG,
    FileResult,
    LintOptions,
    SuppressedFinding,
    Suppression,
    text_fingerprint,
)

if TYPE_CHECKING:
    from linter.check import Check
    from linter.rule_index import RuleInfo

UNUSED_SUPPRESSION_ID = "SUP001"
CHECKED_STATUSES = ("linted", "undecodable")


def statement_sid(document: Any, path: JsonPath) -> str | None:
    """The Sid of the statement that ``path`` (relative to the policy document) points into."""
    if not isinstance(document, dict) or not path or not isinstance(path[0], str):
        return None
    statements = document.get(path[0])
    if path[0].lower() != "statement" or statements is None:
        return None
    statement = statements
    if isinstance(statements, list):
        if len(path) < 2 or not isinstance(path[1], int) or path[1] >= len(statements):
            return None
        statement = statements[path[1]]
    if isinstance(statement, dict) and isinstance(statement.get("Sid"), str):
        return statement["Sid"]
    return None


def rule_matches(
    selector: str, rule_id: str, rules_by_id: Mapping[str, type[Check] | RuleInfo]
) -> bool:
    """Whether a suppression's ``rule`` (id, id prefix, name, tag or ALL) covers ``rule_id``."""
    from linter.selection import is_selected

    rule = rules_by_id.get(rule_id)
    if rule is None:
        return rule_id.upper().startswith(selector.upper())
    return is_selected(rule, (selector,), ())


def split_suppressed(
    findings: Sequence[Finding],
    path: str,
    document: Any,
    prefix: JsonPath,
    suppressions: Sequence[Suppression],
    rules_by_id: Mapping[str, type[Check] | RuleInfo],
) -> tuple[list[Finding], list[SuppressedFinding]]:
    """Separate the findings of one file that a suppression covers; the first match is credited."""
    applicable = [s for s in suppressions if matches_any(path, (s.path,))]
    if not applicable:
        return list(findings), []
    kept: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    for finding in findings:
        relative = (
            finding.json_path[len(prefix) :] if finding.json_path[: len(prefix)] == prefix else ()
        )
        sid = statement_sid(document, relative) if finding.json_path else None
        entry = next(
            (
                s
                for s in applicable
                if rule_matches(s.rule, finding.rule_id, rules_by_id)
                and (s.sid is None or s.sid == sid)
            ),
            None,
        )
        if entry is None:
            kept.append(finding)
        else:
            origin = f"{entry.origin}:{entry.span.line}" if entry.origin else ""
            suppressed.append(
                SuppressedFinding(finding, entry.reason, SOURCE_CONFIG, origin, entry)
            )
    return kept, suppressed


def unused_suppression_results(
    files: Sequence[FileResult], options: LintOptions, rules: Iterable[type[Check] | RuleInfo]
) -> list[FileResult]:
    """``SUP001`` findings for entries in force this run that hid nothing, one result per file.

    Like the engine's INT001 and IO001, SUP001 is reported whatever ``select`` says, unless an
    ``ignore`` entry names it: a ``--select`` for one rule must not hide stale suppressions.
    """
    from linter.registry import RULE_INFO_BY_ID
    from linter.selection import is_selected

    rules = tuple(rules)
    reporter = RULE_INFO_BY_ID[UNUSED_SUPPRESSION_ID]
    if not is_selected(reporter, (), options.ignore):
        return []
    suppressions = options.suppressions
    severity_overrides = options.severity_overrides
    used = {s.suppression for f in files for s in f.suppressed if s.suppression is not None}
    checked = [f.path for f in files if f.status in CHECKED_STATUSES]
    unchecked: dict[str, list[str]] = {}  # project directory -> its policy files not checked
    by_origin: dict[str, list[Finding]] = {}
    for entry in suppressions:
        if entry in used:
            continue
        if not any(is_selected(rule, (entry.rule,), ()) for rule in rules):
            continue
        in_scope = [p for p in checked if matches_any(p, (entry.path,))]
        if not in_scope:
            continue
        if _unchecked_match(entry, checked, options, unchecked):
            continue  # a file this run did not check may hold what it hides (pre-commit)
        files_word = "file" if len(in_scope) == 1 else "files"
        message = (
            f"unused suppression: {entry.describe()} matched no finding in the "
            f"{len(in_scope)} {files_word} checked; remove it"
        )
        severity = severity_overrides.get(reporter.id) or reporter.severity
        by_origin.setdefault(entry.origin, []).append(
            Finding(
                path=entry.origin,
                span=entry.span,
                rule_id=reporter.id,
                message=message,
                severity=severity,
                statement_fingerprint=_entry_fingerprint(entry),
            )
        )
    return [
        FileResult(origin, "config", sorted(found, key=Finding.sort_key))
        for origin, found in sorted(by_origin.items())
    ]


def _unchecked_match(
    entry: Suppression, checked: list[str], options: LintOptions, unchecked: dict[str, list[str]]
) -> bool:
    """Whether a file under the entry's project directory (where its configuration file is)
    that the entry's path matches was not checked in this run: a run on some files (a
    pre-commit hook passing the changed ones) cannot tell that the entry hides nothing. Each
    directory is walked once, like ``iamlint check DIR`` (includes, excludes, .gitignore);
    ``unchecked`` keeps, per directory, its files this run did not check."""
    import os

    from linter.discovery import InputFile, discover

    origin = entry.origin
    root = os.path.dirname(os.path.abspath(origin)) if os.path.isfile(origin) else os.getcwd()
    if root not in unchecked:
        seen = {os.path.abspath(path) for path in checked}
        found = discover([root], include=options.include, exclude=options.exclude)
        unchecked[root] = [
            os.path.relpath(item.path, root)
            for item in found
            if isinstance(item, InputFile) and os.path.abspath(item.path) not in seen
        ]
    return any(matches_any(relative, (entry.path,)) for relative in unchecked[root])


def _entry_fingerprint(entry: Suppression) -> str:
    return text_fingerprint(entry.path, entry.rule, entry.sid or "", entry.reason)


def all_suppressed(files: Iterable[FileResult]) -> list[SuppressedFinding]:
    """Every suppressed finding of a run, in report order."""
    found = [s for f in files for s in f.suppressed]
    found.sort(key=lambda s: s.finding.sort_key())
    return found
