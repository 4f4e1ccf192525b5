"""Regressions from linting public code no one here wrote (docs/precision.md, "Public code
triage"): each test is a reduced copy of a construct found there, with the exact findings."""

from __future__ import annotations

import textwrap

import pytest

from linter.engine import Linter, LintOptions
from linter.model import PolicyType
from linter.sources import Unknown
from tests.conftest import as_rows


def _lint(text: str, name: str, policy_type: PolicyType | None = None) -> list[tuple]:
    # KMS001 (encryption context) is not what these cases are about.
    options = LintOptions(policy_type=policy_type, ignore=("KMS001",))
    data = textwrap.dedent(text).lstrip().encode()
    return as_rows(Linter(options).lint_bytes(data, name).findings)


# awslabs/aws-cloudformation-templates, CloudFormation/MacrosExamples/MergeStatements/kms-s3.json:
# a policy file that a macro merges into a template, written with intrinsic functions.
FRAGMENT = """
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowS3ToUseTheKey",
      "Effect": "Allow",
      "Principal": {"AWS": "*"},
      "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:Decryptt"],
      "Resource": "*",
      "Condition": {
        "StringEquals": {
          "kms:CallerAccount": {"Ref": "AWS::AccountId"},
          "kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}
        }
      }
    },
    {
      "Sid": "KeyAdministrators",
      "Effect": "Allow",
      "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "NotAnIntrinsic",
      "Effect": "Allow",
      "Principal": {"Service": {"Name": "logs.amazonaws.com"}},
      "Action": "kms:Encrypt",
      "Resource": "*"
    }
  ]
}
"""


def test_intrinsics_in_a_policy_file_are_deploy_time_values_not_malformed_ones() -> None:
    # Before: GRM013 on both condition values, GRM008 on the Fn::Sub principal, POL007 on the
    # pseudo parameters inside Fn::Sub, and LPR007/LPR012 because the kms:CallerAccount
    # condition did not count. The condition pins the account; the values are unknown.
    assert _lint(FRAGMENT, "kms-s3.json", PolicyType.KMS_KEY) == [
        (
            "ACT002",
            8,
            57,
            8,
            71,
            "kms:Decryptt is not an action of AWS Key Management Service in the IAM catalog of "
            "2025-12-02 (did you mean kms:Decrypt?); fix the name, or refresh the catalog with "
            '"iamlint catalog update --from FILE" if the action is newer',
        ),
        # An object that is no intrinsic is still malformed.
        (
            "GRM008",
            27,
            32,
            27,
            62,
            "Principal.Service must be a string or an array of strings, not an object",
        ),
    ]


def test_a_policy_file_without_intrinsics_is_unchanged() -> None:
    text = FRAGMENT.replace('{"Ref": "AWS::AccountId"}', '{"Reff": "AWS::AccountId"}')
    rows = _lint(text, "kms-s3.json", PolicyType.KMS_KEY)
    assert ("GRM013", 12, 32, 12, 58) in [row[:5] for row in rows]


# terraform-aws-modules/terraform-aws-s3-bucket, main.tf: the bucket policy merges documents
# chosen by variables (`compact([var.x ? data.aws_iam_policy_document.x[0].json : "", ...])`).
# Those documents were skipped as "merged elsewhere" and never linted.
CONDITIONAL_SOURCES = """
resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.combined.json
}

data "aws_iam_policy_document" "combined" {
  source_policy_documents = compact([
    var.public_read ? data.aws_iam_policy_document.public_read[0].json : "",
    var.attach_policy ? var.policy : "",
  ])
}

data "aws_iam_policy_document" "public_read" {
  count = var.public_read ? 1 : 0

  statement {
    sid       = "PublicRead"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
"""


def test_documents_merged_through_an_expression_are_linted_with_the_type_of_their_use() -> None:
    public = (
        "anyone, in any AWS account or anonymous, may call {} (read access); name the "
        "principals, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or "
        "aws:SourceVpce"
    )
    assert _lint(CONDITIONAL_SOURCES, "main.tf") == [
        (
            "LPR012",
            18,
            18,
            18,
            32,
            '"s3:GetObject" makes the S3 bucket or access point public: '
            + public.format("s3:GetObject"),
        ),
        (
            "LPR012",
            18,
            34,
            18,
            55,
            '"s3:GetObjectVersion" makes the S3 bucket or access point public: '
            + public.format("s3:GetObjectVersion"),
        ),
        (
            "LPR007",
            23,
            22,
            23,
            25,
            'Principal "*" makes s3:GetObject and s3:GetObjectVersion public: anyone, in any AWS '
            "account or anonymous, is allowed; name the accounts or roles, or add a condition on "
            "aws:SourceAccount, aws:PrincipalOrgID or aws:PrincipalAccount",
        ),
    ]


def test_a_document_merged_through_an_expression_takes_the_type_of_its_use() -> None:
    from linter.formats.terraform import from_hcl

    data = textwrap.dedent(CONDITIONAL_SOURCES).lstrip().encode()
    parsed = from_hcl(data, "main.tf", True)
    assert parsed is not None
    assert [(s.label, s.policy_type, s.type_reason) for s in parsed.sources] == [
        (
            "data.aws_iam_policy_document.combined",
            PolicyType.RESOURCE,
            "used as aws_s3_bucket_policy policy",
        ),
        (
            "data.aws_iam_policy_document.public_read",
            PolicyType.RESOURCE,
            "used as aws_s3_bucket_policy policy through data.aws_iam_policy_document.combined",
        ),
    ]


# aws-ia/terraform-aws-control_tower_account_factory: policies written as JSON templates with
# `%{ if }` around a statement (iam-aft-states.tpl, aft_admin_role_trust_policy.tpl). They were
# one TPL002 note whose message quoted the whole template.
DIRECTIVES_TF = """
resource "aws_iam_role_policy" "states" {
  role = aws_iam_role.states.id
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "events:*", "Resource": "*"}%{ if var.cmk },
    {"Effect": "Allow", "Action": "kms:Decryptt", "Resource": "${var.key_arn}"}%{ endif }
  ]
}
EOF
}

resource "aws_iam_role_policy" "file" {
  role   = aws_iam_role.states.id
  policy = templatefile("${path.module}/states.tpl", { cmk = true })
}

resource "aws_iam_role_policy" "loop" {
  role = aws_iam_role.states.id
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    %{ for arn in var.arns }{"Effect": "Allow", "Action": "s3:*", "Resource": "${arn}"},%{ endfor }
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
  ]
}
EOF
}
"""

DIRECTIVES_TPL = """
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:Publish",
      "Resource": "*"
    }%{ if cmk },
    {
      "Effect": "Allow",
      "Action": ["kms:Decrypt", "kms:Encryptt"],
      "Resource": "${key_arn}"
    }%{ else },
    {
      "Effect": "Allow",
      "Action": "sns:Publish",
      "Resource": "*"
    }%{ endif }
  ]
}
"""


def test_if_directives_in_json_templates_are_read_with_a_branch_taken(tmp_path) -> None:
    from linter.api import lint_paths

    (tmp_path / "main.tf").write_text(textwrap.dedent(DIRECTIVES_TF).lstrip())
    (tmp_path / "states.tpl").write_text(textwrap.dedent(DIRECTIVES_TPL).lstrip())
    options = LintOptions(select=("ACT002", "LPR013", "TPL002"))
    result = lint_paths([str(tmp_path / "main.tf")], options=options)
    rows = [
        (f.path.rsplit("/", 1)[-1], *row)
        for f, row in zip(result.findings, as_rows(result.findings), strict=True)
    ]
    unknown_action = (
        "{} is not an action of AWS Key Management Service in the IAM catalog of 2025-12-02 "
        '(did you mean {}?); fix the name, or refresh the catalog with "iamlint catalog update '
        '--from FILE" if the action is newer'
    )
    assert rows == [
        (
            "main.tf",
            "LPR013",
            7,
            35,
            7,
            45,
            "events:PutPermission on every resource lets the holder rewrite the account's "
            "EventBridge event bus policies, and so make any of them public or share them with "
            "any account; name the resources, or add a condition",
        ),
        (
            "main.tf",
            "ACT002",
            8,
            35,
            8,
            49,
            unknown_action.format("kms:Decryptt", "kms:Decrypt"),
        ),
        # `%{ for }` repeats text: not judged; the note names what it is, not the whole text.
        (
            "main.tf",
            "TPL002",
            21,
            12,
            29,
            4,
            "the policy (aws_iam_role_policy.loop.policy) is a template whose %{ } directives "
            "write its JSON, known only at deployment; it could not be checked: lint the policy "
            "where it is written",
        ),
        (
            "states.tpl",
            "ACT002",
            11,
            33,
            11,
            47,
            unknown_action.format("kms:Encryptt", "kms:Encrypt"),
        ),
    ]


def test_a_computed_condition_key_in_a_json_template_is_written_as_in_the_file() -> None:
    from linter.formats.terraform import from_hcl

    text = textwrap.dedent(
        """
        resource "aws_iam_role" "r" {
          assume_role_policy = <<EOF
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
          "Principal": {"Federated": "${var.provider_arn}"},
          "Action": "sts:AssumeRoleWithWebIdentity",
          "Condition": {"StringEquals": {"${var.host}:aud": "sts.amazonaws.com"}}}]}
        EOF
        }
        """
    ).lstrip()
    parsed = from_hcl(text.encode(), "main.tf", True)
    assert parsed is not None
    (statement,) = parsed.sources[0].document["Statement"]
    assert statement["Condition"]["StringEquals"] == Unknown(
        '{"${var.host}:aud": "sts.amazonaws.com"}'
    )


def test_a_long_deploy_time_policy_expression_is_quoted_on_one_line() -> None:
    text = """
    resource "aws_iam_policy" "p" {
      policy = coalesce(
        var.policy,
        var.fallback_policy_json_that_has_a_rather_long_name_to_show_the_cut,
      )
    }
    """
    assert _lint(text, "main.tf") == [
        (
            "TPL002",
            2,
            12,
            5,
            4,
            "the policy (aws_iam_policy.p.policy) is coalesce( var.policy, "
            "var.fallback_policy_json_that_has_a_rather_long_name_to_s…, known only at deployment; "
            "it could not be checked: lint the policy where it is written",
        )
    ]


# aws/serverless-application-model, tests/translator/output/api_with_resource_policy.json: the
# policy of an API written in its OpenAPI body (`x-amazon-apigateway-policy`) was typed from its
# content; a statement without a Principal made it an identity policy, and the API Gateway
# shorthand "execute-api:/*/*/*" was reported as "not an ARN".
API_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: private-api
      Body:
        openapi: "3.0.1"
        paths: {}
        x-amazon-apigateway-policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: execute-api:Invoke
              Resource: execute-api:/*/*/*
  SamApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: "3.0.1"
        paths: {}
        x-amazon-apigateway-policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
              Action: execute-api:Invoke
              Resource: execute-api:/*
"""


def test_an_api_policy_in_the_openapi_body_is_the_api_resource_policy() -> None:
    from linter.formats.cloudformation import from_yaml

    parsed = from_yaml(textwrap.dedent(API_TEMPLATE).lstrip().encode(), "api.yaml", True)
    assert parsed is not None
    assert [(s.label, s.policy_type, s.type_reason) for s in parsed.sources] == [
        (
            "Resources.Api.Properties.Body.x-amazon-apigateway-policy",
            PolicyType.RESOURCE,
            "AWS::ApiGateway::RestApi Body.x-amazon-apigateway-policy",
        ),
        (
            "Resources.SamApi.Properties.DefinitionBody.x-amazon-apigateway-policy",
            PolicyType.RESOURCE,
            "AWS::Serverless::Api DefinitionBody.x-amazon-apigateway-policy",
        ),
    ]
    assert _lint(API_TEMPLATE, "api.yaml") == [
        (
            "GRM008",
            13,
            15,
            13,
            21,
            'a statement in a resource policy needs a "Principal"',
        )
    ]


# aws-cloudformation/cfn-lint, test/fixtures/templates/good/resources/properties/
# hard_coded_arn_properties.yaml: "Action": "*" on QuickSight datasets was reported by TRN004 as
# allowing Transcribe tagging; a grant on no resource of an action's types grants nothing.
SCOPED = """
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "arn:aws:quicksight:us-east-1:111122223333:dataset/*"
    },
    {
      "Effect": "Allow",
      "Action": "transcribe:TagResource",
      "Resource": "*"
    }
  ]
}
"""


def test_transcribe_rules_leave_grants_on_no_transcribe_resource() -> None:
    options = LintOptions(select=("TRN",))
    data = textwrap.dedent(SCOPED).lstrip().encode()
    assert as_rows(Linter(options).lint_bytes(data, "policy.json").findings) == [
        (
            "TRN004",
            11,
            17,
            11,
            41,
            "transcribe:TagResource is allowed without an aws:TagKeys or aws:RequestTag "
            "condition, so the caller can retag resources out of (or into) a tag-based access "
            'boundary; limit the keys with "ForAllValues:StringEquals": {"aws:TagKeys": '
            '["<key>", ...]}',
        )
    ]


def test_transcribe_rules_read_deploy_time_resources_by_their_pattern() -> None:
    template = """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Policy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: "*"
                Resource:
                  - !Sub "arn:${AWS::Partition}:quicksight:${AWS::Region}::dataset/*"
              - Effect: Allow
                Action: "transcribe:*"
                Resource: !Ref SomeArn
    """
    options = LintOptions(select=("TRN004",))
    data = textwrap.dedent(template).lstrip().encode()
    # The QuickSight ARN is known to be one; !Ref SomeArn could be any resource.
    assert as_rows(Linter(options).lint_bytes(data, "template.yaml").findings) == [
        (
            "TRN004",
            14,
            21,
            14,
            35,
            "transcribe:TagResource and transcribe:UntagResource are allowed without an "
            "aws:TagKeys or aws:RequestTag condition, so the caller can retag resources out of "
            "(or into) a tag-based access boundary; limit the keys with "
            '"ForAllValues:StringEquals": {"aws:TagKeys": ["<key>", ...]}',
        )
    ]


# aws-samples/aws-secure-environment-accelerator, lza-upgrade/.../AWSAccelerator-InstallerStack
# .template: JSON-looking YAML flow style (trailing commas, 'single quotes'), which
# CloudFormation reads as YAML. It was one JSON001 and 42 JSON002 findings and no policy.
FLOW_TEMPLATE = """
{
  "Description": 'The installer stack',
  "Resources":
    {
      "Role":
        {
          "Type": "AWS::IAM::Role",
          "Properties":
            {
              "AssumeRolePolicyDocument":
                {
                  "Version": "2012-10-17",
                  "Statement":
                    [
                      {
                        "Effect": "Allow",
                        "Principal": { "AWS": "*" },
                        "Action": "sts:AssumeRole",
                      },
                    ],
                },
            },
        },
    },
}
"""


def test_json_looking_yaml_templates_are_read_as_yaml() -> None:
    assert _lint(FLOW_TEMPLATE, "installer.template") == [
        (
            "TRU003",
            17,
            47,
            17,
            50,
            'the role can be assumed by any principal of any AWS account ({"AWS": "*"}); name '
            "the trusted accounts or roles, or add a condition on aws:PrincipalOrgID, "
            "aws:PrincipalAccount or aws:PrincipalArn",
        )
    ]
    # Not YAML either: the JSON syntax error stands.
    broken = FLOW_TEMPLATE.replace('"Role":', '"Role"')
    assert [row[0] for row in _lint(broken, "installer.template")] == ["JSON001"]


# aws-cloudformation/cfn-lint, test/fixtures/templates/good/functions/
# sub_needed_custom_excludes.yaml: Serverless Framework variables in a template were reported
# as IAM policy variables IAM cannot substitute (CND015, CND016).
SERVERLESS_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  TestRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::${self:custom.masterAccount}:user/${opt:stage}-deployer
            Action: sts:AssumeRole
"""


def test_serverless_framework_variables_are_unfilled_placeholders() -> None:
    assert _lint(SERVERLESS_TEMPLATE, "template.yaml") == [
        (
            "POL007",
            11,
            20,
            11,
            88,
            "${self:custom.masterAccount} and ${opt:stage} are unfilled template placeholders "
            'in "arn:aws:iam::${self:custom.masterAccount}:user/${opt:stage}-deployer": the '
            "policy cannot be deployed as written; replace them with the real values",
        )
    ]


@pytest.mark.parametrize(
    ("resource", "usable"),
    [
        ("arn:aws:quicksight:us-east-1:111122223333:dataset/*", False),
        (["arn:aws:s3:::b/*", "arn:aws:quicksight:*:*:dataset/*"], False),
        ("arn:aws:transcribe:us-east-1:111122223333:vocabulary/v", True),
        ("arn:aws:*:*:*:*", True),
        ("arn:*:*:*:*:*", True),
        ("*", True),
        (Unknown("!Ref SomeArn"), True),  # could be anything
        (Unknown("!GetAtt Bucket.Arn", "arn:*:s3:::*", "arn"), False),
        (None, True),  # no Resource element: a policy attached to its resource
    ],
)
def test_a_grant_is_usable_unless_its_resources_are_other_services_arns(
    resource: object, usable: bool
) -> None:
    from linter.catalog import load_catalog
    from linter.policy import Policy
    from linter.policy_grants import policy_grants

    statement: dict = {"Effect": "Allow", "Action": "*"}
    if resource is not None:
        statement["Resource"] = resource
    policy = Policy({"Version": "2012-10-17", "Statement": [statement]}, PolicyType.IDENTITY)
    grants = policy_grants(policy, load_catalog())
    found = [g.action for g in grants.usable(policy.statements[0], ("transcribe:TagResource",))]
    assert found == (["transcribe:TagResource"] if usable else [])
