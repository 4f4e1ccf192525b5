"""Value types of a run: options, per-file and per-run results, suppressions, baseline entries,
and the line-independent fingerprints that suppressions and baselines key on.

Nothing here runs rules or reads files; the engine, the pipeline, the reporters and the library
API all share these types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from linter.context import RuleSettings
from linter.model import EMPTY_MAPPING, FILE_START, Finding, JsonPath, PolicyType, Severity, Span

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64
#: File names a directory walk reads: JSON policies, CLI outputs, CloudFormation/CDK JSON and
#: Terraform JSON and plans, YAML templates and Terraform HCL (only files that hold a policy
#: are linted; the others are skipped silently, and YAML and HCL parsers load only for them).
DEFAULT_INCLUDE = ("*.json", "*.yaml", "*.yml", "*.template", "*.tf")

SOURCE_CONFIG = "config"
SOURCE_BASELINE = "baseline"
SOURCE_INLINE = "inline"


class Suppression(NamedTuple):
    """One ``[[tool.iamlint.suppress]]`` entry, with where it was written."""

    path: str
    rule: str
    reason: str
    sid: str | None = None
    origin: str = ""
    span: Span = FILE_START

    def describe(self) -> str:
        sid = f' sid "{self.sid}"' if self.sid is not None else ""
        return f'rule "{self.rule}"{sid} in "{self.path}"'


class SuppressedFinding(NamedTuple):
    """A finding left out of the report, and why.

    ``source`` is ``config``, ``inline`` or ``baseline``; ``origin`` names the entry
    (``pyproject.toml:12``, ``template.yaml:14``) or the baseline file; ``suppression`` is the
    config entry that matched, if any.
    """

    finding: Finding
    reason: str
    source: str
    origin: str
    suppression: Suppression | None = None


class BaselineEntry(NamedTuple):
    """One recorded finding (or ``count`` findings with the same key)."""

    rule: str
    path: str
    fingerprint: str
    element: str
    count: int = 1
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.rule, self.path, self.fingerprint, self.element)


class BaselineOutcome(NamedTuple):
    """What applying a baseline did: findings hidden, and entries that matched nothing."""

    path: str
    matched: int
    stale: tuple[BaselineEntry, ...]


# NamedTuple and plain classes rather than dataclasses: creating dataclasses at import cost ~3 ms
# of a one-file run's start-up.
class LintOptions(NamedTuple):
    """Everything that decides what a run reports; built by the CLI from flags and config."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    policy_type: PolicyType | None = None
    policy_type_globs: tuple[tuple[str, PolicyType], ...] = ()
    severity_overrides: Mapping[str, Severity] = EMPTY_MAPPING
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_depth: int = DEFAULT_MAX_DEPTH
    rule_settings: RuleSettings = RuleSettings()
    suppressions: tuple[Suppression, ...] = ()
    #: ``--new-access-since``: the ``linter.revisions.BaseRevision`` to compare with, or None.
    new_access_since: Any = None


class SourceInfo(NamedTuple):
    """One policy document of a file as the reports describe it: where it is (``label``, empty
    for a bare policy file), which type it was judged as and why, and the input kind."""

    label: str
    policy_type: PolicyType | None
    type_reason: str = ""
    wrapper: str | None = None


class FileResult:
    """The outcome for one input file.

    ``status``: "linted", "not-a-policy", "unreadable", "undecodable" or "config". ``sources``
    describes each policy document found in the file. ``policy_type`` and ``wrapper`` are those
    of the first source (a bare policy file has exactly one).
    """

    __slots__ = (
        "findings",
        "input_format",
        "notifications",
        "path",
        "policy_type",
        "sources",
        "status",
        "suppressed",
        "text",
        "wrapper",
    )

    def __init__(
        self,
        path: str,
        status: str,
        findings: list[Finding] | None = None,
        text: str | None = None,
        policy_type: PolicyType | None = None,
        wrapper: str | None = None,
        notifications: list[str] | None = None,
        suppressed: list[SuppressedFinding] | None = None,
        sources: tuple[SourceInfo, ...] = (),
        input_format: str = "json",
    ) -> None:
        self.path = path
        self.status = status
        self.findings = [] if findings is None else findings
        self.text = text
        self.policy_type = policy_type
        self.wrapper = wrapper
        self.notifications = [] if notifications is None else notifications
        self.suppressed = [] if suppressed is None else suppressed
        self.sources = sources
        self.input_format = input_format

    def __repr__(self) -> str:
        return f"FileResult({self.path!r}, {self.status!r}, {len(self.findings)} findings)"

    def replace(self, **changes: Any) -> FileResult:
        """A copy with some fields changed."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return FileResult(**{**fields, **changes})

    def to_payload(self) -> dict:
        """A JSON-serialisable form for the result cache (``from_payload`` reads it back). The
        file's text is not stored: the cache's reader has the bytes and decodes them again only
        for a file with findings (``file_text``)."""
        return {
            "status": self.status,
            "format": self.input_format,
            "findings": [_finding_payload(f, self.path) for f in self.findings],
            "suppressed": [
                [
                    _finding_payload(s.finding, self.path),
                    s.reason,
                    s.source,
                    s.origin,
                    _entry(s.suppression),
                ]
                for s in self.suppressed
            ],
            "sources": [
                [i.label, i.policy_type.value if i.policy_type else None, i.type_reason, i.wrapper]
                for i in self.sources
            ],
        }

    @classmethod
    def from_payload(cls, path: str, payload: dict) -> FileResult | None:
        """The result stored by ``to_payload``, for ``path``; None if the payload is not one."""
        try:
            sources = tuple(
                SourceInfo(label, PolicyType(kind) if kind else None, reason, wrapper)
                for label, kind, reason, wrapper in payload["sources"]
            )
            suppressed = [
                SuppressedFinding(
                    _finding_from(path, f), reason, source, origin, _entry_from(entry)
                )
                for f, reason, source, origin, entry in payload["suppressed"]
            ]
            return cls(
                path,
                payload["status"],
                [_finding_from(path, f) for f in payload["findings"]],
                policy_type=sources[0].policy_type if sources else None,
                wrapper=sources[0].wrapper if sources else None,
                suppressed=suppressed,
                sources=sources,
                input_format=payload["format"],
            )
        except (KeyError, TypeError, ValueError):
            return None


class RunResult:
    """The outcome of a whole run, ready for the reporters."""

    __slots__ = ("baseline", "files", "rules")

    def __init__(
        self,
        files: list[FileResult],
        rules: tuple,
        baseline: BaselineOutcome | None = None,
    ) -> None:
        self.files = files
        self.rules = rules  # tuple[RuleInfo, ...]
        self.baseline = baseline

    def __repr__(self) -> str:
        return f"RunResult({len(self.files)} files, {len(self.rules)} rules)"

    def replace(self, **changes: Any) -> RunResult:
        """A copy with some fields changed."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return RunResult(**{**fields, **changes})

    @property
    def findings(self) -> list[Finding]:
        found = [f for result in self.files for f in result.findings]
        found.sort(key=Finding.sort_key)
        return found

    @property
    def execution_successful(self) -> bool:
        return not any(r.status == "unreadable" or r.notifications for r in self.files)

    def source_text(self, path: str) -> str | None:
        for result in self.files:
            if result.path == path:
                return result.text
        return None


def _finding_payload(finding: Finding, result_path: str) -> list:
    return [
        list(finding.span),
        finding.rule_id,
        finding.message,
        finding.severity.value,
        list(finding.json_path),
        finding.statement_fingerprint,
        finding.source,
        None if finding.path == result_path else finding.path,
        _fix_payload(finding.fix),
    ]


def _finding_from(path: str, data: list) -> Finding:
    span, rule_id, message, severity, json_path, fingerprint, source, where, fix = data
    # A finding in another file than its input (a Terraform file() policy) keeps that path.
    return Finding(
        path if where is None else where,
        Span(*span),
        rule_id,
        message,
        Severity(severity),
        tuple(json_path),
        fingerprint,
        source,
        _fix_from(fix),
    )


def _fix_payload(fix: Any) -> list | None:
    if fix is None:
        return None
    edits = [[e.start, e.end, e.replacement, list(e.span)] for e in fix.edits]
    return [fix.description, fix.applicability, edits]


def _fix_from(data: list | None) -> Any:
    if data is None:
        return None
    from linter.fixes import Edit, FileFix

    description, applicability, edits = data
    return FileFix(
        description,
        applicability,
        tuple(Edit(start, end, text, Span(*span)) for start, end, text, span in edits),
    )


def _entry(suppression: Suppression | None) -> list | None:
    if suppression is None:
        return None
    return [*suppression[:5], list(suppression.span)]


def _entry_from(data: list | None) -> Suppression | None:
    if data is None:
        return None
    *fields, span = data
    return Suppression(*fields, Span(*span))


def file_text(data: bytes) -> str:
    """The text of a file as the decoders read it, for source excerpts: UTF-8 without its byte
    order mark, or UTF-16/32 when a byte order mark says so; undecodable bytes replaced."""
    import codecs

    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    return data.decode("utf-8", "replace")


# -- fingerprints ---------------------------------------------------------------------------


def statement_fingerprint(
    document: Any, path: JsonPath, identities: dict[Any, str] | None = None, label: str = ""
) -> str:
    """A line-independent identity for the statement a path points into.

    The Sid when the statement has one, else the statement's canonical JSON; the rest of the
    path after the statement is appended so two findings in one statement differ, and the
    source's label (its place in a template) prepended when it has one. ``identities`` caches
    the statement part across the findings of one document (a statement of thousands of actions
    is serialised once, not once per finding).
    """
    place = f"{label}|" if label else ""
    if not isinstance(document, dict) or not path or path[0] != "Statement":
        return _digest(place + json.dumps(list(path), default=str))
    statements = document.get("Statement")
    if isinstance(statements, list) and len(path) > 1 and isinstance(path[1], int):
        statement = statements[path[1]] if path[1] < len(statements) else None
        where, rest = path[1], path[2:]
    else:
        statement, where, rest = statements, None, path[1:]
    identity = identities.get(where) if identities is not None else None
    if identity is None:
        identity = statement_identity(statement)
        if identities is not None:
            identities[where] = identity
    return _digest(place + identity + "|" + json.dumps(list(rest), default=str))


def statement_identity(statement: Any) -> str:
    """The Sid of a statement (``sid:...``), else its canonical JSON (``json:...``)."""
    if isinstance(statement, dict) and isinstance(statement.get("Sid"), str) and statement["Sid"]:
        return "sid:" + statement["Sid"]
    from linter.sources import json_default

    return "json:" + json.dumps(
        statement, sort_keys=True, separators=(",", ":"), default=json_default
    )


def _digest(text: str) -> str:
    import hashlib  # imported here: a clean run never needs it (start-up matters)

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def text_fingerprint(*parts: str) -> str:
    """A short stable digest of some strings (suppression entries, inline ignores)."""
    return _digest("\0".join(parts))
