"""LPR012 public-access against an independent oracle (policyuniverse), and the data lists of
LPR012 and LPR013. Every disagreement with the oracle falls in a category that
docs/public-access.md explains, and the count of each is pinned here."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from checks.public_access import public_resource_types
from checks.resource_exposure import exposure_actions
from linter.access import has_public_principal, limits_to_services, statement_limits_callers
from linter.catalog import load_catalog
from linter.engine import Linter
from linter.model import PolicyType
from linter.policy import Policy
from linter.results import LintOptions
from tests.conftest import CORPUS, FIXTURES

policyuniverse = pytest.importorskip("policyuniverse.policy")

#: Disagreements on the fixtures, per category of docs/public-access.md.
FIXTURE_DISAGREEMENTS = {
    "oracle-crash": 5,
    "not-a-resource-policy": 5,
    "deny": 3,
    "invalid-principal": 1,
    "oracle-ignores-service-condition": 1,
}


def _verdicts(path: Path) -> tuple[str, bool, object, object] | None:
    """(policy type, LPR012 fires, oracle verdict or "crash", document), None for non-policies."""
    data = path.read_bytes()
    try:
        document = json.loads(data)
    except ValueError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list | dict):
        return None
    try:
        oracle: object = policyuniverse.Policy(document).is_internet_accessible()
    except Exception:  # the oracle does not survive malformed shapes
        oracle = "crash"
    result = Linter(LintOptions(select=("LPR012",))).lint_bytes(data, path.name)
    fires = any(f.rule_id == "LPR012" for f in result.findings)
    kind = result.policy_type.value if result.policy_type else "none"
    return kind, fires, oracle, document


def _without_denies(document: dict) -> dict:
    statements = document["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    kept = [s for s in statements if not (isinstance(s, dict) and s.get("Effect") == "Deny")]
    return {**document, "Statement": kept}


def _category(path: Path, kind: str, fires: bool, oracle: object, document: dict) -> str:
    """Why LPR012 and the oracle disagree on one file (the categories of the docs)."""
    if oracle == "crash":
        return "oracle-crash"
    if kind not in ("resource", "kms-key"):
        return "not-a-resource-policy"
    if oracle and not fires:
        policy = Policy(_without_denies(document), PolicyType(kind))
        undenied = Linter(LintOptions(select=("LPR012",), policy_type=PolicyType(kind)))
        text = json.dumps(policy.document)
        if any(f.rule_id == "LPR012" for f in undenied.lint_text(text, path.name).findings):
            return "deny"
        public = [
            s
            for s in policy.statements
            if s.is_allow and has_public_principal(s) and not statement_limits_callers(s)
        ]
        if public:
            services = {
                str(item.value).partition(":")[0].lower() for s in public for item in s.actions
            }
            if not services & set(public_resource_types()):
                return "outside-covered-types"
        if not public and any(
            s.is_allow
            and has_public_principal(s)
            and any(limits_to_services(e) for e in s.conditions)
            for s in policy.statements
        ):
            return "oracle-ignores-service-condition"
        if not public and any("*" in str(p.value) for s in policy.statements for p in s.principals):
            return "invalid-principal"
    if fires and not oracle:
        return "oracle-accepts-condition"
    return "unexplained"


def _disagreements(paths: list[Path]) -> collections.Counter:
    found: collections.Counter = collections.Counter()
    for path in paths:
        verdicts = _verdicts(path)
        if verdicts is None:
            continue
        kind, fires, oracle, document = verdicts
        if oracle is not fires:
            found[_category(path, kind, fires, oracle, document)] += 1
    return found


def test_fixture_disagreements_with_policyuniverse_are_the_documented_ones() -> None:
    paths = sorted(p for p in FIXTURES.rglob("*.json") if not p.name.endswith(".expected.json"))
    assert dict(_disagreements(paths)) == FIXTURE_DISAGREEMENTS


def test_managed_policies_agree_with_policyuniverse() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    paths = sorted(CORPUS.glob("*.json"))
    assert len(paths) > 1000
    assert dict(_disagreements(paths)) == {}


@pytest.mark.parametrize(
    ("statements", "fires", "oracle"),
    [
        # agreement: a public read, and the same limited to an organization
        ([{"Principal": "*", "Action": "s3:GetObject"}], True, True),
        (
            [
                {
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
                }
            ],
            False,
            False,
        ),
        # the oracle reads no Deny: an organization guard as a Deny
        (
            [
                {"Principal": "*", "Action": "s3:GetObject"},
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
                },
            ],
            False,
            True,
        ),
        # IfExists matches requests without the key: anonymous callers have no account
        (
            [
                {
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}},
                }
            ],
            True,
            False,
        ),
        # CloudWatch Logs resource policies are not among Access Analyzer's resource types
        ([{"Principal": "*", "Action": "logs:PutLogEvents"}], False, True),
    ],
)
def test_documented_examples(statements: list[dict], fires: bool, oracle: bool) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Resource": "arn:aws:s3:::transcripts/*", **s} for s in statements
        ],
    }
    assert policyuniverse.Policy(document).is_internet_accessible() is oracle
    options = LintOptions(select=("LPR012",), policy_type=PolicyType.RESOURCE)
    findings = Linter(options).lint_text(json.dumps(document), "p.json").findings
    assert bool(findings) is fires


def test_the_data_lists_name_catalog_actions_and_services() -> None:
    catalog = load_catalog()
    for name in exposure_actions():
        action = catalog.action(name)
        assert action is not None and action.full_name == name, name
    for prefix in public_resource_types():
        assert catalog.service(prefix) is not None, prefix
    root = Path(__file__).resolve().parent.parent / "linter" / "data"
    for name in ("public_access.json", "resource_exposure.json"):
        data = json.loads((root / name).read_text())
        sources = set(data["sources"])
        entries = data.get("resource_types") or data.get("actions")
        assert all(set(e["sources"]) <= sources and e["sources"] for e in entries), name


def _reports(rule: type, document: dict, policy_type: PolicyType, settings=None) -> list:
    from linter.context import Context

    policy = Policy(document, policy_type)
    return [report.path for report in rule().run(policy, Context(settings))]


def test_deploy_time_values_never_give_false_certainty() -> None:
    from checks.access_not_granted import AccessNotGranted
    from checks.public_access import PublicAccess
    from linter.context import RuleSettings
    from linter.sources import Unknown

    bucket = Unknown("${Bucket.Arn}/*", "arn:*:s3:::*/*", "arn")
    read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": bucket}
    document = {"Version": "2012-10-17", "Statement": [read]}
    assert _reports(PublicAccess, document, PolicyType.RESOURCE) == [("Statement", 0, "Action")]
    # a Condition known only at deployment (!If) may limit the callers: silent
    conditional = {**read, "Condition": Unknown("!If [IsProd, ...]")}
    document = {"Version": "2012-10-17", "Statement": [conditional]}
    assert _reports(PublicAccess, document, PolicyType.RESOURCE) == []
    # a Deny whose resource is known only at deployment may cover the grant: silent
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": bucket}
    document = {"Version": "2012-10-17", "Statement": [read, deny]}
    assert _reports(PublicAccess, document, PolicyType.RESOURCE) == []
    allow = {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}
    settings = RuleSettings(access_not_granted=({"actions": ["kms:ScheduleKeyDeletion"]},))
    unknown_deny = {"Effect": "Deny", "Action": Unknown("!Ref Denied"), "Resource": "*"}
    for statements, expected in (
        ([allow], [("Statement", 0, "Action")]),
        ([allow, unknown_deny], []),
        ([{**allow, "Resource": Unknown("!GetAtt Key.Arn", None, "arn")}], []),
    ):
        document = {"Version": "2012-10-17", "Statement": statements}
        assert _reports(AccessNotGranted, document, PolicyType.IDENTITY, settings) == expected
