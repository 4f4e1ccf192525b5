"""Property-based tests of the whole pipeline on generated policies (issue 6).

For any policy hypothesis generates, valid or not: no exception and no internal error; every
finding's span lies inside the file and is the span of the path it names; output is identical
across runs; adding an unrelated statement never removes a finding from another statement; and
re-indenting never changes the findings except their positions.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.decode import decode_text
from linter.engine import Linter, LintOptions
from linter.model import PolicyType

ACTIONS = [
    "s3:GetObject",
    "s3:*",
    "s3:Get*",
    "*",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:GenerateDataKey*",
    "kms:*",
    "transcribe:StartTranscriptionJob",
    "transcribe:GetTranscriptionJob",
    "transcribe:GetTranscriptionJobs",
    "cloudtrail:StopLogging",
    "cloudtrail:Stop*",
    "iam:PassRole",
    "iam:CreateAccessKey",
    "iam:*",
    "sts:AssumeRole",
    "lambda:CreateFunction",
    "config:DeleteConfigRule",
    "ec2:Describe?nstances",
    "S3:getobject",
    "nosuch:Action",
]
RESOURCES = [
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket",
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:transcribe:*:*:transcription-job/*",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*",
    "not-an-arn",
]
CONDITION_KEYS = {
    "aws:SourceAccount": ["111122223333"],
    "aws:SourceArn": ["arn:aws:transcribe:us-west-2:111122223333:*"],
    "aws:PrincipalOrgID": ["o-a1b2c3d4e5"],
    "aws:ResourceTag/team": ["red", "${aws:PrincipalTag/team}"],
    "aws:RequestTag/team": ["red"],
    "aws:TagKeys": ["team", "owner"],
    "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32", "10.0.0.1"],
    "aws:MultiFactorAuthPresent": ["true", "false", True],
    "aws:CurrentTime": ["2024-01-01T00:00:00Z", "1700000000"],
    "kms:EncryptionContext:color": ["indigoBlue"],
    "kms:EncryptionContextKeys": ["color"],
    "kms:ViaService": ["transcribe.amazonaws.com", "s3.us-east-1.amazonaws.com"],
    "kms:CallerAccount": ["111122223333"],
    "transcribe:OutputEncryptionKMSKeyId": ["arn:aws:kms:us-east-1:111122223333:key/x"],
    "iam:PassedToService": ["lambda.amazonaws.com"],
    "sts:ExternalId": ["abc"],
    "s3:prefix": ["home/", "*"],
}
OPERATORS = [
    "StringEquals",
    "StringLike",
    "StringNotEquals",
    "ArnLike",
    "ArnEquals",
    "Bool",
    "BoolIfExists",
    "Null",
    "IpAddress",
    "NotIpAddress",
    "DateGreaterThan",
    "NumericLessThan",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
    "StringEqualsIfExists",
    "NoSuchOperator",
]
PRINCIPALS = [
    "*",
    {"AWS": "*"},
    {"AWS": "arn:aws:iam::111122223333:root"},
    {"AWS": ["arn:aws:iam::444455556666:role/x", "111122223333"]},
    {"AWS": "arn:aws:iam::111122223333:user/alice"},
    {"Service": "transcribe.amazonaws.com"},
    {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
    {"Federated": "token.actions.githubusercontent.com"},
    {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"},
]


def _one_or_many(options: list) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from(options), st.lists(st.sampled_from(options), min_size=1, max_size=4)
    )


@st.composite
def condition_blocks(draw) -> dict:
    block = {}
    for operator in draw(st.lists(st.sampled_from(OPERATORS), min_size=1, max_size=3, unique=True)):
        keys = draw(
            st.lists(st.sampled_from(sorted(CONDITION_KEYS)), min_size=1, max_size=3, unique=True)
        )
        block[operator] = {key: draw(_one_or_many(CONDITION_KEYS[key])) for key in keys}
    return block


@st.composite
def statements(draw) -> dict:
    statement: dict = {}
    if draw(st.booleans()):
        statement["Sid"] = draw(st.sampled_from(["Read", "Write", "Admin", "Key", "Trust", "A1"]))
    statement["Effect"] = draw(st.sampled_from(["Allow", "Allow", "Deny", "allow"]))
    if draw(st.integers(0, 9)) == 0:
        statement["NotAction"] = draw(_one_or_many(ACTIONS))
    else:
        statement["Action"] = draw(_one_or_many(ACTIONS))
    choice = draw(st.integers(0, 9))
    if choice < 7:
        statement["Resource"] = draw(_one_or_many(RESOURCES))
    elif choice < 8:
        statement["NotResource"] = draw(_one_or_many(RESOURCES))
    if draw(st.integers(0, 2)) == 0:
        statement["Principal"] = draw(st.sampled_from(PRINCIPALS))
    if draw(st.booleans()):
        statement["Condition"] = draw(condition_blocks())
    return statement


@st.composite
def policies(draw) -> dict:
    document: dict = {}
    if draw(st.integers(0, 5)) > 0:
        document["Version"] = draw(st.sampled_from(["2012-10-17", "2008-10-17"]))
    items = draw(st.lists(statements(), min_size=1, max_size=5))
    document["Statement"] = items[0] if len(items) == 1 and draw(st.booleans()) else items
    return document


# Any JSON value, for the slots a malformed policy fills with the wrong shape.
wild_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=6,
)
_ELEMENT_SLOTS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
)


@st.composite
def malformed_policies(draw) -> dict:
    """A generated policy with a wrong-shaped value in one slot of one element: the element
    itself, an entry of its list, a principal kind's value or entry, a condition operator's
    block, a condition key's value or one of its values, or the Statement/Version themselves."""
    document = draw(policies())
    wild = draw(wild_values)
    statements_value = document["Statement"]
    items = statements_value if isinstance(statements_value, list) else [statements_value]
    where = draw(st.integers(0, 9))
    if where == 0:
        document[draw(st.sampled_from(["Statement", "Version", "Id"]))] = wild
        return document
    if where == 1 and isinstance(statements_value, list):
        statements_value.insert(draw(st.integers(0, len(statements_value))), wild)
        return document
    statement = items[draw(st.integers(0, len(items) - 1))]
    element = draw(st.sampled_from(_ELEMENT_SLOTS))
    value = statement.get(element)
    if where < 5 or value is None:
        statement[element] = wild
    elif isinstance(value, list):
        value.insert(draw(st.integers(0, len(value))), wild)
    elif isinstance(value, dict) and value:
        inner_key = draw(st.sampled_from(sorted(value)))
        inner = value[inner_key]
        if isinstance(inner, dict) and inner and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(inner)))
            if isinstance(inner[key], list) and draw(st.booleans()):
                inner[key].insert(0, wild)
            else:
                inner[key] = wild
        elif isinstance(inner, list):
            inner.insert(0, wild)
        else:
            value[inner_key] = wild
    else:
        statement[element] = [value, wild]
    return document


policy_types = st.sampled_from([None, *PolicyType])
_LINTERS: dict = {}


def _linter(policy_type: PolicyType | None) -> Linter:
    if policy_type not in _LINTERS:
        _LINTERS[policy_type] = Linter(LintOptions(policy_type=policy_type))
    return _LINTERS[policy_type]


def _lint(text: str, policy_type: PolicyType | None):
    return _linter(policy_type).lint_text(text, "p.json").findings


def _structural(findings) -> list[tuple]:
    """Findings without positions (text-level JSON0xx rules excluded: their messages cite lines)."""
    return sorted(
        (f.rule_id, f.json_path, f.message, f.severity.value)
        for f in findings
        if not f.rule_id.startswith("JSON")
    )


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(policies(), policy_types, st.sampled_from([None, 2, 4, "\t"]))
def test_no_crash_and_every_span_is_the_span_of_its_path(document, policy_type, indent) -> None:
    text = json.dumps(document, indent=indent)
    findings = _lint(text, policy_type)
    assert not [f for f in findings if f.rule_id == "INT001"], findings
    decoded = decode_text(text)
    lines = text.split("\n")
    for finding in findings:
        span = finding.span
        assert 1 <= span.line <= span.end_line <= len(lines)
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1
        assert span.end_column <= len(lines[span.end_line - 1]) + 1
        if finding.json_path:
            candidates = {
                decoded.span(finding.json_path),
                decoded.span(finding.json_path, key=True),
            }
            assert span in candidates, (finding, candidates)
    assert findings == _lint(text, policy_type)


@PROPERTY_SETTINGS
@given(policies(), policy_types)
def test_reindenting_changes_only_positions(document, policy_type) -> None:
    pretty = _structural(_lint(json.dumps(document, indent=2), policy_type))
    minified = _structural(_lint(json.dumps(document, separators=(",", ":")), policy_type))
    tabs = _structural(_lint(json.dumps(document, indent="\t"), policy_type))
    assert pretty == minified == tabs


_RUNNING_ALL: dict = {}


@PROPERTY_SETTINGS
@given(policies(), policy_types)
def test_skipping_rules_a_policy_cannot_trigger_changes_no_finding(document, policy_type) -> None:
    text = json.dumps(document, indent=2)
    if policy_type not in _RUNNING_ALL:
        options = LintOptions(policy_type=policy_type)
        _RUNNING_ALL[policy_type] = Linter(options, skip_untriggered=False)
    running_all = _RUNNING_ALL[policy_type].lint_text(text, "p.json").findings
    assert _lint(text, policy_type) == running_all


UNRELATED = {
    "Sid": "UnrelatedCallerIdentity",
    "Effect": "Allow",
    "Action": "sts:GetCallerIdentity",
    "Resource": "*",
}


@PROPERTY_SETTINGS
@given(st.lists(statements(), min_size=1, max_size=5), st.sampled_from(list(PolicyType)))
def test_an_unrelated_statement_never_removes_another_statements_finding(
    items, policy_type
) -> None:
    # The type is fixed: with detection, a new statement may rightly change what the policy is.
    before = {"Version": "2012-10-17", "Statement": items}
    after = {"Version": "2012-10-17", "Statement": [*items, UNRELATED]}
    old = _lint(json.dumps(before, indent=2), policy_type)
    new = _lint(json.dumps(after, indent=2), policy_type)
    old_keys = {
        (f.rule_id, f.json_path, f.message) for f in old if f.json_path[:1] == ("Statement",)
    }
    new_keys = {(f.rule_id, f.json_path, f.message) for f in new}
    assert old_keys <= new_keys, old_keys - new_keys


def test_jobs_one_and_two_give_byte_identical_output(tmp_path) -> None:
    from click.testing import CliRunner
    from hypothesis import find

    from linter.cli import main

    documents = [
        find(policies(), lambda d, i=i: len(json.dumps(d)) % 7 == i % 7) for i in range(12)
    ]
    for index, document in enumerate(documents * 60):
        (tmp_path / f"p{index:04d}.json").write_text(json.dumps(document, indent=2))
    runner = CliRunner()
    outputs = [
        runner.invoke(
            main, ["check", "--no-config", "--format", "json", "--jobs", jobs, str(tmp_path)]
        )
        for jobs in ("1", "2", "1")
    ]
    assert outputs[0].output == outputs[1].output == outputs[2].output
    assert outputs[0].exit_code == outputs[1].exit_code


@PROPERTY_SETTINGS
@given(malformed_policies(), policy_types)
def test_wrong_shapes_in_any_slot_never_crash_a_rule(document, policy_type) -> None:
    findings = _lint(json.dumps(document), policy_type)
    assert not [f for f in findings if f.rule_id == "INT001"], findings


def test_an_intrinsic_object_in_a_resource_list_is_unknown_other_objects_grammar_errors() -> None:
    # A policy file written with intrinsics is a template fragment: the intrinsic is a value
    # known at deployment (docs/templates.md); any other object is malformed. Neither crashes.
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": [{"Fn::Sub": "${Bucket.Arn}/*"}],
                },
                {"Effect": "Allow", "Action": [["a"]], "Resource": [{}]},
            ],
        }
    )
    findings = _lint(text, None)
    assert not [f for f in findings if f.rule_id == "INT001"]
    assert [(f.rule_id, f.json_path) for f in findings if f.rule_id.startswith("GRM")] == [
        ("GRM006", ("Statement", 1, "Action", 0)),
        ("GRM007", ("Statement", 1, "Resource", 0)),
    ]
