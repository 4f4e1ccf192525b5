"""KMS001 encryption-context-missing: cryptographic use of a KMS key is allowed without requiring an
encryption context."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from checks._transcribe import kms_grant_for_transcribe
from linter.catalog import Catalog, ResourceType
from linter.check import Check, Report
from linter.condition_keys import KMS_CONTEXT_KEY_PREFIX, KMS_CONTEXT_KEYS_KEY, kms_context_key_name
from linter.conditions import constrains, requires_presence
from linter.context import Context
from linter.grants import condition_blocks_action, grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy, Statement
from linter.policy_grants import policy_grants
from linter.principals import is_account_root
from linter.wording import summarize_names

_CREATE_GRANT = "kms:creategrant"


class EncryptionContextMissing(Check):
    """## What it does
    Reports an `Allow` statement that grants cryptographic use of a KMS key (`kms:Encrypt`,
    `kms:Decrypt`, `kms:GenerateDataKey*`, `kms:ReEncrypt*`, `kms:CreateGrant`; also through
    `kms:*`, `*` or `NotAction`, expanded through the catalog) with no condition that requires an
    encryption context: no `kms:EncryptionContext:<key>` pair, no `kms:EncryptionContextKeys` with
    `ForAnyValue`, and no `"Null": {"kms:EncryptionContextKeys": "false"}`.

    The finding is a **note** by default: AWS's own examples grant `kms:Decrypt` without a context
    (Transcribe "Permissions required for Amazon S3 encryption keys"), and AWS calls encryption
    context "optional, but recommended". It is a **warning** when the grant serves Amazon
    Transcribe: `kms:ViaService` is `transcribe.amazonaws.com` or
    `transcribe.streaming.amazonaws.com` (regional forms too), the principal is a Transcribe service
    principal or a role whose name contains `transcribe`, or the same policy allows a Transcribe
    action that passes an encryption context (StartTranscriptionJob, StartMedicalTranscriptionJob,
    StartMedicalScribeJob, StartMedicalScribeStream; not StartCallAnalyticsJob, which has no
    `KMSEncryptionContext` parameter). With `required_encryption_context_keys` configured, every
    such statement must constrain each of those keys (warning).

    Not reported, because they are AWS's own correct patterns:
    - the account-root statement of a key policy (`kms:*` to `arn:aws:iam::<account>:root`): it
      delegates access to the account's IAM policies, which are checked where they are written;
    - `kms:CreateGrant` constrained by `kms:GrantConstraintType` (the grant itself must carry an
      encryption-context constraint) or by `kms:GrantIsForAWSResource` `true` (the default key
      policy's "Allow attachment of persistent resources");
    - identity-policy statements whose `Resource` cannot name a KMS key, and actions the statement
      never grants because a condition uses a key they do not support.

    A `ForAllValues` set operator on `kms:EncryptionContext:<key>` is reported by KMS002 instead;
    `ForAllValues` on `kms:EncryptionContextKeys` alone does not require a context and is reported
    here. Encryption-context keys on `kms:DescribeKey` (AWS's Transcribe example) are reported by
    the condition family's "key not supported by the statement's actions" rule: split DescribeKey
    into its own statement without the context condition, as AWS's HealthScribe key policy does.

    One finding per statement, at the first Action value that grants one of the actions (the
    message names them all) or at `NotAction`. A resource policy that grants `kms:` actions can
    only be a key policy whose type detection was thrown off (say, by a stray non-KMS action), so
    it is judged like a key policy.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Without a required encryption context, anyone the statement names can use the key for any
    data, in any request. An encryption-context pair is additional authenticated data: requiring
    one (`"kms:EncryptionContext:project": "alpha"`) limits the key to the requests and data it is
    meant for, and it is logged in CloudTrail. The Amazon Transcribe security best practices list
    "Use data encryption, such as AWS KMS encryption context" first.

    ## Example
    ```json
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/TranscribeDataAccessRole"},
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
      "Resource": "*"
    }
    ```

    ## Use instead
    ```json
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/TranscribeDataAccessRole"},
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
      "Resource": "*",
      "Condition": {"StringEquals": {"kms:EncryptionContext:project": "alpha"}}
    }
    ```
    and pass `"KMSEncryptionContext": {"project": "alpha"}` in `StartTranscriptionJob`.

    ## References
    - [Amazon Transcribe security best practices](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [Amazon Transcribe data encryption: encryption context](https://docs.aws.amazon.com/transcribe/latest/dg/data-encryption.html)
    - [AWS KMS condition keys: kms:EncryptionContext:context-key, kms:EncryptionContextKeys](https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html)
    - [Default key policy](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
    - No Access Analyzer, parliament or checkov equivalent (peer-checks.md §7: encryption-context
      rules beyond set-operator misuse are a gap); aws-iam-permissions-guardrails IAM-KMS-6 asks
      for `kms:ViaService`.
    """

    id = "KMS001"
    name = "encryption-context-missing"
    summary = "Cryptographic use of a KMS key is allowed without requiring an encryption context."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset({PolicyType.IDENTITY, PolicyType.KMS_KEY, PolicyType.RESOURCE})
    tags = ("security", "kms", "transcribe", "encryption")
    needs_services = frozenset({"kms"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        crypto_actions = kms_context_actions(catalog)
        required = context.settings.required_encryption_context_keys
        # A resource policy that grants kms: actions can only be a key policy whose type detection
        # was thrown off (e.g. by a stray non-KMS action): judge it like one.
        is_key_policy = policy.policy_type is not PolicyType.IDENTITY
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            # After the policy's Denies: a Deny that refuses the action without a context (e.g.
            # "Null": {"kms:EncryptionContext:project": "true"}) makes the grant require one.
            granted = [
                grant.action
                for grant in grants.effective(statement, crypto_actions)
                if not _deny_requires_context(grant.conditions, required)
            ]
            if not granted:
                continue
            if is_key_policy and _only_account_roots(statement):
                continue
            if not is_key_policy and not _may_name_a_key(statement, catalog):
                continue
            granted = _really_granted(statement, granted, catalog)
            if not granted:
                continue
            report = _check_context(policy, statement, granted, required)
            if report is not None:
                yield report


def _deny_requires_context(entries: tuple[ConditionEntry, ...], required: tuple[str, ...]) -> bool:
    """Whether the entries a Deny makes a grant require (``Grant.conditions``) require an
    encryption context: every configured key with a constraining value, or (no configured keys)
    any context pair or key as ``_requires_context`` accepts it in an Allow."""
    entries = tuple(
        e
        for e in entries
        if e.key_lower == KMS_CONTEXT_KEYS_KEY or e.key_lower.startswith(KMS_CONTEXT_KEY_PREFIX)
    )
    if not entries:
        return False
    if required:
        constrained = _constrained_pair_keys(list(entries))
        return all(k.lower() in constrained for k in required)
    return any(_requires_context(e) for e in entries)


def _only_account_roots(statement: Statement) -> bool:
    principals = statement.principals
    return bool(principals) and all(
        p.kind == "AWS" and is_account_root(p.value) for p in principals
    )


@functools.lru_cache(maxsize=4)
def _key_resource_type(catalog: Catalog) -> ResourceType | None:
    action = catalog.action("kms:Decrypt")
    for resource in action.resource_types if action else ():
        if resource.name.lower() == "key":
            return resource.resource_type
    return None


def _may_name_a_key(statement: Statement, catalog: Catalog) -> bool:
    """Identity policies: whether the statement's resources can include a KMS key ARN."""
    if statement.resource_element != "Resource":
        return True
    key_type = _key_resource_type(catalog)
    return any(
        item.value == "*" or key_type is None or key_type.matches_arn(item.value)
        for item in statement.resources
    )


def _really_granted(statement: Statement, granted: list[str], catalog: Catalog) -> list[str]:
    """Drop actions the statement never grants (a required condition key they do not support) and
    CreateGrant when the grant is constrained to an encryption context or to AWS resources."""
    required_entries = [e for e in statement.conditions if constrains(e)]
    grant_constrained = any(
        e.key_lower == "kms:grantconstrainttype" for e in required_entries
    ) or any(
        e.key_lower == "kms:grantisforawsresource"
        and all(v.lower() == "true" for v in e.string_values)
        for e in required_entries
    )
    return [
        name
        for name in granted
        if not (name.lower() == _CREATE_GRANT and grant_constrained)
        and not condition_blocks_action(statement, name, catalog)
    ]


def _context_entries(statement: Statement) -> list[ConditionEntry]:
    return [
        e
        for e in statement.conditions
        if e.key_lower == KMS_CONTEXT_KEYS_KEY or e.key_lower.startswith(KMS_CONTEXT_KEY_PREFIX)
    ]


def _requires_context(entry: ConditionEntry) -> bool:
    """Whether the entry, in an Allow, matches only requests whose encryption context has the key:
    any positive operator without IfExists (even ``StringLike "*"``, which requires the pair's key
    with any value), ForAnyValue, or ``Null`` ``false``. Negated operators, IfExists, ForAllValues
    and ``Null`` ``true`` also match requests without a context."""
    if requires_presence(entry):
        return True
    base = entry.base_operator.lower()
    if entry.if_exists or base == "null" or "not" in base or not entry.values:
        return False
    return entry.qualifier is None or entry.qualifier.lower() == "foranyvalue"


def _misused_set_operator(entry: ConditionEntry) -> bool:
    """ForAllValues on the single-valued pair key: KMS002 reports it; its fix settles this rule."""
    return (
        entry.key_lower.startswith(KMS_CONTEXT_KEY_PREFIX)
        and entry.qualifier is not None
        and entry.qualifier.lower() == "forallvalues"
    )


def _constrained_pair_keys(entries: list[ConditionEntry]) -> set[str]:
    keys = set()
    for entry in entries:
        name = kms_context_key_name(entry.key)
        if name is not None and constrains(entry):
            keys.add(name.lower())
    return keys


def _check_context(
    policy: Policy, statement: Statement, granted: list[str], required: tuple[str, ...]
) -> Report | None:
    entries = _context_entries(statement)
    if any(_misused_set_operator(e) for e in entries):
        return None
    names = summarize_names(granted)
    verb = "is" if len(granted) == 1 else "are"
    path, key = grant_anchor(statement, granted)
    transcribe = kms_grant_for_transcribe(policy, statement)
    if required:
        constrained = _constrained_pair_keys(entries)
        missing = [k for k in required if k.lower() not in constrained]
        if not missing:
            return None
        plural = "s" if len(missing) > 1 else ""
        example = f'"StringEquals": {{"kms:EncryptionContext:{missing[0]}": "<value>"}}'
        message = (
            f"{names} {verb} allowed without a condition on the required encryption-context "
            f"key{plural} {summarize_names(missing)}; add {example}"
        )
        return Report(path, message, key=key, severity=Severity.WARNING)
    if any(_requires_context(e) for e in entries):
        return None
    severity = Severity.WARNING if transcribe else None
    if entries:
        operators = summarize_names(sorted({f"{e.operator} {e.key}" for e in entries}))
        message = (
            f"{names} {verb} allowed without a required encryption context: {operators} also "
            f"matches requests that have none; require a pair with StringEquals (no IfExists) or "
            f'add "Null": {{"kms:EncryptionContextKeys": "false"}}'
        )
    elif transcribe:
        message = (
            f"{names} {verb} allowed for Amazon Transcribe ({transcribe}) without an "
            f"encryption-context condition; pass KMSEncryptionContext in the Transcribe request "
            f"and require its pair with "
            f'"StringEquals": {{"kms:EncryptionContext:<key>": "<value>"}}'
        )
    else:
        message = (
            f"{names} {verb} allowed without an encryption-context condition; require a pair with "
            f'"StringEquals": {{"kms:EncryptionContext:<key>": "<value>"}} or at least a context '
            f'with "Null": {{"kms:EncryptionContextKeys": "false"}}'
        )
    return Report(path, message, key=key, severity=severity)


@functools.lru_cache(maxsize=4)
def kms_context_actions(catalog: Catalog) -> tuple[str, ...]:
    """The KMS actions that use a key cryptographically with an encryption context, from the
    catalog: every ``kms:`` action that takes ``kms:EncryptionContextKeys`` except RetireGrant
    (retiring a grant uses no data; KMS-DG does not list it). Encrypt, Decrypt, GenerateDataKey*,
    ReEncryptFrom/To and CreateGrant in the 2025 data."""
    service = catalog.service("kms")
    if service is None:
        return ()
    return tuple(
        action.full_name
        for action in service.actions()
        if KMS_CONTEXT_KEYS_KEY in action.condition_keys and action.name.lower() != "retiregrant"
    )
