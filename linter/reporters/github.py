"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

Format (GitHub "Workflow commands"):
``::error file=F,line=L,col=C,endLine=E,endColumn=X,title=T::M``.
Messages escape ``%``, CR and LF (``%25``, ``%0D``, ``%0A``); property values also escape ``:`` and
``,`` (``%3A``, ``%2C``), as ``actions/toolkit`` does. ``col``/``endColumn`` are given only for
single-line spans (GitHub's columns are meaningful within one line; ruff does the same); the
end column stays exclusive, as in every iamlint format. Note-level findings become ``::notice``.

``file`` is relative to the repository root (``RenderOptions.root``), whatever directory the run
started in: GitHub maps annotations by repository path. The message repeats
``path:line:col: ID`` so the job log reads like the text format. GitHub keeps at most 10
annotations of each level per step and drops the rest silently, so when a level exceeds that, a
``::notice`` is emitted first (while it still fits) saying how many there are; the output always
ends with a plain one-line summary of the totals.
"""

from __future__ import annotations

from collections import Counter

from linter.model import Finding, Severity
from linter.reporters import RenderOptions, ci_path
from linter.results import RunResult

ANNOTATION_LIMIT = 10
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
CHECKED_STATUSES = ("linted", "undecodable")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, options: RenderOptions) -> str:
    from linter.registry import RULE_INFO_BY_ID

    names = {
        **{r.id: r.name for r in RULE_INFO_BY_ID.values()},
        **{r.id: r.name for r in result.rules},
    }
    findings = result.findings
    counts = Counter(f.severity for f in findings)
    lines: list[str] = []
    over = [s for s in Severity if counts[s] > ANNOTATION_LIMIT]
    if over:
        parts = ", ".join(_count(counts[s], s) for s in over)
        lines.append(
            "::notice title=iamlint::"
            + escape_data(
                f"{parts}: GitHub shows only the first {ANNOTATION_LIMIT} annotations of each "
                "level per step; every finding is in this log"
            )
        )
    lines.extend(_annotation(f, names.get(f.rule_id), options) for f in findings)
    lines.append(_summary(result, findings, counts))
    return "\n".join(lines) + "\n"


def _annotation(finding: Finding, name: str | None, options: RenderOptions) -> str:
    span = finding.span
    path = ci_path(finding.path, options)
    properties = [("file", path), ("line", str(span.line))]
    if span.line == span.end_line:
        properties.append(("col", str(span.column)))
    properties.append(("endLine", str(span.end_line)))
    if span.line == span.end_line:
        properties.append(("endColumn", str(span.end_column)))
    title = f"iamlint {finding.rule_id}" + (f" ({name})" if name else "")
    properties.append(("title", title))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = f"{path}:{span.line}:{span.column}: {finding.rule_id} {finding.message}"
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def _count(number: int, severity: Severity) -> str:
    return f"{number} {severity.value}{'' if number == 1 else 's'}"


def _summary(result: RunResult, findings: list[Finding], counts: Counter) -> str:
    checked = sum(1 for f in result.files if f.status in CHECKED_STATUSES)
    files = f"{checked} file{'' if checked == 1 else 's'} checked"
    if not findings:
        return f"iamlint: no problems found ({files})."
    parts = ", ".join(_count(counts[s], s) for s in Severity if counts[s])
    total = len(findings)
    return f"iamlint: {total} problem{'' if total == 1 else 's'} ({parts}) in {files}."
