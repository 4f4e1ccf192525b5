"""LPR014 new-access and LPR015 new-policy: ``--new-access-since REF`` in a temporary git
repository, across the edits a reviewer meets (issue 12, item 3)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.catalog import load_catalog
from linter.cli import main
from linter.engine import Linter, LintOptions
from linter.grant_units import implies
from linter.model import PolicyType
from linter.new_access import new_access
from linter.policy import Policy
from linter.revisions import RevisionError, resolve_revision
from tests.conftest import as_rows, policy

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

S3_READ = {
    "Sid": "Read",
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": ["arn:aws:s3:::transcripts", "arn:aws:s3:::transcripts/*"],
}
KMS_DECRYPT = {
    "Sid": "Decrypt",
    "Effect": "Allow",
    "Action": "kms:Decrypt",
    "Resource": "*",
    "Condition": {
        "StringEquals": {"kms:EncryptionContext:project": "transcribe"},
        "Bool": {"aws:SecureTransport": "true"},
    },
}
NO_DELETE = {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
BASE = policy(S3_READ, KMS_DECRYPT, NO_DELETE)


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(["git", *arguments], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose first commit holds ``policy.json`` (BASE)."""
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "test@example.com")
    _git(tmp_path, "config", "user.name", "test")
    (tmp_path / "policy.json").write_text(BASE)
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def _lint(repo: Path, *names: str, ref: str = "HEAD") -> list[tuple]:
    options = LintOptions(
        select=("LPR014", "LPR015"), new_access_since=resolve_revision(ref, str(repo))
    )
    result = Linter(options).lint_paths([str(repo / name) for name in names])
    return [row for file in result.files for row in as_rows(file.findings)]


def _edit(repo: Path, *statements: dict) -> list[tuple]:
    (repo / "policy.json").write_text(policy(*statements))
    return _lint(repo, "policy.json")


# -- edits that grant nothing new ----------------------------------------------------------------


def _reordered() -> tuple[dict, ...]:
    read = dict(reversed(list(S3_READ.items())))
    read["Action"] = list(reversed(S3_READ["Action"]))
    return (NO_DELETE, {**KMS_DECRYPT, "Sid": "Renamed"}, read)


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param((S3_READ, KMS_DECRYPT, NO_DELETE), id="unchanged"),
        pytest.param(_reordered(), id="statements-keys-values-reordered-sid-renamed"),
        pytest.param(
            (
                {**S3_READ, "Action": ["s3:GetObject", "s3:ListBucket", "S3:getobject"]},
                KMS_DECRYPT,
                NO_DELETE,
            ),
            id="action-added-twice-in-another-case",
        ),
        pytest.param(
            ({**S3_READ, "Resource": "arn:aws:s3:::transcripts/2026/*"}, KMS_DECRYPT, NO_DELETE),
            id="resource-narrowed",
        ),
        pytest.param(
            (
                S3_READ,
                {
                    **KMS_DECRYPT,
                    "Condition": {
                        **KMS_DECRYPT["Condition"],
                        "StringLike": {"kms:ViaService": "s3.*.amazonaws.com"},
                    },
                },
                NO_DELETE,
            ),
            id="condition-added",
        ),
        pytest.param(
            (S3_READ, KMS_DECRYPT, {**NO_DELETE, "Action": "s3:Delete*"}),
            id="deny-widened",
        ),
        pytest.param(
            (
                {**S3_READ, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::transcripts/*"},
                {**S3_READ, "Sid": "List", "Action": "s3:ListBucket"},
                KMS_DECRYPT,
                NO_DELETE,
            ),
            id="statement-split",
        ),
    ],
)
def test_edits_that_grant_nothing_new_give_nothing(repo: Path, statements: tuple) -> None:
    assert _edit(repo, *statements) == []


def test_reindented_file_gives_nothing(repo: Path) -> None:
    (repo / "policy.json").write_text(json.dumps(json.loads(BASE), indent=8))
    assert _lint(repo, "policy.json") == []


def test_action_covered_by_an_old_wildcard_gives_nothing(repo: Path) -> None:
    wide = {**S3_READ, "Action": "s3:Get*"}
    (repo / "policy.json").write_text(policy(wide))
    _git(repo, "commit", "-q", "-am", "wildcard")
    assert _edit(repo, {**S3_READ, "Action": ["s3:Get*", "s3:GetObjectTagging"]}) == []


# -- edits that grant something new ----------------------------------------------------------------


def test_new_action(repo: Path) -> None:
    added = {**S3_READ, "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"]}
    assert _edit(repo, added, KMS_DECRYPT, NO_DELETE) == NEW_ACTION


def test_action_now_matched_through_a_wildcard(repo: Path) -> None:
    wildcard = {**S3_READ, "Action": ["s3:GetObject*", "s3:ListBucket"]}
    assert _edit(repo, wildcard, KMS_DECRYPT, NO_DELETE) == WILDCARD


def test_wider_resource(repo: Path) -> None:
    wider = {**S3_READ, "Resource": ["arn:aws:s3:::transcripts", "arn:aws:s3:::*/*"]}
    assert _edit(repo, wider, KMS_DECRYPT, NO_DELETE) == WIDER_RESOURCE


def test_condition_removed_and_weakened(repo: Path) -> None:
    weaker = {
        **KMS_DECRYPT,
        "Condition": {"StringEquals": {"kms:EncryptionContext:project": ["transcribe", "*"]}},
    }
    assert _edit(repo, S3_READ, weaker, NO_DELETE) == WEAKER_CONDITION


WRITE = {"Sid": "Write", "Effect": "Allow", "Action": "s3:*Object", "Resource": "*"}


@pytest.fixture
def write_repo(repo: Path) -> Path:
    (repo / "policy.json").write_text(policy(WRITE, NO_DELETE))
    _git(repo, "commit", "-q", "-am", "write")
    return repo


def test_deny_narrowed(write_repo: Path) -> None:
    narrowed = {**NO_DELETE, "Resource": "arn:aws:s3:::transcripts/*"}
    assert _edit(write_repo, WRITE, narrowed) == DENY_NARROWED


def test_deny_removed(write_repo: Path) -> None:
    assert _edit(write_repo, WRITE) == DENY_REMOVED


def test_conditional_deny_removed(repo: Path) -> None:
    decrypt = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    guard = {
        "Sid": "RequireContext",
        "Effect": "Deny",
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"Null": {"kms:EncryptionContext:project": "true"}},
    }
    (repo / "policy.json").write_text(policy(decrypt, guard))
    _git(repo, "commit", "-q", "-am", "guard")
    required = {
        **decrypt,
        "Condition": {"StringEquals": {"kms:EncryptionContext:project": "transcribe"}},
    }
    assert _edit(repo, required) == []  # the Allow now requires what the Deny enforced
    assert _edit(repo, decrypt) == CONDITIONAL_DENY_REMOVED


def test_new_file_gets_one_note(repo: Path) -> None:
    (repo / "new.json").write_text(policy(S3_READ))
    assert _lint(repo, "new.json") == NEW_FILE


NEW_ACTION = [
    ("LPR014", 10, 9, 10, 23, "new access since HEAD: s3:PutObject on arn:aws:s3:::transcripts/*")
]
WILDCARD = [
    (
        "LPR014",
        8,
        9,
        8,
        24,
        "new access since HEAD: s3:GetObjectAcl, s3:GetObjectAttributes, "
        "s3:GetObjectLegalHold and 9 more on arn:aws:s3:::transcripts/*",
    )
]
WIDER_RESOURCE = [
    (
        "LPR014",
        13,
        9,
        13,
        27,
        "new access since HEAD: s3:GetObject, s3:ListBucket on arn:aws:s3:::*/*",
    )
]
WEAKER_CONDITION = [
    (
        "LPR014",
        21,
        7,
        21,
        18,
        "new access since HEAD: kms:Decrypt on * without the condition Bool "
        "aws:SecureTransport true that HEAD required",
    ),
    (
        "LPR014",
        23,
        11,
        23,
        42,
        "new access since HEAD: kms:Decrypt on * under the weaker condition StringEquals "
        "kms:EncryptionContext:project transcribe, * (at HEAD: transcribe)",
    ),
]
DENY_NARROWED = DENY_REMOVED = [
    (
        "LPR014",
        7,
        17,
        7,
        29,
        "new access since HEAD: s3:DeleteObject on *, which Deny NoDelete denied at HEAD",
    )
]
CONDITIONAL_DENY_REMOVED = [
    (
        "LPR014",
        6,
        17,
        6,
        30,
        "new access since HEAD: kms:Decrypt on *, which Deny RequireContext denied at HEAD",
    )
]
NEW_FILE = [
    (
        "LPR015",
        3,
        3,
        3,
        14,
        "new policy since HEAD (the file did not exist at HEAD): all of its access is new; "
        "review it as a whole",
    )
]


# -- the command line ---------------------------------------------------------------------------


def test_unknown_revision_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["check", "--new-access-since", "no-such-ref", "."])
    assert result.exit_code == 2
    assert "unknown revision 'no-such-ref'" in result.output


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(RevisionError, match="is not in a git repository"):
        resolve_revision("HEAD", str(tmp_path))


def test_sarif_carries_the_finding_at_its_region(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = {**S3_READ, "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"]}
    (repo / "policy.json").write_text(policy(added, KMS_DECRYPT, NO_DELETE))
    monkeypatch.chdir(repo)
    arguments = ["check", "--no-cache", "--new-access-since", "HEAD", "--format", "sarif"]
    result = CliRunner().invoke(main, [*arguments, "--select", "LPR014", "policy.json"])
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.output)["runs"][0]["results"]
    assert finding["ruleId"] == "LPR014"
    assert finding["level"] == "warning"
    assert finding["message"]["text"].startswith("new access since HEAD: s3:PutObject")
    region = finding["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (10, 9, 23)


def test_rules_run_when_the_selection_leaves_them_out(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "new.json").write_text(policy(S3_READ))
    monkeypatch.chdir(repo)
    arguments = ["check", "--no-cache", "-q", "--new-access-since", "HEAD", "--select", "KMS"]
    result = CliRunner().invoke(main, [*arguments, "new.json"])
    assert result.output.startswith("new.json:3:3: LPR015 [note] new policy since HEAD")


# -- the comparison itself ----------------------------------------------------------------------


def _compare(old: dict, new: dict, policy_type: PolicyType = PolicyType.IDENTITY) -> list:
    before, after = Policy(old, policy_type), Policy(new, policy_type)
    return [(f.path, f.message) for f in new_access(before, after, load_catalog(), "main")]


def _document(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _trust(principal: object, **extra: object) -> dict:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}


def test_new_principal_in_a_trust_policy() -> None:
    old = _document(_trust({"AWS": "arn:aws:iam::111122223333:role/ci"}))
    new = _document(
        _trust({"AWS": ["arn:aws:iam::111122223333:role/ci", "arn:aws:iam::444455556666:root"]})
    )
    assert _compare(old, new, PolicyType.TRUST) == [
        (
            ("Statement", 0, "Principal", "AWS", 1),
            "new access since main: arn:aws:iam::444455556666:root may now use sts:AssumeRole",
        )
    ]


def test_principal_narrowed_to_a_role_of_the_same_account_is_not_new() -> None:
    old = _document(_trust({"AWS": "111122223333"}))
    new = _document(_trust({"AWS": "arn:aws:iam::111122223333:role/ci"}))
    assert _compare(old, new, PolicyType.TRUST) == []


def test_external_id_removed_from_a_trust_policy() -> None:
    account = {"AWS": "arn:aws:iam::444455556666:root"}
    old = _document(_trust(account, Condition={"StringEquals": {"sts:ExternalId": "x"}}))
    assert _compare(old, _document(_trust(account)), PolicyType.TRUST) == [
        (
            ("Statement", 0, "Action"),
            "new access since main: sts:AssumeRole to arn:aws:iam::444455556666:root without "
            "the condition StringEquals sts:ExternalId x that main required",
        )
    ]


def test_a_deny_dropped_from_an_scp_is_new_access_by_itself() -> None:
    trail = {"Effect": "Deny", "Action": "cloudtrail:StopLogging", "Resource": "*"}
    config = {"Sid": "Config", "Effect": "Deny", "Action": "config:Delete*", "Resource": "*"}
    narrowed = {**config, "Action": "config:DeleteConfigRule"}
    assert _compare(_document(trail, config), _document(narrowed), PolicyType.SCP) == [
        (
            ("Statement",),
            "new access since main: the Deny of cloudtrail:StopLogging on * was removed; this "
            "policy no longer limits it",
        ),
        (
            ("Statement", 0, "Action"),
            "new access since main: Deny Config no longer covers all of config:Delete* on *",
        ),
    ]


def test_deploy_time_values_are_never_guessed() -> None:
    from linter.sources import Unknown

    bucket = Unknown("!Sub ${Bucket.Arn}/*", "arn:*:s3:::*/*", "arn")
    old = _document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": bucket})
    same_value = _document(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    )
    assert _compare(old, same_value) == []  # the old value may have been this one
    new_action = _document({"Effect": "Allow", "Action": "s3:PutObject", "Resource": bucket})
    assert _compare(old, new_action) == [
        (
            ("Statement", 0, "Action"),
            "new access since main: s3:PutObject on !Sub ${Bucket.Arn}/*",
        )
    ]


@pytest.mark.parametrize(
    ("given", "required", "expected"),
    [
        ({"StringEquals": {"k": ["a"]}}, {"StringEquals": {"k": ["a", "b"]}}, True),
        ({"StringEquals": {"k": ["a", "c"]}}, {"StringEquals": {"k": ["a", "b"]}}, False),
        ({"StringLike": {"k": "ab*"}}, {"StringLike": {"k": "a*"}}, True),
        ({"StringLike": {"k": "*"}}, {"StringLike": {"k": "a*"}}, False),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"StringNotEquals": {"k": "a"}}, True),
        ({"StringNotEquals": {"k": "a"}}, {"StringNotEquals": {"k": ["a", "b"]}}, False),
        ({"StringEquals": {"k": "a"}}, {"StringEqualsIfExists": {"k": "a"}}, True),
        ({"StringEqualsIfExists": {"k": "a"}}, {"StringEquals": {"k": "a"}}, False),
        ({"IpAddress": {"k": "10.1.0.0/16"}}, {"IpAddress": {"k": "10.0.0.0/8"}}, True),
        ({"IpAddress": {"k": "10.0.0.0/8"}}, {"IpAddress": {"k": "10.1.0.0/16"}}, False),
        ({"StringEquals": {"k": "a"}}, {"Null": {"k": "false"}}, True),
        ({"StringEquals": {"K": "a"}}, {"StringEquals": {"k": "a"}}, True),
        ({"ForAnyValue:StringEquals": {"k": "a"}}, {"StringEquals": {"k": "a"}}, False),
        ({"Bool": {"k": "true"}}, {"Bool": {"k": "false"}}, False),
    ],
)
def test_condition_implication(given: dict, required: dict, expected: bool) -> None:
    def entries(block: dict) -> tuple:
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        document = _document({**statement, "Condition": block})
        return Policy(document, PolicyType.IDENTITY).statements[0].conditions

    [wanted] = entries(required)
    assert implies(entries(given), wanted) is expected


def test_a_resource_added_to_a_statement_is_reported_at_the_resource() -> None:
    """Another old statement granted it under a condition: the edit is still the new resource."""
    organization = {
        "Sid": "Organization",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    }
    owned = {
        "Sid": "AwsOwned",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": ["arn:aws:s3:::packages.us-east-1.amazonaws.com/*"],
    }
    added = {**owned, "Resource": [*owned["Resource"], "arn:aws:s3:::aws-cli/*"]}
    old, new = _document(organization, owned), _document(organization, added)
    assert _compare(old, new, PolicyType.VPC_ENDPOINT) == [
        (
            ("Statement", 1, "Resource", 1),
            "new access since main: s3:GetObject on arn:aws:s3:::aws-cli/* to everyone",
        )
    ]


ROLE_TEMPLATE = """Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
{policies}
"""
READ = """        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}"""
DECRYPT = """        - PolicyName: decrypt
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: kms:Decrypt, Resource: "*"}"""


def test_policies_of_a_reordered_list_are_matched_with_their_old_selves(repo: Path) -> None:
    (repo / "role.yaml").write_text(ROLE_TEMPLATE.format(policies=f"{READ}\n{DECRYPT}"))
    _git(repo, "add", "role.yaml")
    _git(repo, "commit", "-q", "-m", "role")
    (repo / "role.yaml").write_text(ROLE_TEMPLATE.format(policies=f"{DECRYPT}\n{READ}"))
    assert _lint(repo, "role.yaml") == []
    widened = READ.replace("s3:GetObject", "s3:*")
    (repo / "role.yaml").write_text(ROLE_TEMPLATE.format(policies=f"{DECRYPT}\n{widened}"))
    # The unchanged policy still finds itself; the edited one is compared by position, with
    # the policy that was second (decrypt): every s3 action it can use on objects is new.
    assert _lint(repo, "role.yaml") == [
        (
            "LPR014",
            15,
            41,
            15,
            45,
            "new access since HEAD: s3:AbortMultipartUpload, s3:BypassGovernanceRetention, "
            "s3:DeleteObject and 31 more on arn:aws:s3:::b/*",
        )
    ]


def test_a_revision_missing_from_a_shallow_clone_says_how_to_fetch_it(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _edit(repo, S3_READ)
    _git(repo, "commit", "-q", "-am", "second")
    clone = tmp_path_factory.mktemp("shallow") / "clone"
    _git(clone.parent, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    with pytest.raises(RevisionError, match=r"the clone is shallow: fetch the revision first"):
        resolve_revision("HEAD~1", str(clone))


def test_everyone_limited_to_named_callers_is_those_callers() -> None:
    """``"*"`` with ``ArnLike aws:PrincipalArn`` admits the roles it lists, as naming them
    would (terraform-aws-iam's trust policies made this change)."""
    role = "arn:aws:iam::111122223333:role/ci"
    named = _document(_trust({"AWS": role}))
    by_condition = _document(
        _trust({"AWS": "*"}, Condition={"ArnLike": {"aws:PrincipalArn": role}})
    )
    assert _compare(named, by_condition, PolicyType.TRUST) == []
    assert _compare(by_condition, named, PolicyType.TRUST) == []
    wider = _document(
        _trust({"AWS": "*"}, Condition={"ArnLike": {"aws:PrincipalArn": [role, f"{role}-*"]}})
    )
    assert _compare(named, wider, PolicyType.TRUST) == [
        (
            ("Statement", 0, "Condition", "ArnLike", "aws:PrincipalArn", 1),
            "new access since main: arn:aws:iam::111122223333:role/ci-* may now use sts:AssumeRole",
        )
    ]
    account = _document(
        _trust({"AWS": "*"}, Condition={"StringEquals": {"aws:PrincipalAccount": "111122223333"}})
    )
    assert _compare(account, named, PolicyType.TRUST) == []
    assert _compare(named, account, PolicyType.TRUST) == [
        (
            ("Statement", 0, "Condition", "StringEquals", "aws:PrincipalAccount"),
            "new access since main: 111122223333 may now use sts:AssumeRole",
        )
    ]


def test_standard_input_is_compared_through_its_file_name(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    added = policy({**S3_READ, "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"]})
    arguments = ["check", "--no-cache", "-q", "--new-access-since", "HEAD", "--select", "LPR01"]
    named = CliRunner().invoke(main, [*arguments, "--stdin-filename", "policy.json"], input=added)
    assert named.output == (
        "policy.json:10:9: LPR014 [warning] new access since HEAD: s3:PutObject on "
        "arn:aws:s3:::transcripts/*\n"
    )
    unnamed = CliRunner().invoke(main, [*arguments, "-"], input=added)
    assert unnamed.output == (
        "-:3:3: LPR015 [note] standard input has no file path to compare with the revision: "
        "give --stdin-filename PATH\n"
    )
