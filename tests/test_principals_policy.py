"""The principal (PRI) and policy-level (POL) rules beyond their fixtures.

Fixtures (fixtures/PRI0xx, fixtures/POL0xx) pin exact spans and messages. This module covers what
fixtures cannot: the principal classifier and the wildcard-coverage test as units (coverage also
as a property), the rule settings of POL004, how POL005 sits beside GRM001/GRM003, AWS's
documentation examples, the AWS managed-policy corpus, and speed on a 40,000-statement policy.
"""

from __future__ import annotations

import json
import random
import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import ALL_CHECKS
from linter.context import Context, RuleSettings
from linter.engine import Linter, LintOptions
from linter.model import PolicyType
from linter.policy import Policy
from linter.principals import classify_principal
from linter.wildcards import glob_covers, redundant_entries, wildcard_matches
from tests.aws_examples import EXAMPLE_4_3 as HEALTHSCRIBE_KEY_POLICY
from tests.aws_examples import EXAMPLE_4_5 as TAG_VIEW_JOBS
from tests.aws_examples import EXAMPLE_4_7 as TRANSCRIBE_TRUST
from tests.aws_examples import EXAMPLE_4_8 as HEALTHSCRIBE_TRUST
from tests.conftest import as_rows, lint, policy

PRI_POL = ("PRI", "POL")


def _lint(text: str, policy_type: str, select=PRI_POL, **rule_settings) -> list[tuple]:
    options = LintOptions(
        select=select,
        policy_type=PolicyType(policy_type),
        rule_settings=RuleSettings(**rule_settings),
    )
    text = textwrap.dedent(text).strip() + "\n"
    return as_rows(Linter(options).lint_text(text, "policy.json").findings)


# -- principal forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "category"),
    [
        ("*", "*", "any"),
        ("AWS", "*", "any"),
        ("AWS", "111122223333", "account"),
        ("AWS", "arn:aws:iam::111122223333:root", "root"),
        ("AWS", "arn:aws-cn:iam::111122223333:user/path/to/alice", "user"),
        ("AWS", "arn:aws-us-gov:iam::111122223333:role/service-role/Reader", "role"),
        ("AWS", "arn:aws:sts::111122223333:assumed-role/Reader/session", "assumed-role"),
        ("AWS", "arn:aws:sts::111122223333:federated-user/bob", "federated-user"),
        ("AWS", "AIDACKCEVSQ6C2EXAMPLE", "user-id"),
        ("AWS", "AROADBQP57FF2AEXAMPLE", "role-id"),
        ("AWS", "arn:aws:iam::111122223333:role/app-*", "wildcard"),
        (
            "AWS",
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE",
            "user",
        ),
        ("AWS", "arn:aws:iam::cloudfront:user/alice", "invalid"),
        ("AWS", "arn:aws:iam::${aws:PrincipalAccount}:root", "variable"),
        ("AWS", "AKIAIOSFODNN7EXAMPLE", "invalid"),
        ("AWS", "arn:aws:iam::111122223333:group/admins", "invalid"),
        ("AWS", "arn:aws:iam:us-east-1:111122223333:root", "invalid"),
        ("AWS", "arn:aws:iam::111122223333:role/", "invalid"),
        ("AWS", "arn:aws:sts::111122223333:assumed-role/Reader", "invalid"),
        ("AWS", "arn:aws:s3:::examplebucket", "invalid"),
        ("AWS", "1111222233334", "invalid"),
        ("Service", "lambda.amazonaws.com", "service"),
        ("Service", "redshift.us-east-1.amazonaws.com", "service"),
        ("Service", "ec2.amazonaws.com.cn", "service"),
        ("Service", "alexa-appkit.amazon.com", "service"),
        ("Service", "lambda", "invalid"),
        ("Service", "Lambda.amazonaws.com", "invalid"),
        ("Service", "*", "wildcard"),
        ("Federated", "arn:aws:iam::111122223333:saml-provider/ExampleIdP", "saml-provider"),
        (
            "Federated",
            "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/1",
            "oidc-provider",
        ),
        ("Federated", "cognito-identity.amazonaws.com", "web-identity"),
        ("Federated", "token.actions.githubusercontent.com", "web-identity"),
        ("Federated", "arn:aws:iam::111122223333:role/Federation", "invalid"),
        (
            "CanonicalUser",
            "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
            "canonical-user",
        ),
        ("CanonicalUser", "79a59df9", "invalid"),
    ],
)
def test_principal_forms(kind: str, value: str, category: str) -> None:
    assert classify_principal(kind, value).category == category


def test_role_name_drops_the_path_so_sessions_match_their_role() -> None:
    role = classify_principal("AWS", "arn:aws:iam::111122223333:role/ci/Deployer")
    session = classify_principal("AWS", "arn:aws:sts::111122223333:assumed-role/Deployer/s1")
    assert (role.partition, role.account, role.name) == ("aws", "111122223333", "Deployer")
    assert (session.partition, session.account, session.name) == (
        role.partition,
        role.account,
        "Deployer",
    )


# -- wildcard coverage -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("general", "specific", "covers"),
    [
        ("iam:get*", "iam:getuser", True),
        ("iam:get*", "iam:*credentialreport", False),
        ("iam:*", "iam:get*", True),
        ("*", "s3:get?bject", True),
        ("s3:get?bject", "s3:getobject", True),
        ("s3:get?bject", "s3:get*bject", False),  # "*" may stand for several characters
        ("s3:get*bject", "s3:get?bject", True),
        ("a*", "a**", True),
        ("a**", "a*", True),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b", False),
        ("arn:aws:s3:::b*", "arn:aws:s3:::b/x", True),
        ("arn:aws:apigateway:*::/restapis/*", "arn:aws:apigateway:*::/restapis/*/stages", True),
        ("arn:aws:apigateway:*::/apis/*", "arn:aws:apigateway:*::/restapis/*", False),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}/*", True),
        ("arn:aws:s3:::b/?", "arn:aws:s3:::b/${aws:username}", False),
        ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", False),
    ],
)
def test_glob_covers(general: str, specific: str, covers: bool) -> None:
    assert glob_covers(general, specific) is covers


_ALPHABET = "ab*?"


@settings(max_examples=400, deadline=None)
@given(
    st.text(_ALPHABET, max_size=6),
    st.text(_ALPHABET, max_size=6),
    st.lists(st.text("abc", max_size=7), min_size=1, max_size=20),
)
def test_glob_covers_is_sound(general: str, specific: str, names: list[str]) -> None:
    """If ``general`` covers ``specific``, every name ``specific`` matches ``general`` matches."""
    if glob_covers(general, specific):
        for name in names:
            if wildcard_matches(specific, name):
                assert wildcard_matches(general, name), (general, specific, name)


def test_glob_covers_finds_the_plain_cases_exactly() -> None:
    """For patterns with ``*`` only, coverage of a literal is exactly matching."""
    rng = random.Random(7)
    for _ in range(2000):
        general = "".join(rng.choice("ab*") for _ in range(rng.randint(0, 6)))
        literal = "".join(rng.choice("ab") for _ in range(rng.randint(0, 7)))
        assert glob_covers(general, literal) is wildcard_matches(general, literal)


def test_redundant_entries_keeps_one_of_two_equivalent_patterns() -> None:
    found = redundant_entries(["a**", "x", "a*", "a*", "ab"])
    assert [(r.index, r.by, r.duplicate) for r in found] == [
        (2, 0, False),  # "a*" and "a**" cover each other: the later one goes
        (3, 2, True),
        (4, 0, False),
    ]


# -- POL004 settings ---------------------------------------------------------------------------


def _identity_policy(characters: int) -> str:
    """An identity policy of exactly ``characters`` non-whitespace characters."""
    base = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
    base["Statement"][0]["Resource"] = ""
    size = len(json.dumps(base, separators=(",", ":")))
    base["Statement"][0]["Resource"] = "arn:aws:s3:::b/" + "x" * (characters - size - 15)
    text = json.dumps(base, indent=2)
    assert len("".join(text.split())) == characters
    return text


@pytest.mark.parametrize(
    ("kind", "quota"),
    [("managed", 6144), ("role-inline", 10240), ("user-inline", 2048), ("group-inline", 5120)],
)
def test_identity_quota_follows_policy_size_kind(kind: str, quota: int) -> None:
    assert _lint(_identity_policy(quota), "identity", ("POL004",), policy_size_kind=kind) == []
    rows = _lint(_identity_policy(quota + 1), "identity", ("POL004",), policy_size_kind=kind)
    assert [r[0] for r in rows] == ["POL004"]
    assert (
        f"{quota + 1:,} characters without whitespace, over the {quota:,}-character" in rows[0][5]
    )


def test_unknown_policy_size_kind_is_reported_not_ignored() -> None:
    rows = _lint(_identity_policy(500), "identity", ("POL004", "INT"), policy_size_kind="inline")
    assert [r[0] for r in rows] == ["INT001"]
    assert "unknown policy-size-kind 'inline'" in rows[0][5]


def test_trust_quota_is_configurable() -> None:
    principals = [f"arn:aws:iam::111122223333:role/r{i:03d}" for i in range(70)]
    trust = policy(
        {"Effect": "Allow", "Principal": {"AWS": principals}, "Action": "sts:AssumeRole"}
    )
    assert [r[0] for r in _lint(trust, "trust", ("POL004",))] == ["POL004"]
    assert _lint(trust, "trust", ("POL004",), trust_policy_size_quota=4096) == []


def test_resource_policies_are_checked_only_with_a_configured_quota() -> None:
    readers = [f"arn:aws:iam::111122223333:role/reader-{i:04d}" for i in range(600)]
    bucket = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": readers},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::examplebucket/*",
        }
    )
    assert _lint(bucket, "resource", ("POL004",)) == []
    rows = _lint(bucket, "resource", ("POL004",), resource_policy_size_quota=20480)
    assert [(r[0], r[1], r[2]) for r in rows] == [("POL004", 2, 3)]  # the "Version" key
    assert "over the configured 20,480-character quota" in rows[0][5]


# -- POL005 beside GRM001 / GRM003 -------------------------------------------------------------


def test_missing_version_alone_is_grm001_and_with_variables_also_pol005() -> None:
    plain = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    assert [f.rule_id for f in lint(plain, "identity", ("GRM001", "POL005"))] == ["GRM001"]
    home = plain.replace('"*"', '"arn:aws:s3:::b/${aws:username}/*"')
    assert [f.rule_id for f in lint(home, "identity", ("GRM001", "POL005"))] == [
        "GRM001",
        "POL005",
    ]


def test_invalid_version_is_left_to_grm002() -> None:
    text = policy(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}"},
        version="2012-10-18",
    )
    assert [f.rule_id for f in lint(text, "identity", ("GRM002", "POL005"))] == ["GRM002"]


# -- AWS documentation examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "policy_type"),
    [
        (TRANSCRIBE_TRUST, "trust"),
        (HEALTHSCRIBE_TRUST, "trust"),
        (HEALTHSCRIBE_KEY_POLICY, "kms-key"),
        (TAG_VIEW_JOBS, "identity"),
    ],
)
def test_aws_examples_get_no_principal_or_policy_level_findings(
    text: str, policy_type: str
) -> None:
    assert _lint(text, policy_type) == []


def test_aws_cli_validate_policy_cognito_example() -> None:
    """The `aws accessanalyzer validate-policy` example: sts:AssumeRole for a Cognito principal."""
    text = """
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "",
                "Effect": "Allow",
                "Principal": {
                    "Federated": "cognito-identity.amazonaws.com"
                },
                "Action": [
                    "sts:AssumeRole",
                    "sts:TagSession"
                ],
                "Condition": {
                    "StringEquals": {
                        "cognito-identity.amazonaws.com:aud": "us-west-2_EXAMPLE"
                    }
                }
            }
        ]
    }
    """
    assert _lint(text, "trust") == [
        (
            "PRI008",
            11,
            17,
            11,
            33,
            'sts:AssumeRole cannot be used by "cognito-identity.amazonaws.com" (a web identity '
            "provider); that principal uses sts:AssumeRoleWithWebIdentity: allow it instead",
        )
    ]


def test_federated_principal_in_a_detected_trust_policy_is_not_a_resource_policy_error() -> None:
    text = policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/ExampleIdP"},
            "Action": "sts:AssumeRoleWithSAML",
        }
    )
    findings = Linter(LintOptions(select=PRI_POL)).lint_text(text, "role.json").findings
    assert findings == []


# -- the AWS managed-policy corpus -------------------------------------------------------------


def test_corpus_error_level_findings_and_pinned_duplicates(corpus_dir) -> None:
    """No error-level PRI/POL finding on AWS's managed policies; two real duplicates pinned."""
    linter = Linter(LintOptions(select=PRI_POL))
    result = linter.lint_paths([str(corpus_dir)])
    errors = [f for f in result.findings if f.severity.value == "error"]
    assert errors == []
    rows = {(f.path.rsplit("/", 1)[-1], f.rule_id, f.span.line, f.message) for f in result.findings}
    # SystemAdministrator lists "ec2:Allocate*" twice in one Action (lines 34 and 37).
    assert (
        "SystemAdministrator.json",
        "POL002",
        37,
        '"ec2:Allocate*" is listed twice in Action; remove one',
    ) in rows
    # NeptuneConsoleFullAccess repeats seven EC2 actions in one Action element.
    neptune = [r for r in rows if r[0] == "NeptuneConsoleFullAccess.json" and r[1] == "POL002"]
    assert len(neptune) == 7


# -- speed ------------------------------------------------------------------------------------


def test_forty_thousand_statements_take_near_linear_rule_time() -> None:
    statements = [
        {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Principal": {
                "AWS": [
                    f"arn:aws:iam::111122223333:role/r{i}",
                    f"arn:aws:sts::111122223333:assumed-role/r{i}/s",
                ]
            },
            "Action": ["s3:GetObject", f"s3:Get{i}*", "s3:PutObject"],
            "Resource": [f"arn:aws:s3:::b{i}/*", f"arn:aws:s3:::b{i}/x", "arn:aws:s3:::shared/*"],
        }
        for i in range(40_000)
    ]
    statements.append(dict(statements[0], Sid="Copy"))
    document = {"Version": "2012-10-17", "Statement": statements}
    big = Policy(document, PolicyType.RESOURCE)
    context = Context()
    counts: dict[str, int] = {}
    start = time.process_time()
    for rule in ALL_CHECKS:
        if rule.id.startswith(PRI_POL) and PolicyType.RESOURCE in rule.policy_types:
            counts[rule.id] = sum(1 for _ in rule().run(big, context))
    elapsed = time.process_time() - start
    assert {k: v for k, v in counts.items() if v} == {
        "POL001": 1,
        "POL003": 40_001,
        "PRI011": 40_001,
    }
    # Measured at about 1 s on a 2-core machine; a quadratic step would take hours.
    assert elapsed < 20, f"{elapsed:.1f} s: something is quadratic"
