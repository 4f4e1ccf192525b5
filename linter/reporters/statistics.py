"""``check --statistics``: how many findings each rule produced, most frequent first (as ruff).

One line per rule: the count right-aligned, the rule id, the level in brackets (the most severe
of the rule's findings in this run) and the rule's name, sorted by count (descending) then rule
id. Nothing is printed for a clean run.
"""

from __future__ import annotations

from collections import Counter

from linter.reporters import RenderOptions
from linter.results import RunResult


def render(result: RunResult, options: RenderOptions) -> str:
    from checks import RULE_INFO_BY_ID

    names = {
        **{r.id: r.name for r in RULE_INFO_BY_ID.values()},
        **{r.id: r.name for r in result.rules},
    }
    findings = result.findings
    counts = Counter(f.rule_id for f in findings)
    levels = {}
    for finding in findings:
        known = levels.get(finding.rule_id)
        if known is None or finding.severity.rank > known.rank:
            levels[finding.rule_id] = finding.severity
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if not rows:
        return ""
    count_width = len(str(rows[0][1]))
    id_width = max(len(rule_id) for rule_id, _ in rows)
    level_width = max(len(levels[rule_id].value) for rule_id, _ in rows) + 2
    lines = [
        f"{count:>{count_width}}  {rule_id:<{id_width}}  "
        f"{'[' + levels[rule_id].value + ']':<{level_width}}  {names.get(rule_id, rule_id)}"
        for rule_id, count in rows
    ]
    return "\n".join(lines) + "\n"
