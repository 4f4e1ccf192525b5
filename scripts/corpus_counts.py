"""Count each rule's findings on a policy corpus (all rules selected, subsumed findings merged).

    python scripts/corpus_counts.py /path/to/aws-managed [--write]

Prints one line per rule: id, findings, files with findings. ``--write`` stores the counts in
``linter/data/managed_corpus_counts.json``, which ``iamlint rules --format markdown`` shows in
the rules table of docs/rules.md (numbers only: the corpus itself is never copied).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from checks import RULE_INFO_BY_ID
from linter.engine import Linter, LintOptions
from linter.subsumption import merge_subsumed

TARGET = Path(__file__).resolve().parent.parent / "linter" / "data" / "managed_corpus_counts.json"


def count(corpus: str) -> tuple[int, Counter, Counter]:
    linter = Linter(LintOptions(select=("ALL",)))
    findings: Counter = Counter()
    files: Counter = Counter()
    paths = sorted(Path(corpus).glob("*.json"))
    for path in paths:
        result = linter.lint_bytes(path.read_bytes(), str(path))
        merged = merge_subsumed(result.findings, RULE_INFO_BY_ID)
        for finding in merged:
            findings[finding.rule_id] += 1
        for rule_id in {f.rule_id for f in merged}:
            files[rule_id] += 1
    return len(paths), findings, files


def main() -> None:
    corpus = sys.argv[1]
    total, findings, files = count(corpus)
    for rule_id in RULE_INFO_BY_ID:
        if findings[rule_id]:
            print(f"{rule_id} {findings[rule_id]} {files[rule_id]}")
    if "--write" in sys.argv:
        data = {
            "corpus": "AWS managed policies",
            "policies": total,
            "findings": {r: findings[r] for r in RULE_INFO_BY_ID},
        }
        TARGET.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
