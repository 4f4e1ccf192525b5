"""KMS003 encryption-context-keys-without-qualifier: ``kms:EncryptionContextKeys`` is used without
ForAnyValue or ForAllValues."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import KMS_CONTEXT_KEYS_KEY
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy


class EncryptionContextKeysWithoutQualifier(Check):
    """## What it does
    Reports `kms:EncryptionContextKeys`, a multi-valued condition key, under an operator without
    the `ForAnyValue:` or `ForAllValues:` set qualifier, at the condition key. `Null` needs no
    qualifier and is not reported (`"Null": {"kms:EncryptionContextKeys": "false"}` is AWS's way to
    require some encryption context).

    ## Why is this bad?
    AWS KMS: "To determine how these sets are compared, you must provide a `ForAnyValue` or
    `ForAllValues` set operator in the policy condition." Without one, a reader cannot tell
    whether the condition requires one of the listed keys or forbids all other keys, and the two
    differ on requests with several pairs or none.

    - `ForAnyValue`: at least one context key of the request is listed; a request without an
      encryption context does not match.
    - `ForAllValues`: every context key of the request is listed; it does not require a context,
      so combine it with a `kms:EncryptionContext:<key>` pair or `Null` `false`.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
     "Action": "kms:Encrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:EncryptionContextKeys": "AppName"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
     "Action": "kms:Encrypt", "Resource": "*",
     "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "AppName"}}}
    ```

    ## References
    - [AWS KMS condition keys: kms:EncryptionContextKeys](https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-keys)
    - Access Analyzer `MISSING_QUALIFIER`
    """

    id = "KMS003"
    name = "encryption-context-keys-without-qualifier"
    summary = "kms:EncryptionContextKeys is used without ForAnyValue or ForAllValues."
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
    tags = ("kms", "conditions", "encryption")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            for entry in statement.conditions:
                if (
                    entry.key_lower != KMS_CONTEXT_KEYS_KEY
                    or entry.qualifier is not None
                    or entry.base_operator.lower() == "null"
                ):
                    continue
                message = (
                    f"{entry.key} is multi-valued and needs a set qualifier: use "
                    f'"ForAnyValue:{entry.operator}" to require one of these keys, or '
                    f'"ForAllValues:{entry.operator}" with a pair condition to forbid all others'
                )
                yield Report(entry.key_path, message, key=True)
