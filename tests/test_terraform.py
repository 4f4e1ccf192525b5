"""Terraform as a policy source: HCL (``.tf``), ``.tf.json`` and plan JSON.

Sources (labels, policy types and why), documents (Unknowns included) and exact spans of keys
and values, from the fixtures in ``fixtures/templates/terraform/`` and small inline files.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from linter.api import lint_paths
from linter.decode import decode_bytes
from linter.formats import tf_template
from linter.formats.terraform import from_hcl
from linter.formats.terraform_json import from_tf_json
from linter.formats.terraform_plan import from_plan, looks_like_plan
from linter.model import PolicyType, Span
from linter.sources import InlineIgnore, ParsedFile, PolicySource, Unknown
from tests.conftest import FIXTURES, ROOT, as_rows

TF = FIXTURES / "templates" / "terraform"


def _hcl(name: str) -> ParsedFile:
    parsed = from_hcl((TF / name).read_bytes(), name, True)
    assert parsed is not None
    return parsed


def _inline(text: str) -> ParsedFile:
    parsed = from_hcl(textwrap.dedent(text).lstrip().encode(), "main.tf", True)
    assert parsed is not None
    return parsed


def _json(name: str) -> ParsedFile:
    parsed = from_tf_json(decode_bytes((TF / name).read_bytes()), name)
    assert parsed is not None
    return parsed


def _plan(name: str) -> ParsedFile:
    parsed = from_plan(decode_bytes((TF / name).read_bytes()), name)
    assert parsed is not None
    return parsed


def _by_label(parsed: ParsedFile) -> dict[str, PolicySource]:
    return {source.label: source for source in parsed.sources}


def _span(source: PolicySource, *path: str | int, key: bool = False) -> tuple | None:
    span = source.locator.span(path, key=key)
    return tuple(span) if span is not None else None


# -- jsonencode -------------------------------------------------------------------------------


def test_jsonencode_object_is_the_document_with_spans_for_keys_and_tuple_elements() -> None:
    (source,) = _hcl("jsonencode_bad.tf").sources
    assert source.label == "aws_iam_policy.admin.policy"
    assert source.policy_type is PolicyType.IDENTITY
    assert source.type_reason == "aws_iam_policy policy"
    assert source.wrapper == "terraform"
    assert source.document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Everything",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "*"],
                "Resource": "*",
            }
        ],
    }
    assert _span(source, "Statement", 0, "Action", 1) == (9, 37, 9, 40)
    assert _span(source, "Statement", 0, "Action") == (9, 20, 9, 41)
    assert _span(source, "Statement", 0, "Action", key=True) == (9, 9, 9, 15)
    assert _span(source, "Statement", 0, "Resource") == (10, 20, 10, 23)
    assert _span(source, "Statement", key=True) == (5, 5, 5, 14)
    # A path the document lacks falls back to the nearest one that exists.
    assert tuple(source.locator.nearest_span(("Statement", 0, "Condition"))) == (6, 7, 11, 8)


def test_jsonencode_references_are_typed_unknowns() -> None:
    (source,) = _hcl("jsonencode_good.tf").sources
    resources = source.document["Statement"][0]["Resource"]
    assert resources == [
        Unknown("aws_s3_bucket.logs.arn", "arn:*:s3:::*", "arn"),
        Unknown("${aws_s3_bucket.logs.arn}/*", "arn:*:s3:::*/*", "arn"),
    ]
    assert _span(source, "Statement", 0, "Resource", 0) == (14, 21, 14, 43)
    assert _span(source, "Statement", 0, "Resource", 1) == (14, 45, 14, 74)


def test_hcl_expressions_become_unknowns_with_the_text_as_written() -> None:
    (source,) = _inline(
        """
        resource "aws_iam_policy" "p" {
          policy = jsonencode({
            Statement = [{
              Sid       = "A"
              Effect    = var.deny ? "Deny" : "Allow"
              Action    = [for a in var.actions : "s3:${a}"]
              Resource  = "arn:aws:s3:::$${aws:username}/%{if var.x}a%{endif}"
              Principal = {
            AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"
          }
              NotAction = local.actions
              Condition = { (var.operator) = { "aws:SourceVpc" = "vpc-1" } }
              Number    = 1.5
              Flags     = [true, null, 2]
              Partition = data.aws_partition.current.partition
              Role      = "${aws_iam_role.app.arn}"
            }]
          })
        }
        """
    ).sources
    statement = source.document["Statement"][0]
    assert statement["Effect"] == Unknown('var.deny ? "Deny" : "Allow"')
    assert statement["Action"] == Unknown('[for a in var.actions : "s3:${a}"]')
    # $${ is a literal ${ (an IAM policy variable); the %{} directive is unknown.
    assert statement["Resource"] == Unknown(
        "arn:aws:s3:::$${aws:username}/%{if var.x}a%{endif}",
        "arn:aws:s3:::${aws:username}/*",
        "arn",
    )
    assert statement["Principal"] == {
        "AWS": Unknown(
            "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
            "arn:aws:iam::????????????:root",
            "arn",
        )
    }
    assert statement["NotAction"] == Unknown("local.actions")
    # A computed key: which operator it is cannot be known, so the whole object is unknown.
    assert statement["Condition"] == Unknown('{ (var.operator) = { "aws:SourceVpc" = "vpc-1" } }')
    assert statement["Number"] == 1.5
    assert statement["Flags"] == [True, None, 2]
    assert statement["Partition"] == Unknown(
        "data.aws_partition.current.partition", "aws*", "string"
    )
    assert statement["Role"] == Unknown("${aws_iam_role.app.arn}", "arn:*:iam::*:role/*", "arn")


def test_columns_count_code_points_and_escapes_map_to_their_source() -> None:
    (source,) = _inline(
        """
        resource "aws_iam_policy" "p" {
          policy = jsonencode({ Statement = [{ Sid = "é", Action = "s3:\\u0047etObject" }] })
        }
        """
    ).sources
    statement = source.document["Statement"][0]
    assert statement["Action"] == "s3:GetObject"
    line = 'policy = jsonencode({ Statement = [{ Sid = "é", Action = "s3:\\u0047etObject"'
    column = len("  ") + line.index('"s3:') + 1
    assert _span(source, "Statement", 0, "Action") == (2, column, 2, column + 19)


def test_crlf_line_breaks() -> None:
    text = (
        'resource "aws_iam_policy" "p" {\r\n  policy = jsonencode({\r\n    Statement = []\r\n'
        "  })\r\n}\r\n"
    )
    (source,) = from_hcl(text.encode(), "main.tf", True).sources
    assert _span(source, "Statement") == (3, 17, 3, 19)


# -- heredocs and JSON strings ----------------------------------------------------------------


def test_heredoc_json_spans_are_lines_inside_the_heredoc() -> None:
    (source,) = _hcl("heredoc_bad.tf").sources
    assert source.label == "aws_s3_bucket_policy.public.policy"
    assert source.policy_type is PolicyType.RESOURCE
    statement = source.document["Statement"][0]
    assert statement["Principal"] == "*"
    assert statement["Resource"] == Unknown("${aws_s3_bucket.site.arn}/*", "arn:*:s3:::*/*", "arn")
    assert _span(source, "Statement", 0, "Principal") == (10, 24, 10, 27)
    assert _span(source, "Statement", 0, "Principal", key=True) == (10, 11, 10, 22)
    assert _span(source, "Statement", 0, "Resource") == (12, 23, 12, 52)


def test_interpolation_where_a_json_value_stands_is_an_unknown_value() -> None:
    (source,) = _inline(
        """
        resource "aws_iam_role_policy" "p" {
          policy = <<EOF
        {"Statement": [{"Effect": "Allow", "Action": ${jsonencode(var.actions)},
          "Resource": ${jsonencode(aws_sqs_queue.jobs.arn)}, "Sid": "${var.sid}"}]}
        EOF
        }
        """
    ).sources
    statement = source.document["Statement"][0]
    assert statement["Action"] == Unknown("${jsonencode(var.actions)}")
    assert statement["Resource"] == Unknown(
        "${jsonencode(aws_sqs_queue.jobs.arn)}", "arn:*:sqs:*:*:*", "arn"
    )
    assert statement["Sid"] == Unknown("${var.sid}")
    assert _span(source, "Statement", 0, "Action") == (3, 46, 3, 72)
    assert _span(source, "Statement", 0, "Resource") == (4, 15, 4, 52)


def test_indented_heredoc_and_quoted_json_string() -> None:
    parsed = _inline(
        """
        resource "aws_iam_role_policy" "indented" {
          policy = <<-EOT
            {
              "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
            }
          EOT
        }
        resource "aws_iam_user_policy" "quoted" {
          policy = "{\\"Statement\\": [{\\"Effect\\": \\"Deny\\", \\"Action\\": \\"*\\"}]}"
        }
        """
    )
    indented, quoted = parsed.sources
    assert indented.document["Statement"][0]["Action"] == "s3:GetObject"
    assert _span(indented, "Statement", 0, "Action") == (4, 51, 4, 65)
    assert quoted.label == "aws_iam_user_policy.quoted.policy"
    assert quoted.document["Statement"][0]["Effect"] == "Deny"
    assert _span(quoted, "Statement", 0, "Effect") == (9, 43, 9, 51)
    assert _span(quoted, "Statement", 0, "Effect", key=True) == (9, 31, 9, 41)


def test_invalid_json_in_a_heredoc_is_a_problem_of_that_source_at_its_line() -> None:
    (source,) = _inline(
        """
        resource "aws_iam_policy" "p" {
          policy = <<EOF
        {"Statement": [{"Effect": "Allow",, "Action": "*"}]}
        EOF
        }
        """
    ).sources
    assert not source.ok
    assert source.problems[0].code == "syntax"
    assert tuple(source.problems[0].span)[:2] == (3, 35)


# -- aws_iam_policy_document ------------------------------------------------------------------


def test_policy_document_statement_principals_and_type_from_use() -> None:
    (source,) = _hcl("policy_document_bad.tf").sources
    assert source.label == "data.aws_iam_policy_document.assume"
    assert source.policy_type is PolicyType.TRUST
    assert source.type_reason == "used as aws_iam_role assume_role_policy"
    assert source.document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AnyoneMayAssume",
                "Effect": "Allow",
                "Action": ["sts:AssumeRole"],
                "Principal": {"AWS": ["*"]},
            }
        ],
    }
    assert _span(source, "Statement", 0, "Principal", "AWS", 0) == (8, 22, 8, 25)
    assert _span(source, "Statement", 0, "Principal", "AWS") == (8, 21, 8, 26)
    assert _span(source, "Statement", 0, "Principal", "AWS", key=True) == (7, 21, 7, 26)
    assert _span(source, "Statement", 0, "Principal", key=True) == (6, 5, 6, 15)
    assert _span(source, "Statement", 0, "Action", 0) == (4, 16, 4, 32)
    assert _span(source, "Statement", 0, "Action", key=True) == (4, 5, 4, 12)
    # Effect is not written: the statement block stands for it.
    assert tuple(source.locator.nearest_span(("Statement", 0, "Effect"))) == (2, 3, 10, 4)


def test_policy_document_conditions_and_iam_variables() -> None:
    assume, home = _hcl("policy_document_good.tf").sources
    statement = assume.document["Statement"][0]
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ["111122223333"]}}
    assert _span(assume, "Statement", 0, "Condition", "StringEquals", "aws:SourceAccount", 0) == (
        17,
        19,
        17,
        33,
    )
    condition_key = _span(
        assume, "Statement", 0, "Condition", "StringEquals", "aws:SourceAccount", key=True
    )
    assert condition_key == (16, 18, 16, 37)
    assert _span(assume, "Statement", 0, "Condition", "StringEquals", key=True) == (15, 18, 15, 32)
    assert _span(assume, "Statement", 0, "Condition", key=True) == (14, 5, 14, 14)
    assert home.policy_type is PolicyType.IDENTITY
    assert home.type_reason == "used as aws_iam_user_policy policy"
    assert home.document["Statement"][0]["Resource"] == [
        "arn:aws:s3:::example-home/${aws:username}/*"
    ]


def test_principals_of_one_type_merge_and_star_principal() -> None:
    (source,) = _inline(
        """
        data "aws_iam_policy_document" "d" {
          statement {
            actions = ["s3:GetObject"]
            principals {
              type        = "AWS"
              identifiers = ["arn:aws:iam::111122223333:root"]
            }
            principals {
              type        = "AWS"
              identifiers = ["arn:aws:iam::444455556666:root"]
            }
            condition {
              test     = "StringEquals"
              variable = "aws:PrincipalTag/team"
              values   = ["a"]
            }
            condition {
              test     = "StringEquals"
              variable = "aws:PrincipalTag/team"
              values   = ["b"]
            }
          }
          statement {
            not_actions = ["iam:*"]
            not_principals {
              type        = "*"
              identifiers = ["*"]
            }
          }
        }
        """
    ).sources
    first, second = source.document["Statement"]
    assert first["Principal"] == {
        "AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]
    }
    assert _span(source, "Statement", 0, "Principal", "AWS", 1) == (10, 22, 10, 54)
    assert first["Condition"] == {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}
    assert _span(
        source, "Statement", 0, "Condition", "StringEquals", "aws:PrincipalTag/team", 1
    ) == (
        20,
        19,
        20,
        22,
    )
    assert second["NotPrincipal"] == "*"
    assert second["NotAction"] == ["iam:*"]
    assert _span(source, "Statement", 1, "NotPrincipal") == (27, 22, 27, 25)


def test_dynamic_blocks() -> None:
    (source,) = _inline(
        """
        data "aws_iam_policy_document" "d" {
          dynamic "statement" {
            for_each = var.statements
            content {
              sid         = statement.value.sid
              actions     = statement.value.actions
              not_actions = statement.value.not_actions
            }
          }
          dynamic "statement" {
            for_each = var.enabled ? [1] : []
            content {
              actions   = ["s3:GetObject"]
              resources = ["*"]
              dynamic "condition" {
                for_each = var.conditions
                iterator = c
                content {
                  test     = c.value.test
                  variable = c.value.variable
                  values   = c.value.values
                }
              }
            }
          }
        }
        """
    ).sources
    # Each element of for_each gives its own values (null ones leave attributes out): the
    # statements it makes are unknown. Content that does not use the iterator is read as is.
    assert source.document["Statement"] == [
        Unknown('dynamic "statement"'),
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": ["*"],
            "Condition": Unknown('dynamic "condition"'),
        },
    ]
    assert _span(source, "Statement", 0) == (2, 3, 9, 4)
    assert _span(source, "Statement", 1, "Condition") == (15, 7, 23, 8)


def test_source_documents_merge_and_a_document_only_merged_is_not_linted_alone() -> None:
    (source,) = _hcl("source_override_bad.tf").sources
    assert source.label == "data.aws_iam_policy_document.app"
    assert [s["Sid"] for s in source.document["Statement"]] == ["PassAnyRole", "ReadConfig"]
    # The merged statement keeps the spans of the block it was written in.
    assert _span(source, "Statement", 0, "Resource", 0) == (5, 18, 5, 21)
    assert _span(source, "Statement", 1, "Action", 0) == (14, 18, 14, 36)


def test_override_documents_replace_statements_by_sid_in_place() -> None:
    (source,) = _hcl("source_override_good.tf").sources
    statements = source.document["Statement"]
    assert [s["Sid"] for s in statements] == ["PassAnyRole", "ReadConfig"]
    assert statements[0]["Resource"] == ["arn:aws:iam::111122223333:role/app-task"]
    assert _span(source, "Statement", 0, "Resource", 0) == (13, 18, 13, 59)


def test_documents_merged_from_elsewhere_are_unknown_statements() -> None:
    (source,) = _inline(
        """
        data "aws_iam_policy_document" "d" {
          source_policy_documents   = [var.base_policy]
          override_policy_documents = [jsonencode({
            Statement = [{ Sid = "X", Effect = "Deny", Action = "*", Resource = "*" }]
          })]
          statement {
            sid     = "X"
            actions = ["s3:*"]
          }
          statement {
            actions = ["sqs:*"]
          }
        }
        """
    ).sources
    assert source.document["Statement"] == [
        Unknown("var.base_policy"),
        {"Sid": "X", "Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["sqs:*"]},
    ]
    assert _span(source, "Statement", 0) == (2, 32, 2, 47)
    assert _span(source, "Statement", 1, "Effect") == (4, 40, 4, 46)


# -- policy types, unknown documents, organizations -------------------------------------------


def test_policy_types_from_the_attribute_and_unknown_documents() -> None:
    found = [(s.label, s.policy_type, s.type_reason) for s in _hcl("types.tf").sources]
    assert found == [
        ("data.aws_iam_policy_document.key", PolicyType.KMS_KEY, "used as aws_kms_key policy"),
        ("aws_vpc_endpoint.s3.policy", PolicyType.VPC_ENDPOINT, "aws_vpc_endpoint policy"),
        (
            "aws_organizations_policy.deny_leave.content",
            PolicyType.SCP,
            "aws_organizations_policy content",
        ),
        (
            "aws_organizations_policy.rcp.content",
            PolicyType.RCP,
            "aws_organizations_policy content",
        ),
        (
            "aws_iam_role.app.assume_role_policy",
            PolicyType.TRUST,
            "aws_iam_role assume_role_policy",
        ),
        (
            "aws_iam_role.app.inline_policy.policy",
            PolicyType.IDENTITY,
            "aws_iam_role inline_policy.policy",
        ),
        ("aws_iam_role_policy.from_file.policy", PolicyType.IDENTITY, "aws_iam_role_policy policy"),
    ]
    sources = _by_label(_hcl("types.tf"))
    unknown = sources["aws_iam_role.app.assume_role_policy"]
    assert unknown.document == Unknown("var.assume_role_policy")
    assert _span(unknown) == (49, 24, 49, 46)
    templated = sources["aws_iam_role_policy.from_file.policy"].document
    assert templated == Unknown(
        'templatefile("${path.module}/policy.json.tpl", { bucket = var.bucket })'
    )
    key = sources["data.aws_iam_policy_document.key"].document
    assert key["Statement"][0]["Principal"]["AWS"] == [
        Unknown(
            "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
            "arn:aws:iam::????????????:root",
            "arn",
        )
    ]


def test_references_to_policies_linted_elsewhere_are_not_sources_and_null_is_none() -> None:
    parsed = from_hcl(
        textwrap.dedent(
            """
            resource "aws_iam_role_policy" "a" {
              policy = data.aws_iam_policy_document.elsewhere.json
            }
            resource "aws_iam_role_policy" "b" {
              policy = aws_iam_policy.shared.policy
            }
            resource "aws_iam_role_policy" "c" {
              policy = null
            }
            resource "aws_iam_role_policy" "d" {
              policy = "${data.aws_iam_policy_document.other.minified_json}"
            }
            """
        ).encode(),
        "main.tf",
        False,
    )
    assert parsed is None


# -- bad input --------------------------------------------------------------------------------


def test_syntax_error_is_one_problem_at_the_unclosed_bracket() -> None:
    parsed = _hcl("syntax_error.tf")
    assert parsed.sources == ()
    (problem,) = parsed.problems
    assert problem.code == "template-syntax"
    assert problem.message == "HCL syntax error: '[' is not closed"
    assert problem.span == Span(5, 17, 5, 18)
    assert problem.fatal


def test_syntax_error_elsewhere_keeps_the_well_formed_blocks() -> None:
    parsed = _inline(
        """
        resource "aws_iam_policy" "ok" {
          policy = jsonencode({ Statement = [] })
        }
        resource "aws_s3_bucket" "broken" {
          bucket = = "x"
        }
        """
    )
    assert [s.label for s in parsed.sources] == ["aws_iam_policy.ok.policy"]
    (problem,) = parsed.problems
    assert problem.code == "template-syntax"
    assert problem.span.line == 5
    assert not problem.fatal


def test_a_file_without_policies_is_skipped() -> None:
    assert from_hcl((TF / "no_policy.tf").read_bytes(), "no_policy.tf", True) is None
    assert from_hcl(b"", "empty.tf", True) is None


def test_a_broken_file_without_policies_is_reported_only_when_named() -> None:
    assert from_hcl(b'variable "x" {\n', "vars.tf", False) is None
    named = from_hcl(b'variable "x" {\n', "vars.tf", True)
    assert named is not None and named.problems[0].code == "template-syntax"
    assert from_hcl(b"\xff\xfe", "bad.tf", False) is None
    assert from_hcl(b"\xff\xfe", "bad.tf", True).problems[0].code == "encoding"


# -- inline ignores ---------------------------------------------------------------------------


def test_ignore_comments_apply_to_the_block_or_attribute_below() -> None:
    parsed = _hcl("ignore.tf")
    break_glass, deploy = parsed.sources
    assert break_glass.ignores == (
        InlineIgnore(
            ("LPR001",), Span(1, 1, 1, 53), "break-glass role, reviewed", Span(2, 1, 8, 2)
        ),
    )
    reason = "the deploy pipeline passes many roles"
    # Above a tuple element (a statement object): its scope is that element.
    assert deploy.ignores == (
        InlineIgnore(("LPR002",), Span(15, 7, 15, 70), reason, Span(16, 7, 20, 8)),
    )
    # One above a block without a policy stays with the file, to be reported as unused.
    assert parsed.ignores == (
        InlineIgnore(
            ("KMS001",), Span(25, 1, 25, 50), "nothing to ignore here", Span(26, 1, 26, 21)
        ),
    )


# -- .tf.json ---------------------------------------------------------------------------------


def test_tf_json_policy_string_spans_inside_the_string() -> None:
    (source,) = _json("main_bad.tf.json").sources
    assert source.label == "aws_kms_key.data.policy"
    assert source.policy_type is PolicyType.KMS_KEY
    assert source.document["Statement"][0]["Principal"] == "*"
    assert _span(source, "Statement", 0, "Principal") == (6, 128, 6, 133)


def test_tf_json_policy_document_and_jsonencode_expression() -> None:
    (document,) = _json("main_good.tf.json").sources
    assert document.label == "data.aws_iam_policy_document.assume"
    assert document.policy_type is PolicyType.TRUST
    assert document.document["Statement"][0]["Principal"] == {"Service": ["ec2.amazonaws.com"]}
    assert _span(document, "Statement", 0, "Principal", "Service", 0) == (16, 64, 16, 83)
    text = (
        '{"resource": {"aws_iam_policy": {"p": {"policy": '
        '"${jsonencode({Statement = [{Effect = \\"Allow\\", Action = \\"*\\", '
        'Resource = \\"${aws_s3_bucket.b.arn}/*\\"}]})}"}}}}'
    )
    (source,) = from_tf_json(decode_bytes(text.encode()), "main.tf.json").sources
    statement = source.document["Statement"][0]
    assert statement["Action"] == "*"
    assert statement["Resource"] == Unknown("${aws_s3_bucket.b.arn}/*", "arn:*:s3:::*/*", "arn")
    start = text.index('\\"*\\"') + 1
    assert _span(source, "Statement", 0, "Action") == (1, start, 1, start + 5)


# -- plan JSON --------------------------------------------------------------------------------


def test_plan_resources_child_modules_and_known_after_apply() -> None:
    parsed = _plan("plan_bad.json")
    assert [(s.label, s.policy_type) for s in parsed.sources] == [
        ("aws_iam_role.app.assume_role_policy", PolicyType.TRUST),
        ("module.queue.aws_sqs_queue_policy.this.policy", PolicyType.RESOURCE),
        ("aws_kms_key.data.policy", PolicyType.KMS_KEY),
    ]
    role, queue, key = parsed.sources
    assert role.wrapper == "terraform plan"
    assert _span(role, "Statement", 0, "Principal", "AWS") == (15, 152, 15, 157)
    assert _span(queue, "Statement", 0, "Principal") == (30, 107, 30, 112)
    assert key.document == Unknown("(known after apply)")
    labels = [s.label for s in _plan("plan_good.json").sources]
    assert labels == [
        "aws_iam_role.app.assume_role_policy",
        "aws_iam_role.app.inline_policy[0].policy",
    ]


def test_looks_like_plan() -> None:
    assert looks_like_plan(
        {"format_version": "1.2", "terraform_version": "1.9", "planned_values": {}}
    )
    assert not looks_like_plan({"Version": "2012-10-17", "Statement": []})
    assert not looks_like_plan([])
    assert from_plan(decode_bytes(b'{"format_version": "1.0", "planned_values": {}}'), "p") is None


# -- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aws_s3_bucket.logs.arn", Unknown("aws_s3_bucket.logs.arn", "arn:*:s3:::*", "arn")),
        (
            "aws_iam_role.this[0].arn",
            Unknown("aws_iam_role.this[0].arn", "arn:*:iam::*:role/*", "arn"),
        ),
        ('aws_kms_key.k["a"].arn', Unknown('aws_kms_key.k["a"].arn', "arn:*:kms:*:*:key/*", "arn")),
        ("data.aws_kms_key.k.arn", Unknown("data.aws_kms_key.k.arn", "arn:*:kms:*:*:key/*", "arn")),
        ("var.account_id", Unknown("var.account_id", "????????????", "account-id")),
        ("aws_s3_bucket.logs.id", Unknown("aws_s3_bucket.logs.id")),
        ("aws_iam_role.this[*].arn", Unknown("aws_iam_role.this[*].arn")),
        ("module.x.arn", Unknown("module.x.arn")),
    ],
)
def test_reference_unknown(text: str, expected: Unknown) -> None:
    assert tf_template.reference_unknown(text) == expected


def test_split_template_finds_holes_and_escapes() -> None:
    text = 'a$${b}${x["}"]}%{ if y }c%{ endif }'
    pieces = tf_template.split_template(text, list(range(len(text) + 1)))
    assert pieces[0] == tf_template.Literal("a${b}", [0, 1, 1, 4, 5])
    assert pieces[1].text == '${x["}"]}' and pieces[1].expression == 'x["}"]'
    assert [type(p).__name__ for p in pieces[2:]] == ["Hole", "Literal", "Hole"]
    assert pieces[2].expression is None and pieces[3].text == "c"


def test_json_only_imports_do_not_load_tree_sitter() -> None:
    code = (
        "import sys, linter.formats.terraform, linter.formats.terraform_json, "
        "linter.formats.terraform_plan; print('tree_sitter' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"


# -- end to end: findings through linter.api ---------------------------------------------------

_LPR007_S3 = (
    'Principal "*" makes s3:GetObject public: anyone, in any AWS account or anonymous, is '
    "allowed; name the accounts or roles, or add a condition on aws:SourceAccount, "
    "aws:PrincipalOrgID or aws:PrincipalAccount"
)
_TRU003 = (
    'the role can be assumed by any principal of any AWS account ({"AWS": "*"}); name the '
    "trusted accounts or roles, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount "
    "or aws:PrincipalArn"
)
_LPR002 = (
    'iam:PassRole is allowed on every role ("*") and to every service: the caller can hand any '
    "role, up to an administrator role, to a service it controls; name the roles and add an "
    "iam:PassedToService condition"
)
_LPR010 = (
    'Resource "*" lets iam:PassRole act on every resource of their type, although they support '
    "resource-level permissions; name the resources (ARNs, or a tag condition)"
)
_LPR007_SQS = (
    'Principal "*" makes sqs:SendMessage public: anyone, in any AWS account or anonymous, is '
    "allowed; name the accounts or roles, or add a condition on aws:SourceAccount, "
    "aws:PrincipalOrgID or aws:PrincipalAccount"
)
_LPR007_KMS = (
    'Principal "*" makes kms:Decrypt public: any principal of any AWS account is allowed; name '
    "the accounts or roles, or add a condition on kms:CallerAccount, aws:PrincipalOrgID or "
    "aws:PrincipalAccount"
)
_LPR012_S3 = (
    '"s3:GetObject" makes the S3 bucket or access point public: anyone, in any AWS account or '
    "anonymous, may call s3:GetObject (read access); name the principals, or add a condition on "
    "aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceVpce"
)
_LPR012_SQS = (
    '"sqs:SendMessage" makes the SQS queue public: anyone, in any AWS account or anonymous, may '
    "call sqs:SendMessage (write access); name the principals, or add a condition on "
    "aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceVpce"
)
_LPR012_KMS = (
    '"kms:Decrypt" makes the KMS key public: any principal of any AWS account may call '
    "kms:Decrypt (write access); name the principals, or add a condition on kms:CallerAccount, "
    "aws:PrincipalOrgID or aws:PrincipalAccount"
)
_KMS001 = (
    "kms:Decrypt is allowed without an encryption-context condition; require a pair with "
    '"StringEquals": {"kms:EncryptionContext:<key>": "<value>"} or at least a context with '
    '"Null": {"kms:EncryptionContextKeys": "false"}'
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "heredoc_bad.tf",
            [("LPR007", 10, 24, 10, 27, _LPR007_S3), ("LPR012", 11, 21, 11, 35, _LPR012_S3)],
        ),
        ("policy_document_bad.tf", [("TRU003", 8, 22, 8, 25, _TRU003)]),
        (
            "source_override_bad.tf",
            [("LPR002", 5, 18, 5, 21, _LPR002), ("LPR010", 5, 18, 5, 21, _LPR010)],
        ),
        (
            "plan_bad.json",
            [
                ("TRU003", 15, 152, 15, 157, _TRU003),
                ("LPR007", 30, 107, 30, 112, _LPR007_SQS),
                ("LPR012", 30, 124, 30, 143, _LPR012_SQS),
                (
                    "TPL002",
                    62,
                    18,
                    62,
                    41,
                    "the policy (aws_kms_key.data.policy) is (known after apply), known only at "
                    "deployment; it could not be checked: lint the policy where it is written",
                ),
            ],
        ),
        (
            "main_bad.tf.json",
            [
                ("LPR007", 6, 128, 6, 133, _LPR007_KMS),
                ("KMS001", 6, 147, 6, 162, _KMS001),
                ("LPR012", 6, 147, 6, 162, _LPR012_KMS),
            ],
        ),
    ],
)
def test_bad_fixture_findings(name: str, expected: list[tuple]) -> None:
    assert as_rows(lint_paths([str(TF / name)]).findings) == expected


@pytest.mark.parametrize(
    "name",
    [
        "heredoc_good.tf",
        "policy_document_good.tf",
        "source_override_good.tf",
        "plan_good.json",
        "main_good.tf.json",
        "no_policy.tf",
    ],
)
def test_good_fixture_has_no_findings(name: str) -> None:
    assert as_rows(lint_paths([str(TF / name)]).findings) == []


def test_findings_carry_the_source_label() -> None:
    (finding,) = lint_paths([str(TF / "policy_document_bad.tf")]).findings
    assert finding.source == "data.aws_iam_policy_document.assume"


def test_inline_ignores_silence_findings_and_unused_ones_are_reported() -> None:
    findings = lint_paths([str(TF / "ignore.tf")]).findings
    rows = [row for row in as_rows(findings) if row[0] in ("LPR001", "LPR002", "SUP001")]
    assert rows == [
        (
            "SUP001",
            25,
            1,
            25,
            50,
            "unused suppression: the ignore of KMS001 matched no finding; remove it",
        )
    ]
    # The ignore above the deploy statement hides LPR002 only, not LPR010 beside it.
    assert [row[:5] for row in as_rows(findings) if row[0] == "LPR010"] == [
        ("LPR010", 19, 20, 19, 23)
    ]


def test_good_fixture_with_unknowns_has_no_findings() -> None:
    assert as_rows(lint_paths([str(TF / "jsonencode_good.tf")]).findings) == []


def test_syntax_error_is_one_finding_at_its_position() -> None:
    findings = lint_paths([str(TF / "syntax_error.tf")]).findings
    assert as_rows(findings) == [("TPL001", 5, 17, 5, 18, "HCL syntax error: '[' is not closed")]


def test_a_policy_known_only_at_deployment_is_a_note() -> None:
    findings = lint_paths([str(TF / "types.tf")]).findings
    rows = [row for row in as_rows(findings) if row[0] == "TPL002"]
    assert rows == [
        (
            "TPL002",
            49,
            24,
            49,
            46,
            "the policy (aws_iam_role.app.assume_role_policy) is var.assume_role_policy, known "
            "only at deployment; it could not be checked: lint the policy where it is written",
        ),
        (
            "TPL002",
            59,
            12,
            59,
            83,
            "the policy (aws_iam_role_policy.from_file.policy) is "
            'templatefile("${path.module}/policy.json.tpl", { bucket = var.bucket }), known only '
            "at deployment; it could not be checked: lint the policy where it is written",
        ),
    ]


def test_file_and_templatefile_with_a_literal_path_are_read_where_they_are() -> None:
    directory = TF / "file_policy"
    parsed = from_hcl((directory / "main.tf").read_bytes(), str(directory / "main.tf"), True)
    pass_role, bucket, elsewhere = parsed.sources
    assert pass_role.origin == str(directory / "pass_role.json")
    assert pass_role.document["Statement"][0]["Action"] == "iam:PassRole"
    assert _span(pass_role, "Statement", 0, "Resource") == (4, 63, 4, 66)
    assert bucket.origin == str(directory / "bucket.json.tpl")
    assert bucket.document["Statement"][0]["Resource"] == Unknown(
        "arn:aws:s3:::${bucket}/*", "arn:aws:s3:::*/*", "arn"
    )
    assert _span(bucket, "Statement", 0, "Resource") == (4, 63, 4, 89)
    assert elsewhere.origin is None
    assert elsewhere.document == Unknown("file(var.policy_path)")


def test_findings_of_a_file_policy_are_reported_in_that_file() -> None:
    directory = TF / "file_policy"
    findings = lint_paths([str(directory / "main.tf")]).findings
    rows = [(f.path, f.rule_id, *f.span) for f in findings if f.rule_id == "LPR002"]
    assert rows == [(str(directory / "pass_role.json"), "LPR002", 4, 63, 4, 66)]


def test_a_policy_document_given_to_a_module_is_linted_with_its_type_from_content() -> None:
    (source,) = _inline(
        """
        module "lambda" {
          source      = "terraform-aws-modules/lambda/aws"
          name        = var.name
          policy_json = <<-EOT
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"}]}
          EOT
        }
        """
    ).sources
    assert source.label == "module.lambda.policy_json"
    assert source.policy_type is None
    assert _span(source, "Statement", 0, "Action") == (6, 50, 6, 73)


def test_escaped_quotes_before_an_interpolation_keep_it_inside_the_string() -> None:
    (source,) = _inline(
        r"""
        resource "aws_iam_role_policy" "p" {
          policy = <<EOF
        {"Statement": [{"Sid": "a\"b\\${var.y}", "Action": ${jsonencode(var.a)}}]}
        EOF
        }
        """
    ).sources
    statement = source.document["Statement"][0]
    assert statement["Sid"] == Unknown('a"b\\${var.y}', 'a"b\\*', "string")
    assert statement["Action"] == Unknown("${jsonencode(var.a)}")


def test_state_json_values_are_read_like_planned_values() -> None:
    text = (
        '{"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": '
        '{"resources": [{"address": "aws_sns_topic_policy.t", "mode": "managed", '
        '"type": "aws_sns_topic_policy", "values": {"arn": "arn:aws:sns:us-east-1:1:t", '
        '"policy": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Principal\\": \\"*\\", '
        '\\"Action\\": \\"sns:Publish\\", \\"Resource\\": \\"*\\"}]}"}}, '
        '{"address": "data.aws_iam_policy_document.d", "mode": "data", '
        '"type": "aws_iam_policy_document", "values": {"json": "{}"}}]}}}'
    )
    (source,) = from_plan(decode_bytes(text.encode()), "state.json").sources
    assert source.label == "aws_sns_topic_policy.t.policy"
    assert source.policy_type is PolicyType.RESOURCE
    start = text.index('\\"*\\"') + 1
    assert _span(source, "Statement", 0, "Principal") == (1, start, 1, start + 5)


@pytest.mark.parametrize("name", ["jsonencode_bad.tf", "heredoc_bad.tf", "source_override_good.tf"])
def test_truncated_files_never_crash(name: str) -> None:
    data = (TF / name).read_bytes()
    for end in range(0, len(data), 7):
        parsed = from_hcl(data[:end], name, True)
        if parsed is None:
            continue
        for source in parsed.sources:
            source.locator.nearest_span(("Statement", 0, "Action", 0))
            source.locator.nearest_span(("Statement", 0, "Action"), key=True)
        for problem in parsed.problems:
            assert problem.code in ("template-syntax", "encoding")


def test_heredoc_with_crlf_and_non_ascii_characters() -> None:
    text = (
        'resource "aws_iam_policy" "p" {\r\n  policy = <<-EOF\r\n    {"Statement": [\r\n'
        '      {"Effect": "Allow", "Action": "é:*"}]}\r\n  EOF\r\n}\r\n'
    )
    (source,) = from_hcl(text.encode(), "main.tf", True).sources
    assert source.document == {"Statement": [{"Effect": "Allow", "Action": "é:*"}]}
    assert _span(source, "Statement", 0, "Action") == (4, 37, 4, 42)


def test_a_module_input_that_is_not_an_iam_policy_is_not_a_source() -> None:
    parsed = from_hcl(
        textwrap.dedent(
            """
            module "topic" {
              source = "terraform-aws-modules/sns/aws"
              data_protection_policy = jsonencode({
                Name    = "data-protection"
                Version = "2021-06-01"
                Statement = [{
                  DataDirection  = "Inbound"
                  DataIdentifier = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
                  Operation      = { Deny = {} }
                  Principal      = ["*"]
                  Sid            = "Deny"
                }]
              })
            }
            """
        ).encode(),
        "main.tf",
        True,
    )
    assert parsed is None


def test_a_policy_file_read_by_file_and_linted_on_its_own_is_reported_once(
    tmp_path: Path,
) -> None:
    from linter.results import LintOptions

    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  name   = "p"\n'
        '  policy = file("${path.module}/p.json")\n}\n'
    )
    (tmp_path / "p.json").write_text(
        '{\n  "Version": "2008-10-17",\n  "Statement": [{"Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "*"}]\n}\n'
    )
    options = LintOptions(select=("GRM003",))
    result = lint_paths([str(tmp_path)], options=options)
    findings = [(f.path, f.rule_id, f.span.line, f.span.column, f.source) for f in result.findings]
    assert findings == [(str(tmp_path / "p.json"), "GRM003", 2, 14, "")]
    # Alone, the Terraform file still reports the policy it reads.
    alone = lint_paths([str(tmp_path / "main.tf")], options=options)
    assert [(f.rule_id, f.source) for f in alone.findings] == [
        ("GRM003", "aws_iam_policy.p.policy")
    ]
