"""Machine-readable JSON output; the schema is versioned and documented in docs/json-output.md."""

from __future__ import annotations

import json

from linter.engine import RunResult
from linter.reporters import RenderOptions

SCHEMA_VERSION = 1


def render(result: RunResult, options: RenderOptions) -> str:
    rules = {rule.id: rule for rule in result.rules}
    findings = []
    for finding in result.findings:
        rule = rules.get(finding.rule_id)
        findings.append(
            {
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
                "fingerprint": finding.statement_fingerprint,
            }
        )
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
            }
            for f in result.files
        ],
        "findings": findings,
        "execution_successful": result.execution_successful,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
