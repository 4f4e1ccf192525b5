"""KMS002 encryption-context-set-operator: ForAllValues or ForAnyValue on the single-valued
``kms:EncryptionContext:<key>``."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import KMS_CONTEXT_KEY_PREFIX
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy


class EncryptionContextSetOperator(Check):
    """## What it does
    Reports `ForAllValues` or `ForAnyValue` on `kms:EncryptionContext:<key>`, a single-valued
    condition key, at the condition key.

    - `ForAllValues` in an `Allow`: **error**. It matches requests with no encryption context and
      requests with pairs the policy does not name. In a key policy, AWS KMS refuses the policy:
      `OverlyPermissiveCondition:EncryptionContext: Using the ForAllValues set operator with a
      single-valued condition key matches requests without the specified encryption context or
      with an unspecified encryption context. To fix, remove ForAllValues.`
    - `ForAllValues` in a `Deny` of a key policy: **error** (KMS refuses the policy the same way);
      of another policy: **warning** (the Deny also applies to every request without a context).
    - `ForAnyValue`: **warning**. AWS KMS: "Do not use a `ForAnyValue` or `ForAllValues` set
      operator with this single-valued condition key."

    The operator is judged per key: `"ForAllValues:StringEquals": {"kms:EncryptionContextKeys":
    [...]}` is correct (that key is multi-valued) and is not reported.

    ## Why is this bad?
    An `Allow` meant to require `"kms:EncryptionContext:project": "alpha"` instead allows the key to
    be used with no encryption context at all, the opposite of the author's intent.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContext:project": "alpha"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:EncryptionContext:project": "alpha"},
                   "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["project"]}}}
    ```
    (the second condition forbids any other context pair: AWS KMS's "exact pair" pattern.)

    ## References
    - [AWS KMS condition keys: kms:EncryptionContext:context-key](https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context)
    - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    - Access Analyzer `FORALLVALUES_WITH_SINGLE_VALUED_KEY`; parliament
      `SINGLE_VALUE_CONDITION_TOO_PERMISSIVE` (global keys only)
    """

    id = "KMS002"
    name = "encryption-context-set-operator"
    summary = "ForAllValues or ForAnyValue is used on the single-valued kms:EncryptionContext key."
    severity = Severity.ERROR
    policy_types = frozenset(
        {
            PolicyType.IDENTITY,
            PolicyType.KMS_KEY,
            PolicyType.RESOURCE,
            PolicyType.SCP,
            PolicyType.RCP,
        }
    )
    tags = ("security", "kms", "conditions", "encryption")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        is_key_policy = policy.policy_type is PolicyType.KMS_KEY
        for statement in policy.statements:
            for entry in statement.conditions:
                if entry.qualifier is None:
                    continue
                if not entry.key_lower.startswith(KMS_CONTEXT_KEY_PREFIX):
                    continue
                fix = entry.operator[len(entry.qualifier) + 1 :] or "StringEquals"
                change = None
                if all(
                    other.key_lower.startswith(KMS_CONTEXT_KEY_PREFIX)
                    for other in statement.conditions
                    if other.operator_path == entry.operator_path
                ):
                    from linter.fixes import Fix, ReplaceKey

                    change = Fix.unsafe(f"Use {fix}", ReplaceKey(entry.operator_path, fix))
                if entry.qualifier.lower() == "forallvalues":
                    if is_key_policy:
                        message = (
                            f"ForAllValues on the single-valued {entry.key} matches requests "
                            f"without the specified encryption context or with an unspecified one, "
                            f"and AWS KMS rejects this key policy "
                            f'("OverlyPermissiveCondition:EncryptionContext"); use "{fix}"'
                        )
                        yield Report(entry.key_path, message, key=True, fix=change)
                    elif statement.is_deny:
                        message = (
                            f"ForAllValues on the single-valued {entry.key} makes this Deny also "
                            f"apply to every request without an encryption context; use "
                            f'"{fix}"'
                        )
                        yield Report(
                            entry.key_path, message, key=True, fix=change, severity=Severity.WARNING
                        )
                    else:
                        message = (
                            f"ForAllValues on the single-valued {entry.key} matches requests "
                            f"without the specified encryption context or with an unspecified "
                            f'one; use "{fix}"'
                        )
                        yield Report(entry.key_path, message, key=True, fix=change)
                else:
                    message = (
                        f"ForAnyValue on the single-valued {entry.key} is a set operator AWS KMS "
                        f'says not to use with this key; use "{fix}"'
                    )
                    yield Report(
                        entry.key_path, message, key=True, fix=change, severity=Severity.WARNING
                    )
