"""The engine: one file's bytes to its findings.

The file's format module finds its policy sources (``linter/formats``); each source becomes a
``Policy`` of a decided type, the rules it can trigger run on it, and their reports (JSON paths)
become findings at the spans the source's locator gives. A rule that raises becomes an
``INT001`` finding for that file and the other rules still run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from linter.check import Check, Report
from linter.context import Context
from linter.decode import too_large_problem
from linter.discovery import InputFile, matches_any
from linter.formats import parse_file
from linter.model import FILE_START, Finding, PolicyType, Severity
from linter.pipeline import BaselineSpec, run
from linter.policy import Policy
from linter.policy_type import detect_policy_type_and_reason, type_from_file_name
from linter.registry import RULE_INFO_BY_ID, RULES
from linter.results import (
    SOURCE_INLINE,
    FileResult,
    LintOptions,
    RunResult,
    SourceInfo,
    SuppressedFinding,
    statement_fingerprint,
    text_fingerprint,
)
from linter.rule_index import RuleInfo
from linter.sources import (
    InlineIgnore,
    ParsedFile,
    PolicySource,
    is_unknown,
    resource_is_implied,
)
from linter.subsumption import merge_subsumed

INTERNAL_ERROR_ID = "INT001"
UNREADABLE_ID = "IO001"
UNUSED_SUPPRESSION_ID = "SUP001"
NOT_CHECKABLE_ID = "TPL002"
STDIN_NAME = "-"
_NOT_CHECKABLE_WIDTH = 80  # how much of a deploy-time expression a TPL002 message quotes


class Linter:
    """Lints files with a fixed rule selection and options; reusable across files and runs."""

    def __init__(
        self,
        options: LintOptions | None = None,
        rules: Sequence[type[Check] | RuleInfo] | None = None,
        *,
        skip_untriggered: bool = True,
        registry: dict[str, RuleInfo] | None = None,
    ):
        """``rules`` defaults to the registry. ``skip_untriggered=False`` runs every selected rule
        on every policy, even one without what the rule needs (for tests of those needs)."""
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
        # engine reports itself (INT001, IO001, SUP001, TPL002) have nothing to run.
        runnable = [rule for rule in self.rules if not rule.engine_reported]
        self._rules_by_type = {
            policy_type: tuple(rule for rule in runnable if policy_type in rule.policy_types)
            for policy_type in PolicyType
        }
        self._undecodable_rules = {
            policy_type: tuple(rule for rule in candidates if rule.runs_on_undecodable)
            for policy_type, candidates in self._rules_by_type.items()
        }
        self._selected_ids = frozenset(rule.id for rule in self.rules)
        self.context = Context(
            self.options.rule_settings,
            self.options.new_access_since,
            max_file_size=self.options.max_file_size,
            max_depth=self.options.max_depth,
        )
        self._all_rules = {**RULE_INFO_BY_ID, **{rule.id: rule for rule in available}}

    # -- runs ---------------------------------------------------------------------------------

    def lint_paths(
        self,
        paths: Iterable[str],
        stdin: Any = None,
        jobs: int = 1,
        *,
        baseline: BaselineSpec | None = None,
        cache: Any = None,
        stdin_filename: str | None = None,
    ) -> RunResult:
        """Lint files and directories: the whole pipeline (``linter.pipeline.run``) with this
        linter. ``jobs`` > 1 lints in that many processes; 0 = automatic."""
        return run(
            self,
            paths,
            stdin=stdin,
            jobs=jobs,
            baseline=baseline,
            cache=cache,
            stdin_filename=stdin_filename,
        )

    # -- files --------------------------------------------------------------------------------

    def lint_file(self, entry: InputFile, stdin: Any = None) -> FileResult:
        try:
            if entry.path == STDIN_NAME:
                import sys

                stream = stdin if stdin is not None else sys.stdin.buffer
                data = stream.read(self.options.max_file_size + 1)
            else:
                with open(entry.path, "rb") as handle:
                    data = handle.read(self.options.max_file_size + 1)
        except OSError as error:
            return self.unreadable(entry.path, error.strerror or str(error))
        return self.lint_bytes(data, entry.path, explicit=entry.explicit)

    def unreadable(self, path: str, message: str) -> FileResult:
        finding = Finding(
            path, FILE_START, UNREADABLE_ID, f"cannot read {path}: {message}", Severity.ERROR
        )
        return FileResult(path, "unreadable", [finding], notifications=[message])

    def lint_bytes(
        self, data: bytes, path: str = STDIN_NAME, *, explicit: bool = True, name: str | None = None
    ) -> FileResult:
        """Lint one file's content. ``name`` decides the format and per-file settings when it is
        not ``path`` (standard input given a file name)."""
        if len(data) > self.options.max_file_size:
            problem = too_large_problem(len(data), self.options.max_file_size)
            parsed = ParsedFile("", "json", (), (problem,), ok=False)
        else:
            parsed = parse_file(
                data, path, explicit=explicit, max_depth=self.options.max_depth, name=name
            )
        if parsed is None:
            return FileResult(path, "not-a-policy")
        return self.lint_parsed(parsed, path, name=name)

    def lint_text(self, text: str, path: str = STDIN_NAME) -> FileResult:
        return self.lint_bytes(text.encode("utf-8", "surrogatepass"), path)

    def lint_parsed(self, parsed: ParsedFile, path: str, name: str | None = None) -> FileResult:
        """Run the rules on every policy source of a parsed file."""
        settings_path = name or path
        if parsed.ok and not parsed.sources and not parsed.problems and not parsed.ignores:
            return FileResult(path, "not-a-policy", input_format=parsed.format)  # no policy in it
        result = FileResult(path, "linted", text=parsed.text, input_format=parsed.format)
        findings: list[Finding] = []
        if not parsed.ok or not parsed.sources:
            result.status = "undecodable" if not parsed.ok else "linted"
            policy = Policy(None, self.options.policy_type or PolicyType.IDENTITY, path)
            policy.problems = list(parsed.problems)
            findings += self._run_rules(policy, PolicySource(None, _NO_LOCATOR), path, result, True)
            self._finish(result, findings, parsed.ignores)
            return result
        infos = []
        file_problems = list(parsed.problems)
        for source in parsed.sources:
            policy_type, reason = self._policy_type(settings_path, source)
            infos.append(SourceInfo(source.label, policy_type, reason, source.wrapper))
            problems = [*file_problems, *source.problems]
            file_problems = []  # file-level problems are reported with the first source
            report_path = source.origin or path
            if not source.ok:
                policy = Policy(None, policy_type, report_path)
                policy.problems = problems
                found = self._run_rules(policy, source, report_path, result, True)
            elif is_unknown(source.document):
                found = self._not_checkable(source, report_path)
            else:
                policy = Policy(source.document, policy_type, report_path)
                policy.problems = problems
                policy.resource_implied = resource_is_implied(source.type_reason, source.wrapper)
                policy.source_file, policy.source_label = path, source.label
                policy.source_text = parsed.text
                found = self._run_rules(policy, source, report_path, result, False)
                policy.release()
            if source.ignores:
                found = self._apply_inline_ignores(found, source.ignores, result, report_path)
            findings += found
        result.sources = tuple(infos)
        result.policy_type = infos[0].policy_type
        result.wrapper = infos[0].wrapper
        if any(not source.ok for source in parsed.sources) and len(parsed.sources) == 1:
            result.status = "undecodable"
        self._finish(result, findings, parsed.ignores)
        return result

    def _finish(
        self, result: FileResult, findings: list[Finding], ignores: tuple[InlineIgnore, ...]
    ) -> None:
        if ignores:
            findings = self._apply_inline_ignores(findings, ignores, result, result.path)
        # One finding per problem: a cause (full admin access) absorbs what it explains. After
        # the suppressions, so an ignore written for an absorbed rule is still used.
        findings = merge_subsumed(findings, self._all_rules)
        result.findings = sorted(set(findings), key=Finding.sort_key)

    def _policy_type(self, path: str, source: PolicySource) -> tuple[PolicyType, str]:
        """The type a source is judged as, and why: ``--policy-type``, a configuration glob, a
        file-name suffix or the type the source's container implies, else its content. A
        template's container (``AWS::KMS::Key KeyPolicy``) outranks the file-wide settings."""
        if source.label and source.policy_type is not None:
            return source.policy_type, source.type_reason
        if self.options.policy_type is not None:
            return self.options.policy_type, "--policy-type"
        for pattern, policy_type in self.options.policy_type_globs:
            if matches_any(path, (pattern,)):
                return policy_type, f'configuration policy-types "{pattern}"'
        from_name = type_from_file_name(path)
        if from_name is not None:
            return from_name, "file name suffix"
        if source.policy_type is not None:
            return source.policy_type, source.type_reason
        policy = Policy(source.document, PolicyType.IDENTITY, path)
        return detect_policy_type_and_reason(policy)

    def _run_rules(
        self,
        policy: Policy,
        source: PolicySource,
        path: str,
        result: FileResult,
        undecodable: bool,
    ) -> list[Finding]:
        ignored_here = self._ignored_for(path)
        findings: list[Finding] = []
        table = self._undecodable_rules if undecodable else self._rules_by_type
        contents = PolicyContents(policy) if self._skip_untriggered else None
        identities: dict[Any, str] = {}  # statement fingerprints, computed once per statement
        unreadable_conditions = (
            () if undecodable else tuple(s.path for s in policy.statements if s.condition_unknown)
        )
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
                if not undecodable and _reports_on_unknown(policy.document, report):
                    continue  # a deploy-time value is never malformed
                if unreadable_conditions and _needs_condition(rule, report, unreadable_conditions):
                    continue  # what the statement grants depends on a condition no one can read
                finding = self._finding(rule, report, policy, source, path, identities)
                if report.fix is not None and source.origin is None:
                    from linter.fixes import resolve_fix  # only for a finding that has a fix

                    fix = resolve_fix(
                        report.fix, source.locator, result.text or "", policy.document
                    )
                    if fix is not None:
                        finding = finding._replace(fix=fix)
                findings.append(finding)
        if self.options.suppressions and findings:
            from linter.suppressions import split_suppressed

            findings, suppressed = split_suppressed(
                findings, path, policy.document, (), self.options.suppressions, self._all_rules
            )
            result.suppressed.extend(suppressed)
        return findings

    def _not_checkable(self, source: PolicySource, path: str) -> list[Finding]:
        rule = self._all_rules.get(NOT_CHECKABLE_ID)
        if rule is None or NOT_CHECKABLE_ID not in self._selected_ids:
            return []
        where = f" ({source.label})" if source.label else ""
        written = " ".join(source.document.text.split())  # one line, however it is written
        if len(written) > _NOT_CHECKABLE_WIDTH:
            written = written[: _NOT_CHECKABLE_WIDTH - 1].rstrip() + "…"
        message = (
            f"the policy{where} is {written}, known only at deployment; "
            "it could not be checked: lint the policy where it is written"
        )
        severity = self.options.severity_overrides.get(rule.id) or rule.severity
        span = source.locator.nearest_span(())
        fingerprint = text_fingerprint(source.label, source.document.text)
        return [Finding(path, span, rule.id, message, severity, (), fingerprint, source.label)]

    def _apply_inline_ignores(
        self,
        findings: list[Finding],
        ignores: tuple[InlineIgnore, ...],
        result: FileResult,
        path: str,
    ) -> list[Finding]:
        """Drop the findings an ignore written in the file covers; SUP001 for the unused ones."""
        from linter.suppressions import rule_matches

        used: set[InlineIgnore] = set()
        kept = []
        for finding in findings:
            covering = next(
                (
                    ignore
                    for ignore in ignores
                    if (ignore.scope is None or ignore.scope.contains(finding.span))
                    and any(
                        rule_matches(r, finding.rule_id, self._all_rules) for r in ignore.rule_ids
                    )
                ),
                None,
            )
            if covering is None or finding.rule_id == UNUSED_SUPPRESSION_ID:
                kept.append(finding)
                continue
            used.add(covering)
            origin = f"{path}:{covering.span.line}"
            reason = covering.reason or "ignored in the file"
            result.suppressed.append(SuppressedFinding(finding, reason, SOURCE_INLINE, origin))
        reporter = self._all_rules.get(UNUSED_SUPPRESSION_ID)
        if reporter is None or UNUSED_SUPPRESSION_ID not in self._selected_ids:
            return kept
        severity = self.options.severity_overrides.get(reporter.id) or reporter.severity
        for ignore in ignores:
            if ignore in used:
                continue
            if not any(
                rule_matches(r, rule.id, self._all_rules)
                for r in ignore.rule_ids
                for rule in self.rules
            ):
                continue  # none of its rules ran: nothing can be said about it
            names = ", ".join(ignore.rule_ids)
            message = f"unused suppression: the ignore of {names} matched no finding; remove it"
            kept.append(
                Finding(
                    path,
                    ignore.span,
                    reporter.id,
                    message,
                    severity,
                    (),
                    text_fingerprint(names, ignore.reason),
                )
            )
        return kept

    def _ignore_covers(self, ignore: InlineIgnore, rule_id: str) -> bool:
        from linter.suppressions import rule_matches

        return any(rule_matches(r, rule_id, self._all_rules) for r in ignore.rule_ids)

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
            span = source.locator.nearest_span(report.path, key=report.key)
        severity = self.options.severity_overrides.get(rule.id) or report.severity or rule.severity
        json_path = report.path if report.span is None else ()
        return Finding(
            path=path,
            span=span,
            rule_id=rule.id,
            message=report.message,
            severity=severity,
            json_path=json_path,
            statement_fingerprint=statement_fingerprint(
                policy.document, report.path, identities, source.label
            ),
            source=source.label,
        )

    def _internal_error(self, rule: RuleInfo, error: Exception, path: str) -> Finding:
        import traceback

        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
        message = f"rule {rule.id} ({rule.name}) crashed: {type(error).__name__}: {error}{where}"
        return Finding(path, FILE_START, INTERNAL_ERROR_ID, message, Severity.ERROR)


class _NoLocator:
    """The locator of a file with no document: everything is at the start of the file."""

    def span(self, path: Any, *, key: bool = False) -> None:
        return None

    def nearest_span(self, path: Any, *, key: bool = False) -> Any:
        return FILE_START


_NO_LOCATOR = _NoLocator()


def _reports_on_unknown(document: Any, report: Report) -> bool:
    """Whether a report points at a value known only at deployment (or inside one): no rule can
    say such a value is malformed, so the engine drops it whatever the rule."""
    if report.key or report.span is not None:
        return False
    value = document
    for step in report.path:
        if is_unknown(value):
            return True
        if type(value) is dict and type(step) is str:
            value = value.get(step)
        elif type(value) is list and type(step) is int and 0 <= step < len(value):
            value = value[step]
        else:
            return False
    return is_unknown(value)


# Families whose findings say what a statement grants without a condition that narrows it.
_GRANT_FAMILIES = ("KMS", "TRN", "CRD", "TRU", "MON", "LPR")


def _needs_condition(rule: RuleInfo, report: Report, statements: tuple) -> bool:
    """Whether a grant-family report is about a statement whose Condition is known only at
    deployment (``Condition: !If [...]``): it may require exactly what the rule asks for."""
    if not rule.id.startswith(_GRANT_FAMILIES):
        return False
    return any(report.path[: len(path)] == path for path in statements)


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
