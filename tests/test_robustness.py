"""No input crashes iamlint, hangs it, or makes it lose a finding (issue 6, robustness).

Each hostile input gives a clear finding with a position, the run goes on with the other files,
and the exit status is the documented one (1: findings, 2: a run that could not complete).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.discovery import InputFile
from linter.engine import Linter, LintOptions
from linter.model import Span
from tests.conftest import as_rows

GOOD = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}\n'  # noqa: E501


def _lint_bytes(data: bytes, **options) -> list[tuple]:
    result = Linter(LintOptions(**options)).lint_bytes(data, "p.json")
    return as_rows(result.findings)


def _ids(data: bytes, **options) -> list[str]:
    return [row[0] for row in _lint_bytes(data, **options)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [("JSON009", 1, 1, 1, 1, "the file contains no JSON value")]),
        (
            b"  \n\t \n",
            [("JSON009", 1, 1, 1, 1, "the file contains no JSON value (only whitespace)")],
        ),
    ],
    ids=["empty", "whitespace"],
)
def test_empty_inputs(data: bytes, expected: list[tuple]) -> None:
    assert _lint_bytes(data) == expected


def test_binary_garbage_is_an_encoding_or_syntax_finding() -> None:
    data = bytes(range(256)) * 4
    rows = _lint_bytes(data)
    assert len(rows) == 1
    assert rows[0][0] in ("JSON005", "JSON001")
    assert rows[0][1:3] == (1, 1)


def test_invalid_utf8_points_at_the_bad_byte() -> None:
    data = b'{"Version": "2012-10-17",\n "Statement": [{"Sid": "\xff"}]}'
    [row] = _lint_bytes(data)
    assert row[:3] == ("JSON005", 2, 25)


def test_utf16_with_bom_is_refused_clearly() -> None:
    data = GOOD.encode("utf-16")
    [row] = _lint_bytes(data)
    assert row[0] == "JSON005"
    assert "UTF-16" in row[5] and "UTF-8" in row[5]


def test_utf8_bom_is_accepted_and_columns_ignore_it() -> None:
    text = '\ufeff{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}'  # noqa: E501
    [row] = _lint_bytes(text.encode("utf-8"), select=("GRM005",))
    assert row[:3] == ("GRM005", 1, 52)


def test_a_50_megabyte_file_is_refused_above_the_limit_without_reading_it_all(tmp_path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.write(b'{"Statement": [')
        handle.write(b" " * (50 * 1024 * 1024))
        handle.write(b"]}")
    result = Linter(LintOptions()).lint_paths([str(big)])
    [finding] = result.findings
    assert finding.rule_id == "JSON008"
    assert finding.span == Span(1, 1, 1, 1)
    assert "10485760" in finding.message.replace(",", "") or "10 MiB" in finding.message


def test_nesting_100000_deep_returns_quickly_with_a_position() -> None:
    data = b'{"Statement": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    [row] = _lint_bytes(data)
    assert row[0] == "JSON007"
    assert row[1] == 1


@pytest.mark.parametrize(
    ("statement", "rule", "message"),
    [
        (
            '"s3:GetObject"',
            "GRM004",
            "Statement must be an object or an array of objects, not a string",
        ),
        ("42", "GRM004", "Statement must be an object or an array of objects, not a number"),
        ("null", "GRM004", "Statement must be an object or an array of objects, not null"),
        ('["a", "b"]', "GRM004", "a statement must be an object, not a string"),
    ],
    ids=["string", "number", "null", "list-of-strings"],
)
def test_statement_of_the_wrong_type(statement: str, rule: str, message: str) -> None:
    data = f'{{"Version": "2012-10-17", "Statement": {statement}}}'.encode()
    rows = [r for r in _lint_bytes(data) if r[0] == rule]
    assert rows and rows[0][5] == message


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        ({"Sid": 7, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, "GRM009"),
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": "x"},
            "GRM013",
        ),
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": ["x"]},
            "GRM013",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": ["aws:SourceVpc"]},
            },
            "GRM013",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceVpc": {"a": {"b": "c"}}}},
            },
            "GRM013",
        ),
    ],
    ids=["sid-number", "condition-string", "condition-list", "operator-list", "nested-values"],
)
def test_wrong_shapes_are_findings_not_crashes(statement: dict, rule: str) -> None:
    data = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2).encode()
    ids = _ids(data)
    assert rule in ids
    assert "INT001" not in ids


def test_huge_integers_and_floats_do_not_crash() -> None:
    digits = "9" * 50_000
    data = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",'
        f' "Resource": "*", "Condition": {{"NumericLessThan": {{"s3:max-keys": {digits}}}}},'
        ' "Sid": 1e999}]}'
    ).encode()
    ids = _ids(data)
    assert "INT001" not in ids
    assert "GRM009" in ids


def test_nan_is_reported() -> None:
    data = b'{"Version": "2012-10-17", "Statement": [{"Sid": NaN}]}'
    assert "JSON006" in _ids(data)


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    data = b'{"Version": "2012-10-17",\n "Version": "2008-10-17", "Statement": []}'
    rows = [r for r in _lint_bytes(data) if r[0] == "JSON004"]
    assert [r[1:5] for r in rows] == [(2, 2, 2, 11)]


def test_ten_thousand_statements() -> None:
    statements = [
        {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::b{i}/*",
        }
        for i in range(10_000)
    ]
    data = json.dumps({"Version": "2012-10-17", "Statement": statements}).encode()
    ids = _ids(data)
    assert "INT001" not in ids


# -- file system ------------------------------------------------------------------------------


def test_a_file_deleted_during_the_walk_is_reported(tmp_path, monkeypatch) -> None:
    gone = tmp_path / "gone.json"
    linter = Linter(LintOptions())
    result = linter.lint_file(InputFile(str(gone), False))
    assert result.status == "unreadable"
    assert [f.rule_id for f in result.findings] == ["IO001"]
    assert "No such file or directory" in result.findings[0].message


def test_non_ascii_and_spaces_in_paths(tmp_path) -> None:
    directory = tmp_path / "politiques d'accès"
    directory.mkdir()
    path = directory / "rôle lecture.json"
    path.write_text(GOOD.replace('"Allow"', '"allow"'))
    result = Linter(LintOptions(select=("GRM005",))).lint_paths([str(tmp_path)])
    assert [(f.path, f.rule_id) for f in result.findings] == [(str(path), "GRM005")]


def test_a_directory_where_an_output_file_is_expected_is_a_usage_error(tmp_path) -> None:
    policy = tmp_path / "p.json"
    policy.write_text(GOOD)
    result = CliRunner().invoke(main, ["check", str(policy), "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_the_run_goes_on_after_bad_files_and_exits_2_when_incomplete(tmp_path) -> None:
    (tmp_path / "a_bad.json").write_bytes(b'{"Statement": [}')
    (tmp_path / "b_link.json").symlink_to(tmp_path / "missing.json")
    (tmp_path / "c_good.json").write_text(GOOD.replace('"Allow"', '"allow"'))
    result = CliRunner().invoke(main, ["check", "-q", "--no-config", str(tmp_path)])
    lines = result.output.splitlines()
    assert [line.split(" ")[1] for line in lines] == ["JSON001", "IO001", "GRM005"]
    assert result.exit_code == 2


def test_findings_only_exit_1_and_clean_exit_0(tmp_path) -> None:
    good = tmp_path / "good.json"
    good.write_text(GOOD)
    bad = tmp_path / "bad.json"
    bad.write_text(GOOD.replace('"Allow"', '"allow"'))
    runner = CliRunner()
    clean = runner.invoke(main, ["check", "--no-config", "--select", "GRM", str(good)])
    assert clean.exit_code == 0, clean.output
    dirty = runner.invoke(main, ["check", "--no-config", "--select", "GRM", str(bad)])
    assert dirty.exit_code == 1


def test_no_traceback_from_the_real_command_on_hostile_input(tmp_path) -> None:
    inputs = {
        "deep.json": b"[" * 100_000,
        "binary.json": os.urandom(4096),
        "utf16.json": GOOD.encode("utf-16"),
        "nan.json": b'{"Statement": [NaN]}',
    }
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "linter",
            "check",
            "--no-config",
            "-q",
            *sorted(map(str, tmp_path.iterdir())),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 1
    reported = {line.split(":", 1)[0].rsplit("/", 1)[-1] for line in completed.stdout.splitlines()}
    assert reported == set(inputs)


def test_wildcards_cannot_make_matching_exponential() -> None:
    # Found by fuzzing: "*a*a*...*b" translated to ".*a.*a...b" backtracks exponentially
    # against every action name of a service.
    hostile = "*a" * 40 + "*b"
    question_marks = "*?" * 25 + "*z"  # hung the previous version for minutes
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    f"s3:{hostile}",
                    f"{hostile}:GetObject",
                    hostile,
                    f"{question_marks}:{question_marks}",
                ],
                "NotResource": f"arn:aws:s3:::{hostile}",
                "Condition": {"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{hostile}"}},
            }
        ],
    }
    completed = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--no-config", "-q", "-"],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 1
