"""The engine skips rules a policy cannot trigger: that must never change what a run reports.

Each rule's ``needs_elements`` / ``needs_services`` / ``needs_problem`` lets the engine skip it (and
not import it) for a policy without them. These tests lint every fixture, under every policy type,
and the AWS managed policies when the shared corpus is present, once with skipping and once running
every rule, and require identical findings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks import RULES
from linter.engine import Linter, LintOptions, PolicyContents
from linter.model import PolicyType
from linter.policy import Policy
from tests.conftest import FIXTURES

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "aws-managed"
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*.json") if not p.name.endswith(".expected.json"))


def _findings(linter: Linter, path: Path) -> list[tuple]:
    result = linter.lint_bytes(path.read_bytes(), str(path))
    return [(f.rule_id, f.span, f.message, f.severity) for f in result.findings]


@pytest.mark.parametrize(
    "policy_type", [None, *PolicyType], ids=lambda t: getattr(t, "value", "automatic")
)
def test_skipping_untriggered_rules_changes_no_fixture_finding(policy_type) -> None:
    options = LintOptions(policy_type=policy_type)
    skipping, running_all = Linter(options), Linter(options, skip_untriggered=False)
    for path in FIXTURE_FILES:
        assert _findings(skipping, path) == _findings(running_all, path), path


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared AWS managed policy corpus is absent")
def test_skipping_untriggered_rules_changes_no_aws_managed_policy_finding() -> None:
    skipping, running_all = Linter(), Linter(skip_untriggered=False)
    for path in sorted(CORPUS.glob("*.json")):
        assert _findings(skipping, path) == _findings(running_all, path), path


def _contents(document: object) -> PolicyContents:
    policy = Policy(document, PolicyType.IDENTITY, "p.json")
    policy.problems = []
    return PolicyContents(policy)


def test_policy_contents_names_elements_and_services() -> None:
    contents = _contents(
        {
            "Statement": [
                {"Effect": "Allow", "Action": ["KMS:Decrypt", "s3:Get*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "transcribe:*", "condition": {}},
            ]
        }
    )
    assert contents.elements == {"effect", "action", "resource", "condition"}
    assert contents.services == {"kms", "s3", "transcribe"}
    assert contents.problems == frozenset()


@pytest.mark.parametrize(
    "statement",
    [
        {"Action": "*"},
        {"Action": "k*:Decrypt"},
        {"Action": ["s3:GetObject", "?ms:Decrypt"]},
        {"NotAction": "s3:GetObject"},
    ],
)
def test_an_action_that_can_name_any_service_triggers_every_service_rule(statement) -> None:
    assert _contents({"Statement": statement}).services is None


def test_a_one_file_run_imports_only_the_rules_the_file_can_trigger(tmp_path: Path) -> None:
    policy = tmp_path / "small.json"
    policy.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
                ],
            }
        )
    )
    script = (
        "import sys\n"
        "from linter.cli import main\n"
        f"sys.argv = ['iamlint', 'check', {str(policy)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('checks.'))))"
    )
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True
    )
    imported = json.loads(completed.stdout.strip().splitlines()[-1])
    condition_rules = {r.module for r in RULES if "condition" in r.needs_elements}
    assert condition_rules and not condition_rules & set(imported)
    assert "checks.kms_key_tamper" not in imported
    assert "checks.unknown_action" in imported
    assert len(imported) < len(RULES) / 2
