"""The base class every rule in ``checks/`` derives from, and what a rule yields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from linter.model import ALL_POLICY_TYPES, JsonPath, PolicyType, Severity, Span

if TYPE_CHECKING:
    from linter.context import Context
    from linter.fixes import Fix
    from linter.policy import Policy


class Report(NamedTuple):
    """What a rule yields: a JSON path into the policy and a message.

    ``key=True`` places the finding on the object key at ``path`` rather than on its value.
    ``severity`` overrides the rule's default for this one finding (e.g. a Transcribe-specific
    escalation); config severity overrides still win over it. ``span`` is only for the decoder
    rules, whose problems have a position but no path. ``fix`` is the change that resolves the
    finding, when the rule can propose one (linter/fixes.py).
    """

    path: JsonPath
    message: str
    key: bool = False
    severity: Severity | None = None
    span: Span | None = None
    fix: Fix | None = None


class Check:
    """A rule: metadata as class attributes, documentation as the class docstring.

    The docstring has the headings ``What it does``, ``Why is this bad?``, ``Example``,
    ``Use instead`` and ``References`` (each as a ``## `` Markdown heading).
    """

    id: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity]
    policy_types: ClassVar[frozenset[PolicyType]] = ALL_POLICY_TYPES
    tags: ClassVar[tuple[str, ...]] = ()
    # Rules that only re-report decoder problems run even when the file did not decode.
    runs_on_undecodable: ClassVar[bool] = False
    # Findings the engine itself produces (crashes, unreadable files); run() yields nothing.
    engine_reported: ClassVar[bool] = False
    # What a policy must contain for the rule to have anything to report. The engine neither
    # runs nor imports a rule whose needs a policy does not meet, so these must be exact: a
    # needs that is too narrow loses findings (tests/test_dispatch.py compares every fixture and
    # the AWS managed policies against a run of all rules).
    # Statement keys, lower case, of which at least one statement must have one:
    needs_elements: ClassVar[frozenset[str]] = frozenset()
    # Service prefixes, lower case, one of which an Action or NotAction must be able to name
    # (a wildcard service, ``*`` or any NotAction names them all):
    needs_services: ClassVar[frozenset[str]] = frozenset()
    # A decoder problem code the file must have (the JSON rules):
    needs_problem: ClassVar[str | None] = None
    # Rules whose findings in the same statement this rule's finding explains (full admin access
    # explains the credential, KMS, monitoring and Transcribe grants): linter.subsumption drops
    # them and names them in this rule's message, so one cause is one finding.
    subsumes: ClassVar[tuple[str, ...]] = ()
    # On in a run without --select (the default selection); False makes the rule opt-in
    # (``--select ALL``, ``--select <ID>`` or ``extend-select``), decided by measured precision.
    default: ClassVar[bool] = True

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        return _dedent_docstring(cls.__doc__ or "")

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split at its ``## `` headings."""
        sections: dict[str, str] = {}
        current = None
        lines: list[str] = []
        for line in cls.documentation().splitlines():
            heading = _HEADING.match(line)
            if heading:
                if current is not None:
                    sections[current] = "\n".join(lines).strip()
                current, lines = heading.group(1).strip(), []
            elif current is not None:
                lines.append(line)
        if current is not None:
            sections[current] = "\n".join(lines).strip()
        return sections


_HEADING = re.compile(r"^##\s+(.*)$")


def services_of(actions: Iterable[str]) -> frozenset[str]:
    """The lower-case service prefixes of ``service:Action`` names, for ``needs_services``."""
    return frozenset(action.partition(":")[0].lower() for action in actions)


def _dedent_docstring(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


class DecoderProblemCheck(Check):
    """Base for the rules that re-report one kind of decoder problem (``JSON0xx``)."""

    problem_code: ClassVar[str]
    runs_on_undecodable = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "problem_code" in vars(cls):
            cls.needs_problem = cls.problem_code

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for problem in policy.problems:
            if problem.code == self.problem_code:
                yield Report((), problem.message, span=problem.span)
