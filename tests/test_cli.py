"""The command line: exit statuses, outputs, options that appear in the documentation."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import FORMATS, _parse_output_files, main
from tests.conftest import ROOT

OLD_VERSION = (
    '{\n  "Version": "2008-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",'
    ' "Resource": "arn:aws:s3:::example-reports/*"}]\n}\n'
)
MESSAGE = 'Version "2008-10-17" disables policy variables; use "2012-10-17"'


def _run(cwd: Path, *args: str):
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(previous)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.json").write_text(OLD_VERSION)
    (tmp_path / "good.json").write_text(OLD_VERSION.replace("2008-10-17", "2012-10-17"))
    return tmp_path


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["good.json"], 0),
        (["bad.json"], 1),
        (["--fail-on", "error", "bad.json"], 0),
        (["--fail-on", "warning", "bad.json"], 1),
        (["--fail-on", "never", "bad.json"], 0),
        (["--fail-on", "never", "missing.json"], 2),
        (["good.json", "missing.json"], 2),
        ([], 2),
        (["--select", "NOPE", "bad.json"], 2),
        (["--format", "xml", "bad.json"], 2),
        (["--write-baseline", "b.json", "bad.json"], 0),
    ],
)
def test_exit_status(project: Path, args: list[str], status: int) -> None:
    outcome = _run(project, "check", "--no-config", "--select", "GRM003", *args)
    assert outcome.exit_code == status, outcome.output


def test_the_text_report_exactly(project: Path) -> None:
    outcome = _run(project, "check", "--no-config", "--select", "GRM003", "--color", "never", ".")
    assert (
        outcome.stdout.splitlines()
        == [
            f"bad.json:2:14: GRM003 [warning] {MESSAGE}",
            "  |",
            '2 |   "Version": "2008-10-17",',
            "  |              ^^^^^^^^^^^^",
            "Found 1 problem (1 warning) in 2 files checked.",
        ]
        or outcome.stdout.splitlines()[0] == f"./bad.json:2:14: GRM003 [warning] {MESSAGE}"
    )


def test_output_writes_the_main_report_to_a_file(project: Path) -> None:
    outcome = _run(
        project,
        "check",
        "--no-config",
        "--select",
        "GRM003",
        "--format",
        "json",
        "-o",
        "r.json",
        "bad.json",
    )
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    document = json.loads((project / "r.json").read_text())
    assert [(f["rule"], f["line"], f["column"]) for f in document["findings"]] == [
        ("GRM003", 2, 14)
    ]


def test_an_unwritable_output_is_an_error(project: Path) -> None:
    outcome = _run(
        project, "check", "--no-config", "--output-file", "sarif:nodir/x.sarif", "bad.json"
    )
    assert outcome.exit_code == 2
    assert "cannot write nodir/x.sarif: No such file or directory" in outcome.output


def test_jobs_give_the_same_report(project: Path) -> None:
    for number in range(5):
        (project / f"copy{number}.json").write_text(OLD_VERSION)
    one = _run(project, "check", "--no-config", "--format", "json", "--jobs", "1", ".")
    two = _run(project, "check", "--no-config", "--format", "json", "--jobs", "2", ".")
    assert one.stdout == two.stdout


def _documented_commands() -> list[list[str]]:
    """The ``iamlint ...`` command lines inside the code blocks of the CI and config docs."""
    commands = []
    for name in ("ci.md", "configuration.md"):
        text = (ROOT / "docs" / name).read_text()
        for block in re.findall(r"```(?:sh|yaml)\n(.*?)```", text, re.DOTALL):
            for line in re.findall(r"^\s*(?:- |run: )?(iamlint \S.*)$", block, re.MULTILINE):
                commands.append(shlex.split(line.split("  #")[0])[1:])
    return commands


def test_documented_commands_parse() -> None:
    commands = _documented_commands()
    assert len(commands) >= 6
    for args in commands:
        with main.make_context("iamlint", list(args)) as context:
            subcommand = main.get_command(context, args[0])
            assert subcommand is not None, args
            parsed = subcommand.make_context(args[0], list(args[1:]), parent=context)
            if parsed.params.get("output_files"):
                _parse_output_files(parsed.params["output_files"], FORMATS)


def test_rules_lists_every_rule_as_text_and_json() -> None:
    from checks import ALL_CHECKS

    runner = CliRunner()
    text = runner.invoke(main, ["rules"]).output.splitlines()
    assert [line.split()[0] for line in text] == [r.id for r in ALL_CHECKS]
    rows = json.loads(runner.invoke(main, ["rules", "--format", "json"]).output)
    assert [r["id"] for r in rows] == [r.id for r in ALL_CHECKS]


def test_verbose_names_each_policy_its_type_and_why(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  Key:\n"
        "    Type: AWS::KMS::Key\n"
        "    Properties:\n"
        "      KeyPolicy:\n"
        '        Version: "2012-10-17"\n'
        "        Statement:\n"
        "          - Effect: Allow\n"
        '            Principal: {AWS: "arn:aws:iam::111122223333:root"}\n'
        '            Action: "kms:*"\n'
        '            Resource: "*"\n'
    )
    result = CliRunner().invoke(
        main, ["check", "--no-config", "--no-cache", "-q", "-v", str(template)]
    )
    assert (
        f"iamlint: {template}: Resources.Key.Properties.KeyPolicy [cloudformation] kms-key policy "
        "(AWS::KMS::Key KeyPolicy)"
    ) in result.stderr
