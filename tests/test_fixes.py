"""Fixes: each rule's fix as exact resulting text, byte-identical elsewhere; the CLI flags; the
fix objects in JSON and SARIF output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.decode import decode_text
from linter.engine import Linter, LintOptions
from linter.fixes import (
    Delete,
    Edit,
    FileFix,
    Fix,
    InsertMember,
    ReplaceKey,
    ReplaceValue,
    apply_edits,
    choose,
    fix_text,
    resolve_fix,
)
from linter.model import Span
from linter.sources import Unknown


def _fixed(text: str, *select: str, unsafe: bool = False, path: str = "p.json") -> str:
    linter = Linter(LintOptions(select=select))
    outcome = fix_text(text, lambda t: linter.lint_text(t, path), unsafe=unsafe)
    if path.endswith(".json"):
        assert decode_text(outcome.text).ok
    assert outcome.result.status == "linted"  # the fixed file parses
    return outcome.text


def _findings(text: str, *select: str, path: str = "p.json") -> list:
    return Linter(LintOptions(select=select)).lint_text(text, path).findings


def _policy(statement: str, newline: str = "\n") -> str:
    return newline.join(
        ["{", '  "Version": "2012-10-17",', '  "Statement": [', statement, "  ]", "}", ""]
    )


# -- safe fixes --------------------------------------------------------------------------------


def test_action_letter_case_edit_is_exact_and_keeps_crlf() -> None:
    text = _policy(
        '    {\r\n      "Effect": "Allow",\r\n      "Action": ["s3:getobject", "EC2:describe*"],'
        '\r\n      "Resource": "*"\r\n    }',
        "\r\n",
    )
    first = next(f for f in _findings(text, "ACT004") if "s3:GetObject" in f.message)
    assert first.fix == FileFix(
        "Write s3:GetObject",
        "safe",
        (Edit(99, 113, '"s3:GetObject"', Span(6, 18, 6, 32)),),
    )
    assert text[99:113] == '"s3:getobject"'
    assert _fixed(text, "ACT004") == text.replace("s3:getobject", "s3:GetObject").replace(
        "EC2:describe*", "ec2:Describe*"
    )
    assert "\n" not in _fixed(text, "ACT004").replace("\r\n", "")


def test_action_letter_case_aggregated_note_fixes_every_entry() -> None:
    text = _policy(
        '    {"Effect": "Allow", "Action": ["s3:getobject", "s3:putobject", "s3:listbucket",'
        ' "s3:deleteobject"], "Resource": "*"}'
    )
    (finding,) = _findings(text, "ACT004")
    assert finding.fix is not None and len(finding.fix.edits) == 4
    assert _fixed(text, "ACT004") == _policy(
        '    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket",'
        ' "s3:DeleteObject"], "Resource": "*"}'
    )


def test_trailing_comma_is_removed() -> None:
    text = _policy(
        '    {\n      "Effect": "Allow",\n      "Action": [\n        "sts:AssumeRole",\n      ],'
        '\n      "Resource": "*"\n    }'
    )
    assert _fixed(text, "JSON002") == text.replace('"sts:AssumeRole",\n', '"sts:AssumeRole"\n')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{\n    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
            '"Resource": "*"}]\n}',
            '{\n    "Version": "2012-10-17",\n    "Statement": [{"Effect": "Allow", '
            '"Action": "s3:GetObject", "Resource": "*"}]\n}',
        ),
        (
            '{\r\n\t"Statement" : []\r\n}\r\n',
            '{\r\n\t"Version" : "2012-10-17",\r\n\t"Statement" : []\r\n}\r\n',
        ),
        (
            '{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}',
            '{"Version":"2012-10-17", "Statement":[{"Effect":"Deny","Action":"s3:*",'
            '"Resource":"*"}]}',
        ),
        (
            '{ "Id": "x", "Statement": [] }',
            '{ "Version": "2012-10-17", "Id": "x", "Statement": [] }',
        ),
    ],
)
def test_missing_version_is_inserted_first_in_the_file_style(text: str, expected: str) -> None:
    assert _fixed(text, "GRM001") == expected


def test_no_version_fix_when_the_policy_has_a_variable() -> None:
    text = (
        '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",'
        ' "Resource": "arn:aws:s3:::b/${aws:username}/*"}]}'
    )
    (finding,) = _findings(text, "GRM001")
    assert finding.fix is None
    assert _fixed(text, "GRM001") == text


STATEMENT = '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}'
OTHER = '{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}'


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        # the later copy is removed: last element, with the comma before it
        ([STATEMENT, STATEMENT], [STATEMENT]),
        # a middle element, with the comma after it
        ([STATEMENT, STATEMENT, OTHER], [STATEMENT, OTHER]),
        ([OTHER, STATEMENT, OTHER.replace("Deny", "Allow"), STATEMENT], None),
    ],
)
def test_duplicate_statement_is_removed(statements: list[str], expected: list[str] | None) -> None:
    text = _policy(",\n".join(f"    {s}" for s in statements))
    if expected is None:
        expected = statements[:-1]
    assert _fixed(text, "POL001") == _policy(",\n".join(f"    {s}" for s in expected))


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ('["s3:GetObject", "s3:*"]', '["s3:*"]'),  # first element: its comma after it
        ('["s3:*", "s3:GetObject", "s3:PutObject"]', '["s3:*"]'),
        ('["s3:GetObject", "ec2:*", "s3:GetObject"]', '["s3:GetObject", "ec2:*"]'),
        (
            '[\n        "s3:GetObject",\n        "s3:GetObject",\n        "ec2:*"\n      ]',
            '[\n        "s3:GetObject",\n        "ec2:*"\n      ]',
        ),
        (
            '[\n        "s3:GetObject",\n        "ec2:*",\n        "s3:getobject"\n      ]',
            '[\n        "s3:GetObject",\n        "ec2:*"\n      ]',
        ),
    ],
)
def test_redundant_action_is_removed_with_its_comma(actions: str, expected: str) -> None:
    template = '    {"Effect": "Allow", "Action": %s, "Resource": "*"}'
    assert _fixed(_policy(template % actions), "POL002") == _policy(template % expected)


def test_redundant_resource_is_removed() -> None:
    template = '    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": %s}'
    text = _policy(template % '["arn:aws:s3:::b/*", "arn:aws:s3:::b/x", "arn:aws:s3:::b/*"]')
    assert _fixed(text, "POL003") == _policy(template % '["arn:aws:s3:::b/*"]')


def test_fixes_that_overlap_wait_for_the_next_pass() -> None:
    template = '    {"Effect": "Allow", "Action": %s, "Resource": "*"}'
    text = _policy(template % '["s3:getobject", "s3:GetObject", "s3:putobject"]')
    # ACT004 respells the first entry, POL002 deletes it: one per pass, both end up done.
    assert _fixed(text, "ACT004", "POL002") == _policy(
        template % '["s3:GetObject", "s3:PutObject"]'
    )


def test_safe_fixes_leave_the_unsafe_ones() -> None:
    text = _policy('    {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}')
    assert _fixed(text, "GRM005") == text
    assert _fixed(text, "GRM005", unsafe=True) == text.replace('"allow"', '"Allow"')


# -- unsafe fixes ------------------------------------------------------------------------------


def _condition_policy(condition: str) -> str:
    return _policy(
        '    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n'
        f'     "Condition": {condition}}}'
    )


def test_wildcard_value_gets_the_like_operator() -> None:
    text = _condition_policy('{"StringEquals": {"aws:PrincipalTag/team": "dev-*"}}')
    (finding,) = _findings(text, "CND014")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert _fixed(text, "CND014") == text
    assert _fixed(text, "CND014", unsafe=True) == text.replace("StringEquals", "StringLike")


def test_string_operator_on_arn_key_becomes_arn_operator() -> None:
    text = _condition_policy(
        '{"StringLike": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}, '
        '"StringEquals": {"aws:SourceArn": "arn:aws:s3:::b", "aws:SourceAccount": "1"}}'
    )
    # The StringEquals block also holds a non-ARN key: renaming it would change that key too.
    fixes = {f.fix.description for f in _findings(text, "CND008") if f.fix}
    assert fixes == {"Use ArnLike"}
    assert _fixed(text, "CND008", unsafe=True) == text.replace('"StringLike"', '"ArnLike"')


def test_set_operator_on_encryption_context_becomes_plain() -> None:
    text = _condition_policy(
        '{"ForAllValues:StringEquals": {"kms:EncryptionContext:team": "dev"}}'
    ).replace("s3:GetObject", "kms:Decrypt")
    assert _fixed(text, "KMS002", unsafe=True) == text.replace(
        "ForAllValues:StringEquals", "StringEquals"
    )


def test_a_rename_onto_an_existing_key_is_refused() -> None:
    text = _condition_policy(
        '{"ForAllValues:StringEquals": {"kms:EncryptionContext:team": "dev"}, '
        '"StringEquals": {"aws:PrincipalAccount": "1"}}'
    ).replace("s3:GetObject", "kms:Decrypt")
    (finding,) = _findings(text, "KMS002")
    assert finding.fix is None


def test_did_you_mean_action_and_keys() -> None:
    text = _policy('    {"Effect": "Allow", "Action": "s3:GetObjectt", "Resource": "*"}')
    assert _fixed(text, "ACT002", unsafe=True) == text.replace("GetObjectt", "GetObject")
    text = _condition_policy('{"IpAddress": {"aws:SourceIpAddress": "10.0.0.0/8"}}')
    assert _fixed(text, "CND002", unsafe=True) == text.replace("SourceIpAddress", "SourceIp")
    text = _condition_policy('{"StringEquals": {"s3:prefx": "home/"}}')
    assert _fixed(text, "CND003", unsafe=True) == text.replace("s3:prefx", "s3:prefix")
    text = _policy('    {"Effect": "Allow", "action": "s3:GetObject", "Resource": "*"}')
    assert _fixed(text, "GRM011", unsafe=True) == text.replace('"action"', '"Action"')


# -- exactness ---------------------------------------------------------------------------------


def test_a_value_known_only_at_deployment_gets_no_fix() -> None:
    text = '{"Statement": [{"Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}]}'
    decoded = decode_text(text)
    document = decoded.value
    fix = Fix.safe("Write s3:GetObject", ReplaceValue(("Statement", 0, "Action"), "s3:GetObject"))
    assert resolve_fix(fix, decoded, text, document) is not None
    document["Statement"][0]["Action"] = Unknown("!Ref Action")
    assert resolve_fix(fix, decoded, text, document) is None


def test_an_escaped_embedded_policy_gets_no_fix() -> None:
    inner = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:getobject",'
        ' "Resource": "*"}]}'
    )
    text = json.dumps({"Role": {"AssumeRolePolicyDocument": inner}})
    findings = _findings(text, "ACT004", path="role.json")
    assert [f.rule_id for f in findings] == ["ACT004"]
    assert findings[0].fix is None


def test_a_wrapped_policy_object_is_fixed_in_place() -> None:
    text = (
        '{"PolicyVersion": {"Document": {"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}]}, "VersionId": "v1"}}'
    )
    assert _fixed(text, "ACT004", path="v.json") == text.replace("getobject", "GetObject")


CLOUDFORMATION_YAML = """Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ["s3:getobject", "s3:GetObject", !Ref Extra]
            Resource: !Sub "arn:aws:s3:::${Bucket}/*"
          - Effect: Allow
            Action:
              - s3:putobject
              - "s3:listbucket"
            Resource: "*"
"""

TERRAFORM = """resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:getobject", "s3:GetObject"]
      Resource = "${aws_s3_bucket.b.arn}/*"
    }]
  })
}
resource "aws_iam_policy" "q" {
  policy = <<EOT
{
  "Statement": [{"Effect": "Allow", "Action": ["s3:getobject"], "Resource": "*"}]
}
EOT
}
"""


def test_templates_are_fixed_only_where_the_text_is_the_json_of_the_value() -> None:
    # YAML: a double-quoted scalar is JSON; a plain scalar, a block sequence and a neighbour
    # known only at deployment (!Ref) are not, so those fixes are refused.
    fixed = _fixed(CLOUDFORMATION_YAML, "ACT004", "POL002", "GRM001", path="t.yaml")
    assert fixed == CLOUDFORMATION_YAML.replace('["s3:getobject"', '["s3:GetObject"').replace(
        '"s3:listbucket"', '"s3:ListBucket"'
    )
    # Terraform: an HCL list of quoted strings is JSON text; a heredoc holds JSON verbatim.
    fixed = _fixed(TERRAFORM, "ACT004", "POL002", "GRM001", path="t.tf")
    assert fixed == TERRAFORM.replace(
        '["s3:getobject", "s3:GetObject"]', '["s3:GetObject"]'
    ).replace(
        '{\n  "Statement": [{"Effect": "Allow", "Action": ["s3:getobject"]',
        '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", '
        '"Action": ["s3:GetObject"]',
    )


def test_no_edit_writes_template_syntax() -> None:
    text = '{"Statement": [{"Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}]}'
    decoded = decode_text(text)
    fix = Fix.safe("x", ReplaceValue(("Statement", 0, "Action"), "s3:${aws:username}"))
    assert resolve_fix(fix, decoded, text, decoded.value) is None


def test_resolution_refuses_what_it_cannot_make_exactly() -> None:
    text = '{"Statement": [{"Effect": "Allow", "Action": ["s3:a"], "Resource": "*"}]}'
    decoded = decode_text(text)
    path = ("Statement", 0, "Action", 0)
    # the only element of an array, a path that does not exist, a key that exists already
    assert resolve_fix(Fix.safe("x", Delete(path)), decoded, text, decoded.value) is None
    missing = Fix.safe("x", ReplaceValue(("Statement", 3), 1))
    assert resolve_fix(missing, decoded, text, decoded.value) is None
    rename = Fix.safe("x", ReplaceKey(("Statement", 0, "Effect"), "Action"))
    assert resolve_fix(rename, decoded, text, decoded.value) is None
    insert = Fix.safe("x", InsertMember((), "Statement", []))
    assert resolve_fix(insert, decoded, text, decoded.value) is None


def test_choose_and_apply() -> None:
    a = FileFix("a", "safe", (Edit(0, 2, "x", Span(1, 1, 1, 3)),))
    b = FileFix("b", "safe", (Edit(1, 3, "y", Span(1, 2, 1, 4)),))
    c = FileFix("c", "safe", (Edit(3, 3, "z", Span(1, 4, 1, 4)),))
    assert choose([b, a, c]) == [a, c]
    assert apply_edits("0123", [a, c]) == "x2z3"
    with pytest.raises(ValueError):
        apply_edits("0123", [a, b])


# -- command line ------------------------------------------------------------------------------

BAD = (
    '{\r\n  "Statement": [\r\n    {"Effect": "Allow", "Action": ["s3:getobject", "s3:GetObject"],'
    ' "Resource": "*"},\r\n  ]\r\n}\r\n'
)
GOOD = (
    '{\r\n  "Version": "2012-10-17",\r\n  "Statement": [\r\n    {"Effect": "Allow", "Action": '
    '["s3:GetObject"], "Resource": "*"}\r\n  ]\r\n}\r\n'
)


def _run(cwd: Path, *args: str):
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(previous)


def test_check_fix_rewrites_the_file_and_reports_what_is_left(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    result = _run(
        tmp_path, "check", "--fix", "--no-config", "p.json", "--select", "ACT,POL,JSON,GRM"
    )
    assert policy.read_bytes() == b"\xef\xbb\xbf" + GOOD.encode()  # BOM and CRLF kept
    assert "fixed 4 finding(s) in 1 file(s)" in result.output
    assert result.exit_code == 0, result.output


def test_check_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_text(BAD.replace("\r\n", "\n"))
    default = _run(tmp_path, "check", "--diff", "--no-config", "p.json")
    # ACT004 and POL002 are opt-in rules: their fixes apply when they are selected.
    assert "would fix 2 finding(s) in 1 file(s)" in default.output
    result = _run(tmp_path, "check", "--diff", "--no-config", "--select", "ALL", "p.json")
    assert policy.read_text() == BAD.replace("\r\n", "\n")
    assert result.exit_code == 1
    assert result.output.startswith("--- a/p.json\n+++ b/p.json\n@@ -1,5 +1,6 @@\n {\n")
    assert '+  "Version": "2012-10-17",\n' in result.output
    assert "would fix 4 finding(s) in 1 file(s)" in result.output
    clean = tmp_path / "clean.json"
    clean.write_text(GOOD)
    assert _run(tmp_path, "check", "--diff", "--no-config", "clean.json").exit_code == 0


def test_unsafe_fixes_need_fix_or_diff(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(GOOD)
    result = _run(tmp_path, "check", "--unsafe-fixes", "p.json")
    assert result.exit_code == 2
    assert "--unsafe-fixes needs --fix or --diff" in result.output


def test_check_fix_unsafe(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_bytes(GOOD.replace('"Allow"', '"allow"').encode())
    _run(tmp_path, "check", "--fix", "--no-config", "p.json")
    assert policy.read_bytes() == GOOD.replace('"Allow"', '"allow"').encode()
    _run(tmp_path, "check", "--fix", "--unsafe-fixes", "--no-config", "p.json")
    assert policy.read_bytes() == GOOD.encode()


# -- reporters ---------------------------------------------------------------------------------


def _run_result(tmp_path: Path):
    policy = tmp_path / "p.json"
    policy.write_text(
        '{"Statement": [{"Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}]}'
    )
    return Linter(LintOptions(select=("ACT004",))).lint_paths([str(policy)])


def test_json_output_has_the_fix_object(tmp_path: Path) -> None:
    from linter.reporters import RenderOptions, render

    document = json.loads(render("json", _run_result(tmp_path), RenderOptions(root=str(tmp_path))))
    (finding,) = document["findings"]
    assert finding["fix"] == {
        "description": "Write s3:GetObject",
        "applicability": "safe",
        "edits": [
            {"line": 1, "column": 46, "end_line": 1, "end_column": 60, "content": '"s3:GetObject"'}
        ],
    }


def test_sarif_output_has_fixes(tmp_path: Path) -> None:
    from linter.reporters import RenderOptions, render

    log = json.loads(render("sarif", _run_result(tmp_path), RenderOptions(root=str(tmp_path))))
    (result,) = log["runs"][0]["results"]
    assert result["fixes"] == [
        {
            "description": {"text": "Write s3:GetObject (safe fix)"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "p.json", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 1,
                                "startColumn": 46,
                                "endLine": 1,
                                "endColumn": 60,
                            },
                            "insertedContent": {"text": '"s3:GetObject"'},
                        }
                    ],
                }
            ],
        }
    ]
