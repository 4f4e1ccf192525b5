"""Baselines: record, report only new findings, survive reformatting, list stale entries."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.baseline import (
    BaselineEntry,
    BaselineError,
    entries_for,
    normalised_element,
    parse_baseline,
    render_baseline,
)
from linter.cli import main
from linter.engine import Linter, LintOptions

SELECT = "GRM003,GRM011"
STATEMENTS = [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Extra": 1},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Other": 2},
]


def _policy(statements: list[dict], version: str = "2008-10-17", indent: int | str = 2) -> str:
    return json.dumps({"Version": version, "Statement": statements}, indent=indent) + "\n"


def _run(cwd: Path, *args: str):
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "--no-config", "--select", SELECT, *args])
    finally:
        os.chdir(previous)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "app.json").write_text(_policy(STATEMENTS))
    return tmp_path


def test_the_baseline_file_is_versioned_sorted_and_deterministic(project: Path) -> None:
    written = _run(project, "--write-baseline", "baseline.json", "policies")
    assert written.exit_code == 0
    assert written.stderr == "iamlint: wrote 3 finding(s) to the baseline baseline.json\n"
    text = (project / "baseline.json").read_text()
    document = json.loads(text)
    assert document["version"] == 1 and document["tool"] == "iamlint"
    rows = [(e["rule"], e["path"], e["element"], e["count"]) for e in document["entries"]]
    assert rows == [
        ("GRM003", "policies/app.json", "Version", 1),
        ("GRM011", "policies/app.json", "Statement[].Extra", 1),
        ("GRM011", "policies/app.json", "Statement[].Other", 1),
    ]
    assert all(len(e["fingerprint"]) == 16 for e in document["entries"])
    _run(project, "--write-baseline", "again.json", "policies")
    assert (project / "again.json").read_text() == text


def test_only_new_findings_are_reported(project: Path) -> None:
    _run(project, "--write-baseline", "baseline.json", "policies")
    clean = _run(project, "--baseline", "baseline.json", "-q", "policies")
    assert (clean.exit_code, clean.stdout) == (0, "")
    grown = [*STATEMENTS, {"Sid": "New", "Effect": "Allow", "Action": "*", "Resource": "*", "X": 1}]
    (project / "policies" / "app.json").write_text(_policy(grown))
    new = _run(project, "--baseline", "baseline.json", "-q", "policies")
    assert new.exit_code == 1
    assert new.stdout == 'policies/app.json:22:7: GRM011 [error] "X" is not a statement element\n'


def test_reformatting_and_moving_statements_does_not_resurrect_findings(project: Path) -> None:
    _run(project, "--write-baseline", "baseline.json", "policies")
    moved = "\n\n" + _policy(STATEMENTS[::-1], indent="\t")
    (project / "policies" / "app.json").write_text(moved)
    outcome = _run(project, "--baseline", "baseline.json", "policies")
    assert outcome.exit_code == 0
    assert outcome.stderr == "iamlint: baseline baseline.json: 3 known finding(s) hidden\n"


def test_fixed_findings_are_stale_entries(project: Path) -> None:
    _run(project, "--write-baseline", "baseline.json", "policies")
    fixed = [STATEMENTS[0], {k: v for k, v in STATEMENTS[1].items() if k != "Other"}]
    (project / "policies" / "app.json").write_text(_policy(fixed, version="2012-10-17"))
    outcome = _run(project, "--baseline", "baseline.json", "policies")
    assert outcome.exit_code == 0
    assert outcome.stderr.splitlines() == [
        "iamlint: baseline baseline.json: 1 known finding(s) hidden; 2 stale entries "
        "(fixed; --write-baseline drops them):",
        '  GRM003 policies/app.json Version: Version "2008-10-17" disables policy variables; '
        'use "2012-10-17"',
        '  GRM011 policies/app.json Statement[].Other: "Other" is not a statement element',
    ]
    report = json.loads(
        _run(project, "--baseline", "baseline.json", "--format", "json", ".").stdout
    )
    assert report["baseline"]["matched"] == 1
    assert [(e["rule"], e["element"]) for e in report["baseline"]["stale"]] == [
        ("GRM003", "Version"),
        ("GRM011", "Statement[].Other"),
    ]
    assert [s["suppression"]["source"] for s in report["suppressed"]] == ["baseline"]


def test_entries_of_files_outside_a_partial_run_are_not_stale(project: Path) -> None:
    (project / "policies" / "other.json").write_text(_policy(STATEMENTS[:1]))
    _run(project, "--write-baseline", "baseline.json", "policies")
    partial = _run(project, "--baseline", "baseline.json", "policies/other.json")
    assert partial.stderr == "iamlint: baseline baseline.json: 2 known finding(s) hidden\n"
    (project / "policies" / "app.json").unlink()
    deleted = _run(project, "--baseline", "baseline.json", "policies")
    assert "3 stale entries" in deleted.stderr


def test_paths_are_relative_to_the_baseline_file(project: Path) -> None:
    (project / "ci").mkdir()
    _run(project, "--write-baseline", "ci/baseline.json", "policies")
    paths = {
        e["path"] for e in json.loads((project / "ci" / "baseline.json").read_text())["entries"]
    }
    assert paths == {"../policies/app.json"}
    from_elsewhere = _run(project / "policies", "--baseline", "../ci/baseline.json", "app.json")
    assert from_elsewhere.exit_code == 0


def test_repeated_identical_findings_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}],}\n')
    result = Linter(LintOptions(select=("JSON002",))).lint_paths([str(path)])
    assert len(result.findings) == 2
    (entry,) = entries_for(result.findings, str(tmp_path))
    assert (entry.rule, entry.element, entry.count) == ("JSON002", "(document)", 2)
    fewer = Linter(LintOptions(select=("JSON002",)))
    path.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}, {},]}\n')
    from linter.baseline import apply_baseline

    applied = apply_baseline(fewer.lint_paths([str(path)]), [entry], "b.json", str(tmp_path))
    assert applied.baseline is not None and applied.baseline.matched == 2
    assert applied.baseline.stale == ()
    three = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}, {"A": 1,}],}\n'
    path.write_text(three)
    applied = apply_baseline(fewer.lint_paths([str(path)]), [entry], "b.json", str(tmp_path))
    assert len(applied.findings) == 1


def test_engine_reported_findings_are_never_baselined(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    result = Linter(LintOptions()).lint_paths([str(missing)])
    assert [f.rule_id for f in result.findings] == ["IO001"]
    assert entries_for(result.findings, str(tmp_path)) == []


def test_unreadable_or_foreign_baselines_exit_2(project: Path) -> None:
    missing = _run(project, "--baseline", "nope.json", "policies")
    assert missing.exit_code == 2
    assert "cannot read the baseline nope.json: No such file or directory" in missing.output
    (project / "sarif.json").write_text('{"version": "2.1.0", "runs": []}')
    foreign = _run(project, "--baseline", "sarif.json", "policies")
    assert foreign.exit_code == 2
    assert 'sarif.json: not an iamlint baseline (no "tool": "iamlint")' in foreign.output


def test_parse_errors_name_the_problem() -> None:
    base = {"version": 1, "tool": "iamlint"}
    with pytest.raises(BaselineError, match="version 2 is not supported"):
        parse_baseline(json.dumps({**base, "version": 2, "entries": []}), "b.json")
    with pytest.raises(BaselineError, match="entry 0 lacks one of rule, path"):
        parse_baseline(json.dumps({**base, "entries": [{"rule": "GRM003"}]}), "b.json")
    entry = {"rule": "A", "path": "p", "fingerprint": "f", "element": "e", "count": 0}
    with pytest.raises(BaselineError, match='"count" must be a positive integer'):
        parse_baseline(json.dumps({**base, "entries": [entry]}), "b.json")
    with pytest.raises(BaselineError, match="not JSON"):
        parse_baseline("{", "b.json")


def test_render_and_parse_round_trip() -> None:
    entries = [
        BaselineEntry("GRM011", "b.json", "ff", "Statement[].X", 2, "m"),
        BaselineEntry("GRM003", "a.json", "00", "Version", 1, "n"),
    ]
    parsed = parse_baseline(render_baseline(entries), "x")
    assert parsed == sorted(entries, key=lambda e: (e.path, e.rule))
    assert normalised_element(("PolicyDocument", "Statement", 3, "Action", 0)) == (
        "PolicyDocument.Statement[].Action[]"
    )
