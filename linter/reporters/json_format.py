"""Machine-readable JSON output; the schema is versioned and documented in docs/json-output.md.

``schema_version`` changes only when a field is removed or changes meaning; new fields may be
added within a version.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from linter.model import Finding, Severity
from linter.reporters import RenderOptions
from linter.results import RunResult
from linter.suppressions import SuppressedFinding, all_suppressed

SCHEMA_VERSION = 1
CHECKED_STATUSES = ("linted", "undecodable")


def render(result: RunResult, options: RenderOptions) -> str:
    from linter.registry import RULE_INFO_BY_ID
    from linter.rule_docs import help_uri

    rules = {**RULE_INFO_BY_ID, **{rule.id: rule for rule in result.rules}}

    def finding_object(finding: Finding) -> dict[str, Any]:
        rule = rules.get(finding.rule_id)
        return {
            "path": finding.path,
            "line": finding.span.line,
            "column": finding.span.column,
            "end_line": finding.span.end_line,
            "end_column": finding.span.end_column,
            "rule": finding.rule_id,
            "name": rule.name if rule else finding.rule_id.lower(),
            "severity": finding.severity.value,
            "message": finding.message,
            "json_path": list(finding.json_path),
            "source": finding.source,
            "fingerprint": finding.statement_fingerprint,
            "help_uri": help_uri(rule) if rule else None,
            "fix": finding.fix.as_json() if finding.fix is not None else None,
        }

    def suppressed_object(entry: SuppressedFinding) -> dict[str, Any]:
        return {
            **finding_object(entry.finding),
            "suppression": {
                "source": entry.source,
                "reason": entry.reason,
                "origin": entry.origin,
            },
        }

    findings = result.findings
    suppressed = all_suppressed(result.files)
    counts = Counter(f.severity for f in findings)
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {
            "name": "iamlint",
            "version": options.tool_version,
            "catalog_as_of": options.catalog_as_of,
        },
        "files": [
            {
                "path": f.path,
                "status": f.status,
                "policy_type": f.policy_type.value if f.policy_type else None,
                "format": f.input_format,
                "sources": [
                    {
                        "label": source.label,
                        "policy_type": source.policy_type.value if source.policy_type else None,
                        "type_reason": source.type_reason,
                        "wrapper": source.wrapper,
                    }
                    for source in f.sources
                ],
            }
            for f in result.files
        ],
        "findings": [finding_object(f) for f in findings],
        "suppressed": [suppressed_object(s) for s in suppressed],
        "summary": {
            "files_checked": sum(1 for f in result.files if f.status in CHECKED_STATUSES),
            "findings": len(findings),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "notes": counts[Severity.NOTE],
            "suppressed": len(suppressed),
        },
        "baseline": _baseline_object(result),
        "notifications": [
            {"path": f.path, "message": message}
            for f in result.files
            for message in f.notifications
        ],
        "execution_successful": result.execution_successful,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _baseline_object(result: RunResult) -> dict[str, Any] | None:
    outcome = result.baseline
    if outcome is None:
        return None
    return {
        "path": outcome.path,
        "matched": outcome.matched,
        "stale": [
            {
                "rule": e.rule,
                "path": e.path,
                "fingerprint": e.fingerprint,
                "element": e.element,
                "count": e.count,
                "message": e.message,
            }
            for e in outcome.stale
        ],
    }
