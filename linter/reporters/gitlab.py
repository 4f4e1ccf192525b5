"""GitLab Code Quality report: a JSON array of Code Climate issues (the fields GitLab reads).

Each finding becomes ``{description, check_name, fingerprint, severity, location: {path, lines:
{begin, end}}}``. ``check_name`` is the rule id; ``description`` starts with it, as ruff does.
Severities: error -> ``critical``, warning -> ``major``, note -> ``minor`` (GitLab's scale is
info, minor, major, critical, blocker). ``fingerprint`` hashes the rule id, the path and the
statement fingerprint (not the line) plus a counter for repeats, so it is unique in the report and
survives reformatting. Paths are relative to the repository root (the project directory in a
GitLab job), whatever directory the run started in. No byte order mark: GitLab's parser rejects it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from linter.model import Severity
from linter.reporters import RenderOptions, ci_path
from linter.results import RunResult

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "minor"}


def render(result: RunResult, options: RenderOptions) -> str:
    occurrences: Counter[str] = Counter()
    issues = []
    for finding in result.findings:
        path = ci_path(finding.path, options)
        identity = "\0".join((finding.rule_id, path, finding.statement_fingerprint))
        occurrences[identity] += 1
        digest = hashlib.sha256(f"{identity}\0{occurrences[identity]}".encode()).hexdigest()
        issues.append(
            {
                "description": f"{finding.rule_id}: {finding.message}",
                "check_name": finding.rule_id,
                "fingerprint": digest[:32],
                "severity": SEVERITIES[finding.severity],
                "location": {
                    "path": path,
                    "lines": {"begin": finding.span.line, "end": finding.span.end_line},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
