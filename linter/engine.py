"""The engine: decode a file, find its policy, run the selected rules, resolve paths to spans.

A rule that raises becomes an ``INT001`` finding for that file; an unreadable file becomes an
``IO001`` finding; neither stops the run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from linter.check import Check, Report
from linter.context import Context, RuleSettings
from linter.decode import Decoded, decode_bytes, too_large_problem
from linter.inputs import InputError, InputFile, PolicySource, discover, matches_any, unwrap
from linter.model import EMPTY_MAPPING, FILE_START, Finding, JsonPath, PolicyType, Severity, Span
from linter.policy import Policy
from linter.policy_type import detect_policy_type, type_from_file_name
from linter.rule_index import RuleInfo

if TYPE_CHECKING:
    from linter.baseline import BaselineOutcome
    from linter.suppressions import SuppressedFinding, Suppression

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64
INTERNAL_ERROR_ID = "INT001"
UNREADABLE_ID = "IO001"
STDIN_NAME = "-"


# NamedTuple and plain classes rather than dataclasses: creating these three dataclasses, and
# importing the module, cost ~3 ms of a one-file run's start-up.
class LintOptions(NamedTuple):
    """Everything that decides what a run reports; built by the CLI from flags and config."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    policy_type: PolicyType | None = None
    policy_type_globs: tuple[tuple[str, PolicyType], ...] = ()
    severity_overrides: Mapping[str, Severity] = EMPTY_MAPPING
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = ("*.json",)
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_depth: int = DEFAULT_MAX_DEPTH
    rule_settings: RuleSettings = RuleSettings()
    suppressions: tuple[Suppression, ...] = ()


class FileResult:
    """The outcome for one input file.

    ``status``: "linted", "not-a-policy", "unreadable", "undecodable" or "config".
    """

    __slots__ = (
        "findings",
        "notifications",
        "path",
        "policy_type",
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
    ) -> None:
        self.path = path
        self.status = status
        self.findings = [] if findings is None else findings
        self.text = text
        self.policy_type = policy_type
        self.wrapper = wrapper
        self.notifications = [] if notifications is None else notifications
        self.suppressed = [] if suppressed is None else suppressed

    def __repr__(self) -> str:
        return f"FileResult({self.path!r}, {self.status!r}, {len(self.findings)} findings)"

    def replace(self, **changes: Any) -> FileResult:
        """A copy with some fields changed."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return FileResult(**{**fields, **changes})


class RunResult:
    """The outcome of a whole run, ready for the reporters."""

    __slots__ = ("baseline", "files", "rules")

    def __init__(
        self,
        files: list[FileResult],
        rules: tuple[RuleInfo, ...],
        baseline: BaselineOutcome | None = None,
    ) -> None:
        self.files = files
        self.rules = rules
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


class Linter:
    """Lints documents with a fixed rule selection and options; reusable across files."""

    def __init__(
        self,
        options: LintOptions | None = None,
        rules: Sequence[type[Check] | RuleInfo] | None = None,
        *,
        skip_untriggered: bool = True,
    ):
        """``rules`` defaults to the registry. ``skip_untriggered=False`` runs every selected rule
        on every policy, even one without what the rule needs (for tests of those needs)."""
        from checks import RULE_INFO_BY_ID, RULES
        from linter.selection import select_rules

        self.options = options or LintOptions()
        available = (
            RULES
            if rules is None
            else tuple(r if isinstance(r, RuleInfo) else RuleInfo.of(r) for r in rules)
        )
        self.rules: tuple[RuleInfo, ...] = select_rules(
            available, self.options.select, self.options.ignore
        )
        self._skip_untriggered = skip_untriggered
        self._instances: dict[str, Check] = {}
        # The rules to run per policy type, and for files that did not decode, computed once:
        # enum hashing in a per-file membership test costs more than most rules. Rules the
        # engine reports itself (INT001, IO001, SUP001) have nothing to run.
        runnable = [rule for rule in self.rules if not rule.engine_reported]
        self._rules_by_type = {
            policy_type: tuple(rule for rule in runnable if policy_type in rule.policy_types)
            for policy_type in PolicyType
        }
        self._undecodable_rules = {
            policy_type: tuple(rule for rule in candidates if rule.runs_on_undecodable)
            for policy_type, candidates in self._rules_by_type.items()
        }
        self.context = Context(self.options.rule_settings)
        self._all_rules = {**RULE_INFO_BY_ID, **{rule.id: rule for rule in available}}

    # -- files --------------------------------------------------------------------------------

    def lint_paths(self, paths: Iterable[str], stdin: Any = None, jobs: int = 1) -> RunResult:
        """Lint files and directories. ``jobs`` > 1 lints in that many processes; 0 = automatic.

        Results are identical whatever ``jobs`` is: files are sorted by path at the end.
        """
        files: list[FileResult] = []
        inputs: list[InputFile] = []
        for entry in discover(paths, include=self.options.include, exclude=self.options.exclude):
            if isinstance(entry, InputError):
                files.append(self._unreadable(entry.path, entry.message))
            else:
                inputs.append(entry)
        workers = automatic_jobs(len(inputs)) if jobs == 0 else jobs
        if workers > 1 and not any(entry.path == STDIN_NAME for entry in inputs):
            files.extend(self._lint_in_processes(inputs, workers))
        else:
            files.extend(self._lint_one(entry, stdin) for entry in inputs)
        if self.options.suppressions:
            from linter.suppressions import unused_suppression_results

            files.extend(unused_suppression_results(files, self.options, self.rules))
        files.sort(key=lambda r: r.path)
        return RunResult(files, self.rules)

    def _lint_one(self, entry: InputFile, stdin: Any = None) -> FileResult:
        result = self.lint_file(entry, stdin=stdin)
        if not result.findings:
            result.text = None  # only files with findings need their text (source excerpts)
        return result

    def _lint_in_processes(self, inputs: list[InputFile], workers: int) -> list[FileResult]:
        import concurrent.futures
        import multiprocessing

        chunk_count = workers * 8
        chunks = [inputs[i::chunk_count] for i in range(chunk_count) if inputs[i::chunk_count]]
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        rule_ids = tuple(rule.id for rule in self.rules)
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.options, rule_ids),
        ) as pool:
            return [result for chunk in pool.map(_lint_chunk, chunks) for result in chunk]

    def lint_file(self, entry: InputFile, stdin: Any = None) -> FileResult:
        try:
            if entry.path == STDIN_NAME:
                stream = stdin if stdin is not None else sys.stdin.buffer
                data = stream.read(self.options.max_file_size + 1)
            else:
                with open(entry.path, "rb") as handle:
                    data = handle.read(self.options.max_file_size + 1)
        except OSError as error:
            return self._unreadable(entry.path, error.strerror or str(error))
        return self.lint_bytes(data, entry.path, explicit=entry.explicit)

    def _unreadable(self, path: str, message: str) -> FileResult:
        finding = Finding(
            path, FILE_START, UNREADABLE_ID, f"cannot read {path}: {message}", Severity.ERROR
        )
        return FileResult(path, "unreadable", [finding], notifications=[message])

    # -- documents ----------------------------------------------------------------------------

    def lint_bytes(
        self, data: bytes, path: str = STDIN_NAME, *, explicit: bool = True
    ) -> FileResult:
        if len(data) > self.options.max_file_size:
            problem = too_large_problem(len(data), self.options.max_file_size)
            decoded = Decoded.failed(problem)
            return self._finish_undecodable(path, decoded)
        decoded = decode_bytes(data, max_depth=self.options.max_depth)
        return self._lint_decoded(decoded, path, explicit)

    def lint_text(self, text: str, path: str = STDIN_NAME) -> FileResult:
        return self.lint_bytes(text.encode("utf-8", "surrogatepass"), path)

    def _lint_decoded(self, decoded: Decoded, path: str, explicit: bool) -> FileResult:
        if not decoded.ok:
            if explicit or "statement" in decoded.text.lower():
                return self._finish_undecodable(path, decoded)
            return FileResult(path, "not-a-policy")
        source = unwrap(decoded)
        if source is None:
            return FileResult(path, "not-a-policy")
        if not source.decoded.ok:
            return self._finish_undecodable(path, source.decoded, wrapper=source.wrapper)
        policy_type = self._policy_type(path, source)
        policy = Policy(source.document, policy_type, path)
        policy.problems = list(decoded.problems)
        if source.decoded is not decoded:
            policy.problems.extend(source.decoded.problems)
        result = FileResult(
            path, "linted", text=decoded.text, policy_type=policy_type, wrapper=source.wrapper
        )
        result.findings = self._run_rules(policy, source, path, result)
        return result

    def _finish_undecodable(
        self, path: str, decoded: Decoded, wrapper: str | None = None
    ) -> FileResult:
        policy = Policy(None, self.options.policy_type or PolicyType.IDENTITY, path)
        policy.problems = list(decoded.problems)
        source = PolicySource(None, decoded, (), wrapper)
        result = FileResult(path, "undecodable", text=decoded.text, wrapper=wrapper)
        result.findings = self._run_rules(policy, source, path, result, undecodable=True)
        return result

    def _policy_type(self, path: str, source: PolicySource) -> PolicyType:
        if self.options.policy_type is not None:
            return self.options.policy_type
        for pattern, policy_type in self.options.policy_type_globs:
            if matches_any(path, (pattern,)):
                return policy_type
        from_name = type_from_file_name(path)
        if from_name is not None:
            return from_name
        if source.implied_type is not None:
            return source.implied_type
        return detect_policy_type(Policy(source.document, PolicyType.IDENTITY, path))

    def _run_rules(
        self,
        policy: Policy,
        source: PolicySource,
        path: str,
        result: FileResult,
        *,
        undecodable: bool = False,
    ) -> list[Finding]:
        ignored_here = self._ignored_for(path)
        findings: list[Finding] = []
        table = self._undecodable_rules if undecodable else self._rules_by_type
        contents = PolicyContents(policy) if self._skip_untriggered else None
        identities: dict[Any, str] = {}  # statement fingerprints, computed once per statement
        for rule in table[policy.policy_type]:
            if ignored_here and rule.id in ignored_here:
                continue
            if contents is not None and not contents.can_trigger(rule):
                continue
            instance = self._instances.get(rule.id)
            if instance is None:
                instance = self._instances[rule.id] = rule.load()()
            try:
                reports = list(instance.run(policy, self.context))
            except Exception as error:  # a broken rule must not stop the run
                findings.append(self._internal_error(rule, error, path))
                result.notifications.append(f"rule {rule.id} failed: {error!r}")
                continue
            for report in reports:
                findings.append(self._finding(rule, report, policy, source, path, identities))
        findings = sorted(set(findings), key=Finding.sort_key)
        if self.options.suppressions:
            from linter.suppressions import split_suppressed

            findings, result.suppressed = split_suppressed(
                findings,
                path,
                policy.document,
                source.prefix,
                self.options.suppressions,
                self._all_rules,
            )
        return findings

    def _ignored_for(self, path: str) -> frozenset[str]:
        ignored: set[str] = set()
        for pattern, rule_ids in self.options.per_file_ignores:
            if matches_any(path, (pattern,)):
                ignored.update(r.upper() for r in rule_ids)
        if not ignored:
            return frozenset()
        return frozenset(
            rule.id for rule in self.rules if any(rule.id.startswith(i) for i in ignored)
        )

    def _finding(
        self,
        rule: RuleInfo,
        report: Report,
        policy: Policy,
        source: PolicySource,
        path: str,
        identities: dict[Any, str],
    ) -> Finding:
        if report.span is not None:
            span = report.span
        else:
            span = source.decoded.nearest_span((*source.prefix, *report.path), key=report.key)
        severity = self.options.severity_overrides.get(rule.id) or report.severity or rule.severity
        json_path = (*source.prefix, *report.path) if report.span is None else ()
        return Finding(
            path=path,
            span=span,
            rule_id=rule.id,
            message=report.message,
            severity=severity,
            json_path=json_path,
            statement_fingerprint=statement_fingerprint(policy.document, report.path, identities),
        )

    def _internal_error(self, rule: RuleInfo, error: Exception, path: str) -> Finding:
        import traceback

        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
        message = f"rule {rule.id} ({rule.name}) crashed: {type(error).__name__}: {error}{where}"
        return Finding(path, FILE_START, INTERNAL_ERROR_ID, message, Severity.ERROR)


class PolicyContents:
    """What a policy contains, as far as deciding which rules it can trigger.

    ``elements``: every statement key, lower case. ``services``: the service prefixes its Action
    values name, lower case, or None when they can name any service (a wildcard in the service,
    ``*``, or a NotAction); computed when a rule first asks. ``problems``: the decoder's problem
    codes.
    """

    __slots__ = ("_services", "_services_known", "elements", "policy", "problems")

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.elements = frozenset(key.lower() for s in policy.statements for key in s.data)
        self.problems = frozenset(problem.code for problem in policy.problems)
        self._services: frozenset[str] | None = None
        self._services_known = False

    @property
    def services(self) -> frozenset[str] | None:
        if not self._services_known:
            self._services, self._services_known = self._named_services(), True
        return self._services

    def _named_services(self) -> frozenset[str] | None:
        from linter.grants import named_services

        services: frozenset[str] = frozenset()
        for statement in self.policy.statements:
            keys = {key.lower() for key in statement.data}
            if "notaction" in keys or ("action" in keys and "Action" not in statement.data):
                return None  # also what the policy model does not read: stay on the safe side
            named = named_services(statement)
            if named is None:
                return None
            services |= named
        return services

    def can_trigger(self, rule: RuleInfo) -> bool:
        if rule.needs_problem is not None and rule.needs_problem not in self.problems:
            return False
        if rule.needs_elements and rule.needs_elements.isdisjoint(self.elements):
            return False
        if not rule.needs_services:
            return True
        services = self.services
        return services is None or not rule.needs_services.isdisjoint(services)


# Below this many files, starting processes costs more than it saves.
FILES_PER_PROCESS = 400


def automatic_jobs(file_count: int) -> int:
    """The default worker count: one process per FILES_PER_PROCESS files, at most one per CPU."""
    import os

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, file_count // FILES_PER_PROCESS))


_worker_linter: Linter | None = None


def _start_worker(options: LintOptions, rule_ids: tuple[str, ...]) -> None:
    from checks import RULE_INFO_BY_ID

    global _worker_linter
    _worker_linter = Linter(options, rules=[RULE_INFO_BY_ID[rule_id] for rule_id in rule_ids])


def _lint_chunk(chunk: list[InputFile]) -> list[FileResult]:
    assert _worker_linter is not None
    return [_worker_linter._lint_one(entry) for entry in chunk]


def statement_fingerprint(
    document: Any, path: JsonPath, identities: dict[Any, str] | None = None
) -> str:
    """A line-independent identity for the statement a path points into.

    The Sid when the statement has one, else the statement's canonical JSON; the rest of the
    path after the statement is appended so two findings in one statement differ.
    ``identities`` caches the statement part across the findings of one document (a statement of
    thousands of actions is serialised once, not once per finding).
    """
    if not isinstance(document, dict) or not path or path[0] != "Statement":
        return _digest(json.dumps(list(path), default=str))
    statements = document.get("Statement")
    if isinstance(statements, list) and len(path) > 1 and isinstance(path[1], int):
        statement = statements[path[1]] if path[1] < len(statements) else None
        where, rest = path[1], path[2:]
    else:
        statement, where, rest = statements, None, path[1:]
    identity = identities.get(where) if identities is not None else None
    if identity is None:
        identity = _statement_identity(statement)
        if identities is not None:
            identities[where] = identity
    return _digest(identity + "|" + json.dumps(list(rest), default=str))


def _statement_identity(statement: Any) -> str:
    if isinstance(statement, dict) and isinstance(statement.get("Sid"), str) and statement["Sid"]:
        return "sid:" + statement["Sid"]
    return "json:" + json.dumps(statement, sort_keys=True, separators=(",", ":"))


def _digest(text: str) -> str:
    import hashlib  # imported here: a clean run never needs it (start-up matters)

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def span_or_start(span: Span | None) -> Span:
    return span or FILE_START
