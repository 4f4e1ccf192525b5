"""Human-readable output: ``path:line:col: ID message``, the source line and a caret underline."""

from __future__ import annotations

from collections import Counter

from linter.model import Finding, Severity, source_lines
from linter.reporters import RenderOptions
from linter.results import RunResult

_COLORS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.NOTE: "\033[36m",
}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def render(result: RunResult, options: RenderOptions) -> str:
    lines: list[str] = []
    findings = result.findings
    sources: dict[str, list[str]] = {}
    for finding in findings:
        lines.append(_headline(finding, options.color))
        if options.show_source and not options.quiet:
            if finding.path not in sources:
                text = result.source_text(finding.path) or ""
                sources[finding.path] = source_lines(text)
            lines.extend(_excerpt(finding, sources[finding.path], options.color))
    if not options.quiet:
        lines.append(_summary(findings, result))
    return "\n".join(lines) + ("\n" if lines else "")


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _headline(finding: Finding, color: bool) -> str:
    location = f"{finding.path}:{finding.span.line}:{finding.span.column}:"
    rule = _paint(finding.rule_id, _BOLD + _COLORS[finding.severity], color)
    level = _paint(f"[{finding.severity.value}]", _COLORS[finding.severity], color)
    where = f" [{finding.source}]" if finding.source else ""
    return f"{_paint(location, _BOLD, color)} {rule} {level} {finding.message}{where}"


def _excerpt(finding: Finding, source_lines: list[str], color: bool) -> list[str]:
    span = finding.span
    if not 1 <= span.line <= len(source_lines):
        return []
    line_text = source_lines[span.line - 1].replace("\t", " ")
    if len(line_text) > 200:
        return []
    end = span.end_column if span.end_line == span.line else len(line_text) + 1
    width = max(1, end - span.column)
    number = str(span.line)
    gutter = " " * len(number)
    caret = " " * (span.column - 1) + "^" * width
    return [
        _paint(f"{gutter} |", _DIM, color),
        _paint(f"{number} |", _DIM, color) + f" {line_text}",
        _paint(f"{gutter} |", _DIM, color) + " " + _paint(caret, _COLORS[finding.severity], color),
    ]


def _summary(findings: list[Finding], result: RunResult) -> str:
    checked = sum(1 for f in result.files if f.status in ("linted", "undecodable"))
    files_word = "file" if checked == 1 else "files"
    if not findings:
        return f"All checks passed ({checked} {files_word} checked)."
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
    total = len(findings)
    problem_word = "problem" if total == 1 else "problems"
    return f"Found {total} {problem_word} ({', '.join(parts)}) in {checked} {files_word} checked."
