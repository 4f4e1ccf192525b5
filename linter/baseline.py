"""Baselines: record today's findings, then report only new ones.

An entry is keyed by rule id, file path (relative to the baseline file's directory, forward
slashes), the finding's statement fingerprint (the statement's Sid, or its canonical JSON when it
has none, plus the path inside the statement: see ``linter.results.statement_fingerprint``) and a
normalised element (the JSON path with list indices dropped, e.g. ``Statement[].Action[]``). Line
numbers are not part of the key, so reformatting a file or moving a statement does not bring old
findings back. ``count`` says how many findings share the key; matching takes at most that many.

Entries that match nothing any more are *stale*: the finding was fixed (or its statement changed).
They are reported in the summary; ``--write-baseline`` drops them.

Findings of engine-reported rules (``INT001``, ``IO001``, ``SUP001``) are never baselined: they
describe the run, not the policies.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence

from linter.model import Finding, JsonPath
from linter.results import (
    SOURCE_BASELINE,
    BaselineEntry,
    BaselineOutcome,
    RunResult,
    SuppressedFinding,
)

BASELINE_VERSION = 1
BASELINE_REASON = "recorded in the baseline"


class BaselineError(Exception):
    """The baseline file cannot be read or is not an iamlint baseline."""


def normalised_element(json_path: JsonPath) -> str:
    """``("Statement", 0, "Action", 2)`` -> ``Statement[].Action[]``; ``()`` -> ``(document)``."""
    text = ""
    for part in json_path:
        if isinstance(part, int):
            text += "[]"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text or "(document)"


def baseline_path_of(finding_path: str, base_dir: str) -> str:
    """The path written in the baseline: relative to ``base_dir`` with forward slashes."""
    if finding_path == "-":
        return finding_path
    relative = os.path.relpath(os.path.abspath(finding_path), os.path.abspath(base_dir))
    return relative.replace(os.sep, "/")


def _key(finding: Finding, base_dir: str) -> tuple[str, str, str, str]:
    return (
        finding.rule_id,
        baseline_path_of(finding.path, base_dir),
        finding.statement_fingerprint,
        normalised_element(finding.json_path),
    )


def _is_baselinable(finding: Finding) -> bool:
    from linter.registry import RULE_INFO_BY_ID

    rule = RULE_INFO_BY_ID.get(finding.rule_id)
    return rule is None or not rule.engine_reported


def entries_for(findings: Iterable[Finding], base_dir: str) -> list[BaselineEntry]:
    """Baseline entries for ``findings``, merged by key and sorted."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    messages: dict[tuple[str, str, str, str], str] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        if not _is_baselinable(finding):
            continue
        key = _key(finding, base_dir)
        counts[key] += 1
        messages.setdefault(key, finding.message)
    return [BaselineEntry(*key, count=counts[key], message=messages[key]) for key in sorted(counts)]


def render_baseline(entries: Sequence[BaselineEntry]) -> str:
    """The baseline file's text: versioned, sorted, stable across runs (no dates)."""
    document = {
        "version": BASELINE_VERSION,
        "tool": "iamlint",
        "entries": [
            {
                "rule": e.rule,
                "path": e.path,
                "fingerprint": e.fingerprint,
                "element": e.element,
                "count": e.count,
                "message": e.message,
            }
            for e in sorted(entries, key=lambda e: (e.path, e.rule, e.element, e.fingerprint))
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_baseline(text: str, source: str) -> list[BaselineEntry]:
    """Read a baseline file's text; BaselineError names ``source`` and the problem."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise BaselineError(f"{source}: not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("tool") != "iamlint":
        raise BaselineError(f'{source}: not an iamlint baseline (no "tool": "iamlint")')
    if document.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{source}: baseline version {document.get('version')!r} is not supported "
            f"(this iamlint reads version {BASELINE_VERSION}); rewrite it with --write-baseline"
        )
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise BaselineError(f'{source}: "entries" must be a list')
    entries = []
    for index, raw in enumerate(raw_entries):
        fields = ("rule", "path", "fingerprint", "element")
        if not isinstance(raw, dict) or not all(isinstance(raw.get(f), str) for f in fields):
            raise BaselineError(f"{source}: entry {index} lacks one of {', '.join(fields)}")
        count = raw.get("count", 1)
        if type(count) is not int or count < 1:
            raise BaselineError(f'{source}: entry {index}: "count" must be a positive integer')
        entries.append(
            BaselineEntry(
                raw["rule"],
                raw["path"],
                raw["fingerprint"],
                raw["element"],
                count,
                str(raw.get("message", "")),
            )
        )
    return entries


def apply_baseline(
    result: RunResult, entries: Sequence[BaselineEntry], source: str, base_dir: str
) -> RunResult:
    """A copy of ``result`` with baselined findings moved to ``suppressed``, and the outcome."""
    remaining: Counter[tuple[str, str, str, str]] = Counter()
    for entry in entries:
        remaining[entry.key] += entry.count
    matched = 0
    files = []
    for file_result in result.files:
        kept: list[Finding] = []
        hidden: list[SuppressedFinding] = []
        for finding in file_result.findings:
            key = _key(finding, base_dir)
            if remaining[key] > 0 and _is_baselinable(finding):
                remaining[key] -= 1
                hidden.append(SuppressedFinding(finding, BASELINE_REASON, SOURCE_BASELINE, source))
            else:
                kept.append(finding)
        matched += len(hidden)
        files.append(
            file_result.replace(findings=kept, suppressed=[*file_result.suppressed, *hidden])
        )
    by_key = {entry.key: entry for entry in entries}
    checked = {
        baseline_path_of(f.path, base_dir)
        for f in result.files
        if f.status in ("linted", "undecodable", "not-a-policy")
    }
    stale = tuple(
        by_key[key]._replace(count=count)
        for key, count in sorted(remaining.items())
        if count > 0 and _says_something(key[1], checked, base_dir)
    )
    return result.replace(files=files, baseline=BaselineOutcome(source, matched, stale))


def _says_something(path: str, checked: set[str], base_dir: str) -> bool:
    """An unmatched entry is stale when its file was checked this run or no longer exists.

    A partial run (pre-commit passes only the changed files) says nothing about the others.
    """
    return path in checked or not os.path.exists(os.path.join(base_dir, path))
