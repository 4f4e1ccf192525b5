"""Which AWS provider attributes hold IAM policy documents, and the policy type each implies.

Shared by the three Terraform formats (HCL, ``*.tf.json``, plan JSON). No tree-sitter here.
"""

from __future__ import annotations

import re

from linter.model import PolicyType

_RESOURCE = PolicyType.RESOURCE

#: resource type → {attribute: policy type}. A nested block's attribute is written
#: ``block.attribute`` (``aws_iam_role`` ``inline_policy { policy = ... }``).
POLICY_ATTRIBUTES: dict[str, dict[str, PolicyType]] = {
    "aws_iam_role": {
        "assume_role_policy": PolicyType.TRUST,
        "inline_policy.policy": PolicyType.IDENTITY,
    },
    "aws_iam_policy": {"policy": PolicyType.IDENTITY},
    "aws_iam_role_policy": {"policy": PolicyType.IDENTITY},
    "aws_iam_user_policy": {"policy": PolicyType.IDENTITY},
    "aws_iam_group_policy": {"policy": PolicyType.IDENTITY},
    "aws_ssoadmin_permission_set_inline_policy": {"inline_policy": PolicyType.IDENTITY},
    "aws_kms_key": {"policy": PolicyType.KMS_KEY},
    "aws_kms_replica_key": {"policy": PolicyType.KMS_KEY},
    "aws_kms_external_key": {"policy": PolicyType.KMS_KEY},
    "aws_kms_replica_external_key": {"policy": PolicyType.KMS_KEY},
    "aws_kms_key_policy": {"policy": PolicyType.KMS_KEY},
    "aws_s3_bucket_policy": {"policy": _RESOURCE},
    "aws_s3_access_point": {"policy": _RESOURCE},
    "aws_s3control_bucket_policy": {"policy": _RESOURCE},
    "aws_s3control_access_point_policy": {"policy": _RESOURCE},
    "aws_s3control_object_lambda_access_point_policy": {"policy": _RESOURCE},
    "aws_sqs_queue": {"policy": _RESOURCE},
    "aws_sqs_queue_policy": {"policy": _RESOURCE},
    "aws_sns_topic": {"policy": _RESOURCE},
    "aws_sns_topic_policy": {"policy": _RESOURCE},
    "aws_secretsmanager_secret": {"policy": _RESOURCE},
    "aws_secretsmanager_secret_policy": {"policy": _RESOURCE},
    "aws_ecr_repository_policy": {"policy": _RESOURCE},
    "aws_ecr_registry_policy": {"policy": _RESOURCE},
    "aws_ecrpublic_repository_policy": {"policy": _RESOURCE},
    "aws_cloudwatch_log_resource_policy": {"policy_document": _RESOURCE},
    "aws_cloudwatch_log_destination_policy": {"access_policy": _RESOURCE},
    "aws_cloudwatch_event_bus_policy": {"policy": _RESOURCE},
    "aws_opensearch_domain_policy": {"access_policies": _RESOURCE},
    "aws_opensearch_domain": {"access_policies": _RESOURCE},
    "aws_elasticsearch_domain_policy": {"access_policies": _RESOURCE},
    "aws_elasticsearch_domain": {"access_policies": _RESOURCE},
    "aws_efs_file_system_policy": {"policy": _RESOURCE},
    "aws_backup_vault_policy": {"policy": _RESOURCE},
    "aws_glacier_vault": {"access_policy": _RESOURCE},
    "aws_api_gateway_rest_api_policy": {"policy": _RESOURCE},
    "aws_api_gateway_rest_api": {"policy": _RESOURCE},
    "aws_dynamodb_resource_policy": {"policy": _RESOURCE},
    "aws_kinesis_resource_policy": {"policy": _RESOURCE},
    "aws_codeartifact_domain_permissions_policy": {"policy_document": _RESOURCE},
    "aws_codeartifact_repository_permissions_policy": {"policy_document": _RESOURCE},
    "aws_glue_resource_policy": {"policy": _RESOURCE},
    "aws_media_store_container_policy": {"policy": _RESOURCE},
    "aws_networkfirewall_resource_policy": {"policy": _RESOURCE},
    "aws_schemas_registry_policy": {"policy": _RESOURCE},
    "aws_redshiftserverless_resource_policy": {"policy": _RESOURCE},
    "aws_vpclattice_auth_policy": {"policy": _RESOURCE},
    "aws_vpclattice_resource_policy": {"policy": _RESOURCE},
    "aws_xray_resource_policy": {"policy_document": _RESOURCE},
    "aws_oam_sink_policy": {"policy": _RESOURCE},
    "aws_vpc_endpoint": {"policy": PolicyType.VPC_ENDPOINT},
    "aws_vpc_endpoint_policy": {"policy": PolicyType.VPC_ENDPOINT},
    "aws_organizations_policy": {"content": PolicyType.SCP},
}

#: ``aws_organizations_policy`` ``type`` values that are IAM policy documents.
ORGANIZATIONS_TYPES = {
    "SERVICE_CONTROL_POLICY": PolicyType.SCP,
    "RESOURCE_CONTROL_POLICY": PolicyType.RCP,
}

#: References to other blocks whose policies are linted where they are written.
_LINTED_ELSEWHERE = re.compile(
    r"data\.aws_iam_policy_document\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.(?:minified_)?json"
    r"|(?P<type>aws_[a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.(?P<attribute>[a-z_]+)"
)
_EXISTING_POLICY = re.compile(
    r"data\.aws_iam_policy\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.(?:policy|arn)"
)
POLICY_DOCUMENT_REFERENCE = re.compile(
    r"data\.aws_iam_policy_document\.(?P<name>[A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:minified_)?json"
)


def policy_attributes(resource_type: str) -> dict[str, PolicyType]:
    """The policy-holding attributes of a resource type (empty for others)."""
    return POLICY_ATTRIBUTES.get(resource_type, {})


def linted_elsewhere(expression: str) -> bool:
    """Whether an expression gives a policy that is linted at its own block, or is not written
    in this configuration at all: it uses a ``data.aws_iam_policy_document.x.json`` (alone or
    inside ``coalesce(var.policy, ...)``, ``one(...[*].json)``, ``replace(...)``), is another
    resource's policy attribute, or an existing policy read by ``data.aws_iam_policy``."""
    text = expression.strip()
    if POLICY_DOCUMENT_REFERENCE.search(text) or _EXISTING_POLICY.fullmatch(text):
        return True
    match = _LINTED_ELSEWHERE.fullmatch(text)
    if match is None or match.group("type") is None:
        return False
    return match.group("attribute") in {
        name.rsplit(".", 1)[-1] for name in policy_attributes(match.group("type"))
    }


def type_reason(resource_type: str, attribute: str) -> str:
    return f"{resource_type} {attribute}"
