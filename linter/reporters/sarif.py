"""SARIF 2.1.0 for GitHub code scanning and SARIF viewers (VS Code, Visual Studio).

Choices, with the conventions they follow (../shared/docs/conventions.md §1):

* One run. ``tool.driver.rules`` lists the rules that produced a result in this log, in registry
  order, and ``ruleIndex`` points into it (GitHub needs each result's rule metadata; a rule that
  found nothing adds nothing to an alert, and style.md §10.5 asks for matched rules only).
* Security rules (what a policy grants: least privilege, principals, trust, conditions, ...)
  carry the ``security`` tag and a ``security-severity`` string: on the rule from its level in this
  run (configured severity overrides included), and on each result from that result's own level,
  so a note of a rule whose default is error is not shown as High. Scores: error ``"8.0"``
  (GitHub: high), warning ``"5.5"`` (medium), note ``"2.0"`` (low). Not security rules, and so
  without either (GitHub then shows ``problem.severity``: error, warning, recommendation): the
  families JSON (syntax), GRM (grammar), TPL (templates), SUP (suppressions), INT and IO (the run
  itself), and rules tagged ``style``, ``quota`` or ``redundancy``. A rule tagged ``security``
  is always a security rule. ``precision`` is the rule's ``precision`` attribute when it has one,
  else ``"high"``.
* ``help.text`` and ``help.markdown`` are the rule's docstring; ``helpUri`` its anchor in
  docs/rules.md; ``fullDescription`` its "What it does" section.
* Locations are relative URIs under ``uriBaseId: "%SRCROOT%"``, and ``originalUriBaseIds`` gives
  the absolute ``file:///.../`` of the repository root (with its trailing slash), whatever the
  working directory of the run (``invocations[0].workingDirectory``). A file outside the root gets
  an absolute ``file://`` URI instead.
* In a git work tree, ``versionControlProvenance`` gives the ``origin`` remote's URL (without
  credentials), the commit and the branch, read from ``.git`` (``linter.vcs``), mapped to
  ``%SRCROOT%``.
* GitHub rejects a run of more than 25,000 results. A larger report is refused with
  ``SarifLimitError`` (the CLI exits 2 with the message) instead of being split: since July 2025
  GitHub also rejects several runs of one tool and category in an upload, and splitting across
  categories would move alerts between categories from one commit to the next.
  ``RenderOptions.sarif_max_results`` (``--sarif-max-results``; 0: no limit) changes the limit.
* Regions are 1-based with an exclusive ``endColumn``, counted in code points
  (``columnKind: "unicodeCodePoints"``), exactly the engine's spans.
* ``partialFingerprints["iamlintStatement/v1"]`` hashes the rule id and the finding's statement
  fingerprint (Sid or canonical statement JSON plus the path inside it), with ``:n`` counting
  repeats within a file: it does not change when lines above move or the file is re-indented.
  ``primaryLocationLineHash`` is left to GitHub's upload action, which computes it from the
  file and warns when a log already carries a different value.
* Suppressed and baselined findings are left out (GitHub would show them as open alerts). With
  ``include_suppressed`` every result carries ``suppressions`` (empty when not suppressed; kind
  ``external`` with the reason otherwise), as the spec requires all-or-none.
* A finding with a fix carries ``fixes``: one ``artifactChange`` whose replacements are the
  fix's edits (``deletedRegion`` in code points, ``insertedContent``); the description names
  the fix's applicability (safe or unsafe).
* ``invocations[0]`` holds ``executionSuccessful`` and one ``toolExecutionNotifications`` entry
  per unreadable file or crashed rule, so a partial run is visible.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import urllib.parse
from collections import Counter
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from linter.check import Check
from linter.model import Finding, Severity
from linter.reporters import RenderOptions, relative_path
from linter.results import RunResult
from linter.rule_index import RuleInfo
from linter.suppressions import SOURCE_BASELINE, SuppressedFinding, all_suppressed
from linter.vcs import Provenance

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SOURCE_ROOT_ID = "%SRCROOT%"
FINGERPRINT_KEY = "iamlintStatement/v1"
DEFAULT_PRECISION = "high"
GITHUB_TEXT_LIMIT = 1024
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "2.0"}
PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTE: "recommendation",
}
NOT_SECURITY_FAMILIES = frozenset({"JSON", "GRM", "TPL", "SUP", "INT", "IO"})
NOT_SECURITY_TAGS = frozenset({"style", "quota", "redundancy"})
INTERNAL_ERROR_ID = "INT001"
UNREADABLE_ID = "IO001"


class SarifLimitError(ValueError):
    """The report holds more results than the consumer (GitHub) accepts in one run."""


def is_security_rule(rule_id: str, tags: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether GitHub should count the rule's results as security results (module docstring)."""
    if "security" in tags:
        return True
    family = rule_id.rstrip("0123456789").upper()
    return family not in NOT_SECURITY_FAMILIES and NOT_SECURITY_TAGS.isdisjoint(tags)


def render(result: RunResult, options: RenderOptions) -> str:
    from linter.registry import RULE_INFO_BY_ID

    known_rules = {**RULE_INFO_BY_ID, **{rule.id: rule for rule in result.rules}}
    entries: list[tuple[Finding, SuppressedFinding | None]] = [(f, None) for f in result.findings]
    if options.include_suppressed:
        entries.extend((s.finding, s) for s in all_suppressed(result.files))
        entries.sort(key=lambda entry: entry[0].sort_key())

    rule_order = {rule_id: index for index, rule_id in enumerate(known_rules)}
    used_ids = sorted(
        {f.rule_id for f, _ in entries}, key=lambda r: (rule_order.get(r, 1 << 30), r)
    )
    rule_index = {rule_id: index for index, rule_id in enumerate(used_ids)}
    limit = options.sarif_max_results
    if limit and len(entries) > limit:
        raise SarifLimitError(
            f"the SARIF report would hold {len(entries):,} results; GitHub code scanning "
            f"rejects a run of more than {limit:,}. Narrow the run (--select, --ignore, fewer "
            "paths per upload, each with its own --sarif-category) or hide known findings with "
            "--write-baseline/--baseline; --sarif-max-results 0 lifts the limit for other tools"
        )
    security = {
        rule_id: is_security_rule(rule_id, tuple(getattr(known_rules.get(rule_id), "tags", ())))
        for rule_id in used_ids
    }
    root_uri = _directory_uri(options.root)
    working_uri = _directory_uri(options.working_directory) if options.working_directory else None

    occurrences: Counter[tuple[str, str]] = Counter()
    results = []
    for finding, suppression in entries:
        fingerprint = _fingerprint(finding)
        occurrences[(finding.path, fingerprint)] += 1
        item: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": rule_index[finding.rule_id],
            "level": finding.severity.value,
            "message": {"text": finding.message},
            "locations": [_location(finding, options)],
            "partialFingerprints": {
                FINGERPRINT_KEY: f"{fingerprint}:{occurrences[(finding.path, fingerprint)]}"
            },
        }
        if security[finding.rule_id]:
            item["properties"] = {"security-severity": SECURITY_SEVERITY[finding.severity]}
        if finding.fix is not None:
            item["fixes"] = [_fix(finding, options)]
        if result.baseline is not None:
            baselined = suppression is not None and suppression.source == SOURCE_BASELINE
            item["baselineState"] = "unchanged" if baselined else "new"
        if options.include_suppressed:
            item["suppressions"] = [_suppression(suppression)] if suppression else []
        results.append(item)

    driver: dict[str, Any] = {
        "name": "iamlint",
        "fullName": _full_name(options),
        "version": options.tool_version or "0",
        "semanticVersion": options.tool_version or "0.0.0",
        "informationUri": _project_url(),
        "rules": [_descriptor(r, known_rules.get(r), options) for r in used_ids],
        "properties": {"catalogAsOf": options.catalog_as_of},
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"{options.sarif_category}/"},
        "originalUriBaseIds": {SOURCE_ROOT_ID: {"uri": root_uri} if root_uri else {}},
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(result, options, working_uri or root_uri)],
        "results": results,
    }
    if options.provenance is not None:
        run["versionControlProvenance"] = [_version_control(options.provenance)]
    log = {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _project_url() -> str:
    from linter.rule_docs import PROJECT_URL

    return PROJECT_URL


def _full_name(options: RenderOptions) -> str:
    catalog = f" (IAM catalog as of {options.catalog_as_of})" if options.catalog_as_of else ""
    return f"iamlint {options.tool_version}{catalog}".strip()


def _fingerprint(finding: Finding) -> str:
    identity = f"{finding.rule_id}\0{finding.statement_fingerprint}"
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _is_absolute(path: str) -> bool:
    return path.startswith("/") or (len(path) > 2 and path[1] == ":" and path[2] in "/\\")


def _file_uri(path: str) -> str:
    """An absolute path as a ``file://`` URI (percent-encoded)."""
    if path[1:2] == ":":
        return PureWindowsPath(path).as_uri()
    return PurePosixPath(path).as_uri()


def _directory_uri(root: str) -> str | None:
    """``/home/ci/repo`` -> ``file:///home/ci/repo/`` (the trailing slash SARIF §3.14.14 wants).

    None when ``root`` is not absolute: a reporter cannot resolve it without the file system.
    """
    if not _is_absolute(root):
        return None
    uri = _file_uri(root)
    return uri if uri.endswith("/") else uri + "/"


def _version_control(provenance: Provenance) -> dict[str, Any]:
    details: dict[str, Any] = {"repositoryUri": provenance.repository_uri}
    if provenance.revision_id:
        details["revisionId"] = provenance.revision_id
    if provenance.branch:
        details["branch"] = provenance.branch
    details["mappedTo"] = {"uriBaseId": SOURCE_ROOT_ID}
    return details


def _artifact_location(path: str, options: RenderOptions) -> dict[str, str]:
    root, working_directory = options.root, options.working_directory
    relative = relative_path(path, root, working_directory)
    if relative is not None:
        return {"uri": urllib.parse.quote(relative, safe="/"), "uriBaseId": SOURCE_ROOT_ID}
    path = path.replace("\\", "/")
    base = working_directory or root
    if not _is_absolute(path) and _is_absolute(base):  # e.g. ../other/policy.json
        path = posixpath.normpath(posixpath.join(base.replace("\\", "/"), path))
    if _is_absolute(path):
        return {"uri": _file_uri(path)}
    return {"uri": urllib.parse.quote(path, safe="/")}


def _location(finding: Finding, options: RenderOptions) -> dict[str, Any]:
    span = finding.span
    return {
        "physicalLocation": {
            "artifactLocation": _artifact_location(finding.path, options),
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            },
        }
    }


def _fix(finding: Finding, options: RenderOptions) -> dict[str, Any]:
    """A result's ``fixes`` entry: its edits as replacements in the finding's file (regions in
    code points, like the locations; an insertion has an empty deleted region)."""
    fix = finding.fix
    assert fix is not None
    return {
        "description": {"text": f"{fix.description} ({fix.applicability} fix)"},
        "artifactChanges": [
            {
                "artifactLocation": _artifact_location(finding.path, options),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": edit.span.line,
                            "startColumn": edit.span.column,
                            "endLine": edit.span.end_line,
                            "endColumn": edit.span.end_column,
                        },
                        "insertedContent": {"text": edit.replacement},
                    }
                    for edit in fix.edits
                ],
            }
        ],
    }


def _suppression(entry: SuppressedFinding) -> dict[str, Any]:
    justification = f"{entry.reason} ({entry.origin})" if entry.origin else entry.reason
    return {"kind": "external", "status": "accepted", "justification": justification}


def _descriptor(
    rule_id: str, rule: type[Check] | RuleInfo | None, options: RenderOptions
) -> dict[str, Any]:
    from linter.rule_docs import help_uri

    if rule is None:  # a rule id from outside the registry (tests, plug-ins)
        return {
            "id": rule_id,
            "shortDescription": {"text": rule_id},
            "fullDescription": {"text": rule_id},
            "help": {"text": rule_id},
        }
    level = options.severity_overrides.get(rule.id) or rule.severity
    documentation = rule.documentation()
    what = " ".join(rule.doc_sections().get("What it does", "").split()) or rule.summary
    properties: dict[str, Any]
    if is_security_rule(rule.id, rule.tags):
        tags = ["security", *(t for t in rule.tags if t != "security")]
        properties = {
            "tags": tags[:20],
            "precision": getattr(rule, "precision", DEFAULT_PRECISION),
            "security-severity": SECURITY_SEVERITY[level],
        }
    else:
        properties = {
            "tags": list(rule.tags[:20]),
            "precision": getattr(rule, "precision", DEFAULT_PRECISION),
            "problem.severity": PROBLEM_SEVERITY[level],
        }
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _limit(rule.summary)},
        "fullDescription": {"text": _limit(what)},
        "help": {
            "text": documentation or rule.summary,
            "markdown": f"**{rule.id} {rule.name}**: {rule.summary}\n\n{documentation}".strip(),
        },
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": level.value},
        "properties": properties,
    }


def _limit(text: str) -> str:
    if len(text) <= GITHUB_TEXT_LIMIT:
        return text
    return text[: GITHUB_TEXT_LIMIT - 1].rstrip() + "…"


def _invocation(
    result: RunResult, options: RenderOptions, working_uri: str | None
) -> dict[str, Any]:
    notifications = []
    for file_result in result.files:
        descriptor = UNREADABLE_ID if file_result.status == "unreadable" else INTERNAL_ERROR_ID
        for message in file_result.notifications:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{file_result.path}: {message}"},
                    "descriptor": {"id": descriptor},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": _artifact_location(file_result.path, options)
                            }
                        }
                    ],
                }
            )
    invocation: dict[str, Any] = {
        "executionSuccessful": result.execution_successful,
        "toolExecutionNotifications": notifications,
    }
    if working_uri:
        invocation["workingDirectory"] = {"uri": working_uri}
    return invocation
