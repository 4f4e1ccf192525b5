"""Pattern overlap and cover (linter/access.py), and LPR011 access-not-granted end to end."""

from __future__ import annotations

import itertools
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from linter import config
from linter.access import arn_patterns_may_overlap, globs_may_overlap
from linter.cli import main
from linter.context import RuleSettings
from linter.engine import Linter, LintOptions
from linter.wildcards import glob_covers
from tests.conftest import as_rows, policy

PATTERNS = st.text(alphabet="ab*?", max_size=6)


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )


def _strings(length: int) -> list[str]:
    return ["".join(t) for n in range(length + 1) for t in itertools.product("ab", repeat=n)]


@settings(max_examples=500, deadline=None)
@given(PATTERNS, PATTERNS)
def test_overlap_is_exact_against_brute_force(first: str, second: str) -> None:
    # A common string, when there is one, is no longer than the two patterns together.
    witness = any(
        _regex(first).fullmatch(s) and _regex(second).fullmatch(s)
        for s in _strings(len(first) + len(second))
    )
    assert globs_may_overlap(first, second) is witness
    assert globs_may_overlap(second, first) is witness


@settings(max_examples=500, deadline=None)
@given(PATTERNS, PATTERNS)
def test_cover_is_sound(general: str, specific: str) -> None:
    if glob_covers(general, specific):
        for text in _strings(7):
            if _regex(specific).fullmatch(text):
                assert _regex(general).fullmatch(text), (general, specific, text)


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ("arn:aws:s3:::audit-logs/2026/*", "arn:aws:s3:::audit-logs/*", True),
        ("arn:aws:s3:::audit-*", "arn:aws:s3:::audit-logs/*", True),
        ("*", "arn:aws:s3:::audit-logs/*", True),
        ("arn:aws:s3:::audit-logs", "arn:aws:s3:::audit-logs/*", False),
        ("arn:aws:s3:::audit-logs-old/*", "arn:aws:s3:::audit-logs/*", False),
        ("arn:aws:s3:::${aws:username}/*", "arn:aws:s3:::audit-logs/x", True),
        ("arn:aws:s3:::home/${aws:username}", "arn:aws:s3:::audit-logs/*", False),
        ("arn:aws:s3:::a?dit-logs/*", "arn:aws:s3:::audit-logs/2026/*", True),
        ("arn:aws:kms:*:111122223333:key/*", "arn:aws:s3:::audit-logs/*", False),
    ],
)
def test_arn_patterns_may_overlap(first: str, second: str, overlap: bool) -> None:
    assert arn_patterns_may_overlap(first, second) is overlap
    assert arn_patterns_may_overlap(second, first) is overlap


def test_cover_with_variables_is_only_certain_coverage() -> None:
    assert glob_covers("arn:aws:s3:::audit-logs/*", "arn:aws:s3:::audit-logs/2026/*")
    assert not glob_covers("arn:aws:s3:::audit-logs/2026/*", "arn:aws:s3:::audit-logs/*")
    assert not glob_covers("arn:aws:s3:::home/*name}", "arn:aws:s3:::home/${aws:username}")
    assert glob_covers("*", "arn:aws:s3:::home/${aws:username}")
    assert not glob_covers("", "*")


# -- the rule with settings ------------------------------------------------------------------


def _lint(text: str, *entries: object, policy_type: str | None = None) -> list[tuple]:
    from linter.model import PolicyType

    options = LintOptions(
        select=("LPR011",),
        rule_settings=RuleSettings(access_not_granted=entries),
        policy_type=PolicyType(policy_type) if policy_type else None,
    )
    return as_rows(Linter(options).lint_text(text, "p.json").findings)


ALLOW_KMS = {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}


def test_nothing_without_settings() -> None:
    assert _lint(policy(ALLOW_KMS)) == []


def test_command_line_strings_are_actions_or_resources() -> None:
    text = policy(ALLOW_KMS, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    assert [row[:3] for row in _lint(text, "kms:ScheduleKeyDeletion", "arn:aws:s3:::logs/*")] == [
        ("LPR011", 6, 17),
        ("LPR011", 12, 19),
    ]


@pytest.mark.parametrize(
    ("deny", "silent"),
    [
        ({"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}, True),
        ({"Effect": "Deny", "Action": "kms:Schedule*", "Resource": "*"}, True),
        ({"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}, True),
        # over-approximated: what a NotResource Deny leaves (S3 objects, KMS aliases) is not
        # matched against the resource types of the action
        ({"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::x/*"}, False),
        ({"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:kms:*:*:alias/*"}, False),
        ({"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "arn:*:kms:*"}, False),
        (
            {
                "Effect": "Deny",
                "Action": "kms:ScheduleKeyDeletion",
                "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
            },
            False,
        ),
        ({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}, False),
    ],
)
def test_only_an_unconditional_deny_that_covers_it_removes_the_grant(
    deny: dict, silent: bool
) -> None:
    findings = _lint(policy(ALLOW_KMS, deny), {"actions": ["kms:ScheduleKeyDeletion"]})
    assert (findings == []) is silent, findings


def test_a_deny_in_a_resource_policy_must_apply_to_every_principal() -> None:
    allow = {**ALLOW_KMS, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}
    deny = {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}
    entry = {"actions": ["kms:ScheduleKeyDeletion"]}
    someone = {**deny, "Principal": {"AWS": "arn:aws:iam::111122223333:role/x"}}
    assert _lint(policy(allow, someone), entry, policy_type="kms-key") != []
    assert _lint(policy(allow, {**deny, "Principal": "*"}), entry, policy_type="kms-key") == []
    not_principal = {**deny, "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/x"}}
    assert _lint(policy(allow, not_principal), entry, policy_type="kms-key") != []


def test_command_line_option_and_configuration_add_up(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".iamlint.toml").write_text(
        'access-not-granted = [{ actions = ["kms:ScheduleKeyDeletion"] }]\n'
    )
    (tmp_path / "p.json").write_text(
        policy(ALLOW_KMS, {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})
    )
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        runner = CliRunner()
        args = ["check", "--no-cache", "--select", "LPR011", "--format", "json", "p.json"]
        configured = runner.invoke(main, args)
        both = runner.invoke(
            main, [*args[:-1], "--access-not-granted", "arn:aws:s3:::x/*", "p.json"]
        )
        wrong = runner.invoke(main, [*args[:-1], "--access-not-granted", "DeleteBucket", "p.json"])
    finally:
        os.chdir(previous)
    messages = [f["message"] for f in json.loads(configured.stdout)["findings"]]
    assert len(messages) == 1 and "entry 1 (kms:ScheduleKeyDeletion)" in messages[0]
    messages = [f["message"] for f in json.loads(both.stdout)["findings"]]
    assert len(messages) == 2 and "entry 2 (any action on arn:aws:s3:::x/*)" in messages[1]
    assert wrong.exit_code == 2 and "neither an action" in wrong.output


@pytest.mark.parametrize(
    "value",
    [
        "[{}]",
        "[{ actions = [] }]",
        '[{ actions = ["DeleteBucket"] }]',
        '[{ resources = ["audit-logs/*"] }]',
        '[{ action = ["s3:DeleteBucket"] }]',
        '["s3:DeleteBucket"]',
    ],
)
def test_the_configuration_rejects_malformed_entries(tmp_path: Path, value: str) -> None:
    path = tmp_path / ".iamlint.toml"
    path.write_text(f"access-not-granted = {value}\n")
    with pytest.raises(config.ConfigError, match="access-not-granted"):
        config.load_config(str(path))
