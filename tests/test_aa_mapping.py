"""docs/access-analyzer-mapping.md: every Access Analyzer issue code once, only real rule ids.

The list of codes is peer-checks.md §1.2 (all 153 issue codes of the current check reference).
"""

from __future__ import annotations

import re

import pytest

from checks import RULES_BY_ID
from linter.rule_docs import anchor
from tests.conftest import ROOT

MAPPING = ROOT / "docs" / "access-analyzer-mapping.md"
PEER_CHECKS = ROOT.parent / "shared" / "docs" / "peer-checks.md"
STATUSES = (
    "covered",
    "partly covered",
    "not decidable offline",
    "not yet covered",
    "not reported",
)
RULE_ID = re.compile(r"\b[A-Z]{2,4}\d{3}\b")
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (.*) \|$", re.M)


def _mapping_rows() -> list[tuple[str, list[str]]]:
    rows = []
    for code, rest in ROW.findall(MAPPING.read_text(encoding="utf-8")):
        rows.append((code, [cell.strip() for cell in rest.split(" | ")]))
    return rows


def _peer_codes() -> list[str]:
    if not PEER_CHECKS.is_file():
        pytest.skip(f"{PEER_CHECKS} not found")
    text = PEER_CHECKS.read_text(encoding="utf-8")
    section = text.split("### 1.2 All 153 issue codes", 1)[1].split("### 1.3", 1)[0]
    return [code for code, _ in ROW.findall(section)]


def test_every_access_analyzer_code_appears_exactly_once() -> None:
    codes = _peer_codes()
    assert len(codes) == 153
    mapped = [code for code, _ in _mapping_rows()]
    assert sorted(mapped) == sorted(codes)
    assert len(mapped) == len(set(mapped))


def test_every_rule_id_named_exists_and_links_to_its_section() -> None:
    text = MAPPING.read_text(encoding="utf-8")
    named = set(RULE_ID.findall(text))
    assert named, "the mapping names no rule"
    assert named <= set(RULES_BY_ID), sorted(named - set(RULES_BY_ID))
    for rule_id, target in re.findall(r"\[([A-Z]{2,4}\d{3})\]\(rules\.md#([a-z0-9-]+)\)", text):
        assert target == anchor(RULES_BY_ID[rule_id]), rule_id


@pytest.mark.parametrize("code, cells", _mapping_rows(), ids=lambda value: str(value)[:60])
def test_each_row_has_a_status_and_says_why_when_not_covered(code: str, cells: list[str]) -> None:
    assert len(cells) == 4, code
    _meaning, status, rules, note = cells
    assert status in STATUSES, code
    if status in ("covered", "partly covered"):
        assert RULE_ID.search(rules), f"{code}: {status} without a rule"
    else:
        assert rules == "—", f"{code}: {status} but names {rules}"
    if status != "covered":
        assert note, f"{code}: {status} needs a note saying why"


def test_the_summary_counts_match_the_rows() -> None:
    text = MAPPING.read_text(encoding="utf-8")
    counts = {status: 0 for status in STATUSES}
    for _code, cells in _mapping_rows():
        counts[cells[1]] += 1
    summary = ", ".join(f"{counts[status]} {status}" for status in STATUSES)
    assert f"Summary: {summary}." in text
