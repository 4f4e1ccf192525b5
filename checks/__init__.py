"""The rule registry: every rule iamlint runs, in one reviewable tuple.

A new rule is a module in this package, one line here and a ``fixtures/<ID>/`` directory.
"""

from __future__ import annotations

from checks.action_letter_case import ActionLetterCase
from checks.action_not_for_policy_type import ActionNotForPolicyType
from checks.action_wildcard_matches_nothing import ActionWildcardMatchesNothing
from checks.allow_with_not_action import AllowWithNotAction
from checks.allow_with_not_principal import AllowWithNotPrincipal
from checks.allow_with_not_resource import AllowWithNotResource
from checks.arn_fields_for_service import ArnFieldsForService
from checks.cloudtrail_tamper import CloudtrailTamper
from checks.condition_key_not_supported import ConditionKeyNotSupportedByAction
from checks.config_tamper import ConfigTamper
from checks.credentials_exposure import CredentialsExposure
from checks.cross_account_trust_without_external_id import CrossAccountTrustWithoutExternalId
from checks.data_exfiltration import DataExfiltration
from checks.duplicate_condition_key_case import DuplicateConditionKeyCase
from checks.duplicate_key import DuplicateKey
from checks.duplicate_sid import DuplicateSid
from checks.duplicate_statement import DuplicateStatement
from checks.empty_condition_values import EmptyConditionValues
from checks.empty_document import EmptyDocument
from checks.empty_value import EmptyValue
from checks.encryption_context_keys_without_qualifier import (
    EncryptionContextKeysWithoutQualifier,
)
from checks.encryption_context_missing import EncryptionContextMissing
from checks.encryption_context_set_operator import EncryptionContextSetOperator
from checks.federated_principal_not_supported import FederatedPrincipalNotSupported
from checks.file_too_large import FileTooLarge
from checks.forallvalues_on_single_valued_key import ForAllValuesOnSingleValuedKey
from checks.forallvalues_without_null_guard import ForAllValuesWithoutNullGuard
from checks.full_admin_access import FullAdminAccess
from checks.github_oidc_subject_too_broad import GithubOidcSubjectTooBroad
from checks.iam_user_principal import IamUserPrincipal
from checks.imprecise_condition_value import ImpreciseConditionValue
from checks.ineffective_set_qualifier import IneffectiveSetQualifier
from checks.internal_error import InternalError
from checks.invalid_action_element import InvalidActionElement
from checks.invalid_arn import InvalidArn
from checks.invalid_aws_principal import InvalidAwsPrincipal
from checks.invalid_condition_block import InvalidConditionBlock
from checks.invalid_condition_value import InvalidConditionValue
from checks.invalid_effect import InvalidEffect
from checks.invalid_encoding import InvalidEncoding
from checks.invalid_federated_principal import InvalidFederatedPrincipal
from checks.invalid_policy_structure import InvalidPolicyStructure
from checks.invalid_policy_variable import InvalidPolicyVariable
from checks.invalid_principal_element import InvalidPrincipalElement
from checks.invalid_resource_element import InvalidResourceElement
from checks.invalid_service_principal import InvalidServicePrincipal
from checks.invalid_sid import InvalidSid
from checks.invalid_version import InvalidVersion
from checks.json_comment import JsonComment
from checks.json_syntax_error import InvalidJson
from checks.kms_key_not_by_arn import KmsKeyNotByArn
from checks.kms_key_tamper import KmsKeyTamper
from checks.long_term_credential_grant import LongTermCredentialGrant
from checks.mfa_condition_antipattern import MfaConditionAntipattern
from checks.mismatched_action_for_principal import MismatchedActionForPrincipal
from checks.missing_set_qualifier import MissingSetQualifier
from checks.missing_version import MissingVersion
from checks.nesting_too_deep import NestingTooDeep
from checks.non_finite_number import NonFiniteNumber
from checks.not_action_in_rcp import NotActionInRcp
from checks.oidc_trust_missing_condition import OidcTrustMissingCondition
from checks.old_version import OldVersion
from checks.operator_key_type_mismatch import OperatorKeyTypeMismatch
from checks.pass_role_unrestricted import PassRoleUnrestricted
from checks.policy_size_exceeded import PolicySizeExceeded
from checks.policy_variable_in_unsupported_element import PolicyVariableInUnsupportedElement
from checks.principal_unique_id import PrincipalUniqueId
from checks.private_ip_in_source_ip import PrivateIpInSourceIp
from checks.privilege_escalation import PrivilegeEscalation
from checks.public_principal import PublicPrincipal
from checks.rcp_allow_statement import RcpAllowStatement
from checks.rcp_principal_not_wildcard import RcpPrincipalNotWildcard
from checks.redundant_action import RedundantAction
from checks.redundant_resource import RedundantResource
from checks.redundant_session_principal import RedundantSessionPrincipal
from checks.resource_matches_no_action import ResourceMatchesNoAction
from checks.roles_anywhere_missing_actions import RolesAnywhereMissingActions
from checks.service_role_confused_deputy import ServiceRoleConfusedDeputy
from checks.source_account_mismatch import SourceAccountMismatch
from checks.string_operator_on_arn_key import StringOperatorOnArnKey
from checks.trailing_comma import TrailingComma
from checks.transcribe_encryption_context_invalid import TranscribeEncryptionContextInvalid
from checks.transcribe_output_key_not_required import TranscribeOutputKeyNotRequired
from checks.transcribe_request_tag_missing import TranscribeRequestTagMissing
from checks.transcribe_resource_tag_missing import TranscribeResourceTagMissing
from checks.transcribe_tagging_unconstrained import TranscribeTaggingUnconstrained
from checks.trust_any_principal import TrustAnyPrincipal
from checks.unknown_action import UnknownAction
from checks.unknown_condition_operator import UnknownConditionOperator
from checks.unknown_element import UnknownElement
from checks.unknown_global_condition_key import UnknownGlobalConditionKey
from checks.unknown_service_condition_key import UnknownServiceConditionKey
from checks.unknown_service_prefix import UnknownServicePrefix
from checks.unreadable_file import UnreadableFile
from checks.unused_suppression import UnusedSuppression
from checks.username_absent_for_roles import UsernameAbsentForRoles
from checks.variables_without_version import VariablesWithoutVersion
from checks.wildcard_in_principal import WildcardInPrincipal
from checks.wildcard_principal_in_trust_policy import WildcardPrincipalInTrustPolicy
from checks.wildcard_without_like_operator import WildcardWithoutLikeOperator
from checks.write_on_any_resource import WriteOnAnyResource
from linter.check import Check

ALL_CHECKS: tuple[type[Check], ...] = (
    # JSON: the decoder's problems
    InvalidJson,
    TrailingComma,
    JsonComment,
    DuplicateKey,
    InvalidEncoding,
    NonFiniteNumber,
    NestingTooDeep,
    FileTooLarge,
    EmptyDocument,
    # Grammar
    MissingVersion,
    InvalidVersion,
    OldVersion,
    InvalidPolicyStructure,
    InvalidEffect,
    InvalidActionElement,
    InvalidResourceElement,
    InvalidPrincipalElement,
    InvalidSid,
    DuplicateSid,
    UnknownElement,
    EmptyValue,
    InvalidConditionBlock,
    # Validity: actions (ACT)
    UnknownServicePrefix,
    UnknownAction,
    ActionWildcardMatchesNothing,
    ActionLetterCase,
    ActionNotForPolicyType,
    NotActionInRcp,
    # Validity: resources (RES)
    InvalidArn,
    ArnFieldsForService,
    ResourceMatchesNoAction,
    KmsKeyNotByArn,
    # Validity: principals (PRI)
    InvalidAwsPrincipal,
    InvalidServicePrincipal,
    InvalidFederatedPrincipal,
    WildcardInPrincipal,
    PrincipalUniqueId,
    FederatedPrincipalNotSupported,
    WildcardPrincipalInTrustPolicy,
    MismatchedActionForPrincipal,
    RcpPrincipalNotWildcard,
    RolesAnywhereMissingActions,
    RedundantSessionPrincipal,
    # Validity: conditions (CND)
    UnknownConditionOperator,
    UnknownGlobalConditionKey,
    UnknownServiceConditionKey,
    ConditionKeyNotSupportedByAction,
    InvalidConditionValue,
    ImpreciseConditionValue,
    OperatorKeyTypeMismatch,
    StringOperatorOnArnKey,
    ForAllValuesOnSingleValuedKey,
    MissingSetQualifier,
    IneffectiveSetQualifier,
    ForAllValuesWithoutNullGuard,
    EmptyConditionValues,
    WildcardWithoutLikeOperator,
    InvalidPolicyVariable,
    PolicyVariableInUnsupportedElement,
    MfaConditionAntipattern,
    DuplicateConditionKeyCase,
    PrivateIpInSourceIp,
    # Validity: policy level (POL)
    DuplicateStatement,
    RedundantAction,
    RedundantResource,
    PolicySizeExceeded,
    VariablesWithoutVersion,
    RcpAllowStatement,
    # Transcribe best practices: KMS encryption context (KMS)
    EncryptionContextMissing,
    EncryptionContextSetOperator,
    EncryptionContextKeysWithoutQualifier,
    TranscribeEncryptionContextInvalid,
    # Transcribe best practices: output encryption and tag-based access control (TRN)
    TranscribeOutputKeyNotRequired,
    TranscribeResourceTagMissing,
    TranscribeRequestTagMissing,
    TranscribeTaggingUnconstrained,
    # Transcribe best practices: temporary credentials (CRD)
    LongTermCredentialGrant,
    IamUserPrincipal,
    UsernameAbsentForRoles,
    # Transcribe best practices: roles and trust policies (TRU)
    ServiceRoleConfusedDeputy,
    SourceAccountMismatch,
    TrustAnyPrincipal,
    CrossAccountTrustWithoutExternalId,
    OidcTrustMissingCondition,
    GithubOidcSubjectTooBroad,
    # Transcribe best practices: CloudTrail, AWS Config and key tamper (MON)
    CloudtrailTamper,
    ConfigTamper,
    KmsKeyTamper,
    # Least privilege (LPR)
    FullAdminAccess,
    PassRoleUnrestricted,
    PrivilegeEscalation,
    AllowWithNotAction,
    AllowWithNotResource,
    AllowWithNotPrincipal,
    PublicPrincipal,
    CredentialsExposure,
    DataExfiltration,
    WriteOnAnyResource,
    # Engine
    InternalError,
    UnreadableFile,
    UnusedSuppression,
)

RULES_BY_ID: dict[str, type[Check]] = {rule.id: rule for rule in ALL_CHECKS}
