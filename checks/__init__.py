"""The rule registry: every rule iamlint runs, in one reviewable tuple.

A new rule is a module in this package, one line in ``REGISTRY``, a ``fixtures/<ID>/`` directory,
and ``python -m linter.rule_index`` to refresh ``checks/_index.py``, the metadata the engine reads
so that it imports only the rules a file can trigger (a one-statement s3 policy imports 32 of
the 101).

``RULES`` describes every rule without importing it. ``ALL_CHECKS`` and ``RULES_BY_ID`` are the
rule classes themselves; reading either imports every rule module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checks._index import INDEX
from linter.rule_index import RuleInfo

if TYPE_CHECKING:
    from linter.check import Check

# (id, module in this package, class)
REGISTRY: tuple[tuple[str, str, str], ...] = (
    # JSON: the decoder's problems
    ("JSON001", "json_syntax_error", "InvalidJson"),
    ("JSON002", "trailing_comma", "TrailingComma"),
    ("JSON003", "json_comment", "JsonComment"),
    ("JSON004", "duplicate_key", "DuplicateKey"),
    ("JSON005", "invalid_encoding", "InvalidEncoding"),
    ("JSON006", "non_finite_number", "NonFiniteNumber"),
    ("JSON007", "nesting_too_deep", "NestingTooDeep"),
    ("JSON008", "file_too_large", "FileTooLarge"),
    ("JSON009", "empty_document", "EmptyDocument"),
    # Grammar
    ("GRM001", "missing_version", "MissingVersion"),
    ("GRM002", "invalid_version", "InvalidVersion"),
    ("GRM003", "old_version", "OldVersion"),
    ("GRM004", "invalid_policy_structure", "InvalidPolicyStructure"),
    ("GRM005", "invalid_effect", "InvalidEffect"),
    ("GRM006", "invalid_action_element", "InvalidActionElement"),
    ("GRM007", "invalid_resource_element", "InvalidResourceElement"),
    ("GRM008", "invalid_principal_element", "InvalidPrincipalElement"),
    ("GRM009", "invalid_sid", "InvalidSid"),
    ("GRM010", "duplicate_sid", "DuplicateSid"),
    ("GRM011", "unknown_element", "UnknownElement"),
    ("GRM012", "empty_value", "EmptyValue"),
    ("GRM013", "invalid_condition_block", "InvalidConditionBlock"),
    # Validity: actions (ACT)
    ("ACT001", "unknown_service_prefix", "UnknownServicePrefix"),
    ("ACT002", "unknown_action", "UnknownAction"),
    ("ACT003", "action_wildcard_matches_nothing", "ActionWildcardMatchesNothing"),
    ("ACT004", "action_letter_case", "ActionLetterCase"),
    ("ACT005", "action_not_for_policy_type", "ActionNotForPolicyType"),
    ("ACT006", "not_action_in_rcp", "NotActionInRcp"),
    # Validity: resources (RES)
    ("RES001", "invalid_arn", "InvalidArn"),
    ("RES002", "arn_fields_for_service", "ArnFieldsForService"),
    ("RES003", "resource_matches_no_action", "ResourceMatchesNoAction"),
    ("RES004", "kms_key_not_by_arn", "KmsKeyNotByArn"),
    # Validity: principals (PRI)
    ("PRI001", "invalid_aws_principal", "InvalidAwsPrincipal"),
    ("PRI002", "invalid_service_principal", "InvalidServicePrincipal"),
    ("PRI003", "invalid_federated_principal", "InvalidFederatedPrincipal"),
    ("PRI004", "wildcard_in_principal", "WildcardInPrincipal"),
    ("PRI005", "principal_unique_id", "PrincipalUniqueId"),
    ("PRI006", "federated_principal_not_supported", "FederatedPrincipalNotSupported"),
    ("PRI007", "wildcard_principal_in_trust_policy", "WildcardPrincipalInTrustPolicy"),
    ("PRI008", "mismatched_action_for_principal", "MismatchedActionForPrincipal"),
    ("PRI009", "rcp_principal_not_wildcard", "RcpPrincipalNotWildcard"),
    ("PRI010", "roles_anywhere_missing_actions", "RolesAnywhereMissingActions"),
    ("PRI011", "redundant_session_principal", "RedundantSessionPrincipal"),
    # Validity: conditions (CND)
    ("CND001", "unknown_condition_operator", "UnknownConditionOperator"),
    ("CND002", "unknown_global_condition_key", "UnknownGlobalConditionKey"),
    ("CND003", "unknown_service_condition_key", "UnknownServiceConditionKey"),
    ("CND004", "condition_key_not_supported", "ConditionKeyNotSupportedByAction"),
    ("CND005", "invalid_condition_value", "InvalidConditionValue"),
    ("CND006", "imprecise_condition_value", "ImpreciseConditionValue"),
    ("CND007", "operator_key_type_mismatch", "OperatorKeyTypeMismatch"),
    ("CND008", "string_operator_on_arn_key", "StringOperatorOnArnKey"),
    ("CND009", "forallvalues_on_single_valued_key", "ForAllValuesOnSingleValuedKey"),
    ("CND010", "missing_set_qualifier", "MissingSetQualifier"),
    ("CND011", "ineffective_set_qualifier", "IneffectiveSetQualifier"),
    ("CND012", "forallvalues_without_null_guard", "ForAllValuesWithoutNullGuard"),
    ("CND013", "empty_condition_values", "EmptyConditionValues"),
    ("CND014", "wildcard_without_like_operator", "WildcardWithoutLikeOperator"),
    ("CND015", "invalid_policy_variable", "InvalidPolicyVariable"),
    ("CND016", "policy_variable_in_unsupported_element", "PolicyVariableInUnsupportedElement"),
    ("CND017", "mfa_condition_antipattern", "MfaConditionAntipattern"),
    ("CND018", "duplicate_condition_key_case", "DuplicateConditionKeyCase"),
    ("CND019", "private_ip_in_source_ip", "PrivateIpInSourceIp"),
    # Validity: policy level (POL)
    ("POL001", "duplicate_statement", "DuplicateStatement"),
    ("POL002", "redundant_action", "RedundantAction"),
    ("POL003", "redundant_resource", "RedundantResource"),
    ("POL004", "policy_size_exceeded", "PolicySizeExceeded"),
    ("POL005", "variables_without_version", "VariablesWithoutVersion"),
    ("POL006", "rcp_allow_statement", "RcpAllowStatement"),
    ("POL007", "unfilled_placeholder", "UnfilledPlaceholder"),
    # Transcribe best practices: KMS encryption context (KMS)
    ("KMS001", "encryption_context_missing", "EncryptionContextMissing"),
    ("KMS002", "encryption_context_set_operator", "EncryptionContextSetOperator"),
    (
        "KMS003",
        "encryption_context_keys_without_qualifier",
        "EncryptionContextKeysWithoutQualifier",
    ),
    ("KMS004", "transcribe_encryption_context_invalid", "TranscribeEncryptionContextInvalid"),
    # Transcribe best practices: output encryption and tag-based access control (TRN)
    ("TRN001", "transcribe_output_key_not_required", "TranscribeOutputKeyNotRequired"),
    ("TRN002", "transcribe_resource_tag_missing", "TranscribeResourceTagMissing"),
    ("TRN003", "transcribe_request_tag_missing", "TranscribeRequestTagMissing"),
    ("TRN004", "transcribe_tagging_unconstrained", "TranscribeTaggingUnconstrained"),
    # Transcribe best practices: temporary credentials (CRD)
    ("CRD001", "long_term_credential_grant", "LongTermCredentialGrant"),
    ("CRD002", "iam_user_principal", "IamUserPrincipal"),
    ("CRD003", "username_absent_for_roles", "UsernameAbsentForRoles"),
    # Transcribe best practices: roles and trust policies (TRU)
    ("TRU001", "service_role_confused_deputy", "ServiceRoleConfusedDeputy"),
    ("TRU002", "source_account_mismatch", "SourceAccountMismatch"),
    ("TRU003", "trust_any_principal", "TrustAnyPrincipal"),
    ("TRU004", "cross_account_trust_without_external_id", "CrossAccountTrustWithoutExternalId"),
    ("TRU005", "oidc_trust_missing_condition", "OidcTrustMissingCondition"),
    ("TRU006", "github_oidc_subject_too_broad", "GithubOidcSubjectTooBroad"),
    # Transcribe best practices: CloudTrail, AWS Config and key tamper (MON)
    ("MON001", "cloudtrail_tamper", "CloudtrailTamper"),
    ("MON002", "config_tamper", "ConfigTamper"),
    ("MON003", "kms_key_tamper", "KmsKeyTamper"),
    # Least privilege (LPR)
    ("LPR001", "full_admin_access", "FullAdminAccess"),
    ("LPR002", "pass_role_unrestricted", "PassRoleUnrestricted"),
    ("LPR003", "privilege_escalation", "PrivilegeEscalation"),
    ("LPR004", "allow_with_not_action", "AllowWithNotAction"),
    ("LPR005", "allow_with_not_resource", "AllowWithNotResource"),
    ("LPR006", "allow_with_not_principal", "AllowWithNotPrincipal"),
    ("LPR007", "public_principal", "PublicPrincipal"),
    ("LPR008", "credentials_exposure", "CredentialsExposure"),
    ("LPR009", "data_exfiltration", "DataExfiltration"),
    ("LPR010", "write_on_any_resource", "WriteOnAnyResource"),
    ("LPR011", "access_not_granted", "AccessNotGranted"),
    ("LPR012", "public_access", "PublicAccess"),
    ("LPR013", "resource_exposure", "ResourceExposure"),
    ("LPR014", "new_access", "NewAccess"),
    ("LPR015", "new_policy", "NewPolicy"),
    ("LPR016", "resource_policy_self_modification", "ResourcePolicySelfModification"),
    # Templates
    ("TPL001", "template_syntax_error", "TemplateSyntaxError"),
    ("TPL002", "policy_not_checkable", "PolicyNotCheckable"),
    # Engine
    ("INT001", "internal_error", "InternalError"),
    ("IO001", "unreadable_file", "UnreadableFile"),
    ("SUP001", "unused_suppression", "UnusedSuppression"),
)

RULES: tuple[RuleInfo, ...] = tuple(
    RuleInfo(rule_id, f"checks.{module}", class_name, INDEX.get(rule_id))
    for rule_id, module, class_name in REGISTRY
)
RULE_INFO_BY_ID: dict[str, RuleInfo] = {info.id: info for info in RULES}


def __getattr__(name: str) -> Any:
    if name == "ALL_CHECKS":
        value: Any = tuple(info.load() for info in RULES)
    elif name == "RULES_BY_ID":
        value = {info.id: info.load() for info in RULES}
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


ALL_CHECKS: tuple[type[Check], ...]
RULES_BY_ID: dict[str, type[Check]]
