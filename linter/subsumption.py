"""One finding per problem: a finding whose cause explains others in its statement absorbs them.

A rule declares ``subsumes = ("CRD001", "KMS001", ...)``: when it reports inside a statement
(the findings' JSON paths share the prefix up to ``("Statement", i)``, in the same file and
source), the findings of those rules in that statement are dropped and the subsuming finding's
message names them (``; this also grants what CRD001 and KMS001 report``), so fixing one thing
closes one finding. The subsuming finding keeps the highest severity of what it absorbed.

The engine calls ``merge_subsumed`` on each file's findings, after the rules ran and before
suppressions and the baseline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from linter.model import Finding, JsonPath

if TYPE_CHECKING:
    from linter.rule_index import RuleInfo


def statement_prefix(json_path: JsonPath) -> JsonPath | None:
    """The path of the statement a finding is in: up to ``("Statement", i)`` (or ``"Statement"``
    when it holds one object); None when the finding is not inside a statement."""
    for index, element in enumerate(json_path):
        if element != "Statement":
            continue
        following = json_path[index + 1] if index + 1 < len(json_path) else None
        if isinstance(following, int):
            return json_path[: index + 2]
        return json_path[: index + 1]
    return None


def _join(ids: list[str]) -> str:
    if len(ids) == 1:
        return ids[0]
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def merge_subsumed(
    findings: Iterable[Finding], rule_infos: Mapping[str, RuleInfo] | Iterable[RuleInfo]
) -> list[Finding]:
    """``findings`` with the subsumed ones folded into the findings that subsume them, sorted.

    ``rule_infos``: the rules' metadata, as a mapping by id or any iterable of ``RuleInfo``
    (only ``id`` and ``subsumes`` are read). A finding of a rule that is not in ``rule_infos``
    subsumes nothing.
    """
    findings = list(findings)
    infos = rule_infos.values() if isinstance(rule_infos, Mapping) else rule_infos
    subsumes = {info.id: frozenset(info.subsumes) for info in infos if info.subsumes}
    if not subsumes or not any(f.rule_id in subsumes for f in findings):
        return sorted(findings, key=Finding.sort_key)
    by_statement: dict[tuple[str, str, JsonPath], list[int]] = {}
    for position, finding in enumerate(findings):
        prefix = statement_prefix(finding.json_path)
        if prefix is not None:
            key = (finding.path, getattr(finding, "source", ""), prefix)
            by_statement.setdefault(key, []).append(position)
    dropped: set[int] = set()
    replaced: dict[int, Finding] = {}
    for positions in by_statement.values():
        causes = [p for p in positions if findings[p].rule_id in subsumes]
        for cause in causes:
            covered = subsumes[findings[cause].rule_id]
            absorbed = [
                p
                for p in positions
                if p != cause and p not in dropped and findings[p].rule_id in covered
            ]
            if not absorbed:
                continue
            dropped.update(absorbed)
            finding = replaced.get(cause, findings[cause])
            ids = sorted({findings[p].rule_id for p in absorbed})
            severity = max(
                (finding.severity, *(findings[p].severity for p in absorbed)),
                key=lambda s: s.rank,
            )
            replaced[cause] = finding._replace(
                message=f"{finding.message}; this also grants what {_join(ids)} "
                + ("reports" if len(ids) == 1 else "report"),
                severity=severity,
            )
    merged = [
        replaced.get(position, finding)
        for position, finding in enumerate(findings)
        if position not in dropped
    ]
    return sorted(merged, key=Finding.sort_key)
