"""MON003 kms-key-tamper: principals that use a KMS key may also schedule its deletion, disable
it or replace its key policy."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from checks._tamper import tamper_actions
from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.data_files import data_file
from linter.grants import grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy, Principal, Statement
from linter.policy_grants import common_conditions, policy_grants
from linter.principals import is_account_root, names_calling_principal, principal_limiting_condition
from linter.wildcards import wildcard_matches
from linter.wording import summarize_names


@functools.cache
def key_use_actions() -> tuple[str, ...]:
    return tuple(data_file("monitoring_tamper.json")["kms_key_use"]["actions"])


def _is_administrator(principal: Principal, administrators: tuple[str, ...]) -> bool:
    if principal.kind == "AWS" and is_account_root(principal.value):
        return True  # the default key policy's root statement delegates to IAM policies
    return principal.kind == "AWS" and any(
        wildcard_matches(pattern, principal.value) for pattern in administrators
    )


def _limited(statement: Statement, required: tuple[ConditionEntry, ...] = ()) -> bool:
    """A condition names the callers, or ``kms:ViaService`` limits the grant to requests that an
    AWS service makes on the caller's behalf (services do not delete or disable keys).
    ``required``: the entries a Deny of the policy makes the grants require."""
    if principal_limiting_condition(statement) is not None:
        return True
    if any(names_calling_principal(e) for e in required):
        return True
    entries = statement.conditions_on("kms:ViaService") + tuple(
        e for e in required if e.key_lower == "kms:viaservice"
    )
    return any(constrains(e) for e in entries)


class KmsKeyTamper(Check):
    """## What it does
    Reports an `Allow` statement that lets principals who are not key administrators schedule a
    KMS key's deletion, disable it, replace its key policy or delete its imported key material
    (`kms:ScheduleKeyDeletion`, `kms:DisableKey`, `kms:PutKeyPolicy`,
    `kms:DeleteImportedKeyMaterial`, through wildcards and `NotAction` too). One finding per
    statement, at the `Action` value granting them.

    Who counts as a key administrator:
    - **Key policies with `key_administrators` configured**: the principals matching those ARN
      patterns, and the account root. Any other principal granted these actions is reported.
    - **Key policies without configuration, and identity policies**: iamlint cannot know the
      administrators, so it reports only statements that give the *same* principals both
      cryptographic use of the key (`kms:Encrypt`, `Decrypt`, `GenerateDataKey*`, `ReEncrypt*`,
      `Sign`, …) and these actions, which breaks the separation between key users and key
      administrators that AWS's default key policy sets up. `kms:*` to an application role is
      reported; the default "Allow access for Key Administrators" statement is not.

    Never reported: the account-root statement of a key policy (`"AWS":
    "arn:aws:iam::111122223333:root"` with `kms:*`, AWS's default pattern, which delegates to
    IAM), `Deny` statements, statements limited to named callers (`aws:PrincipalArn`,
    `aws:userid`, `aws:username`, `aws:PrincipalTag/<key>`) or to service requests
    (`kms:ViaService`).

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Transcribe output and custom-language artifacts encrypted under a customer managed key
    become unreadable when the key is disabled or deleted, and a replaced key policy can lock
    every administrator out. An application role that only needs to encrypt and decrypt should
    not be able to do any of this.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/TranscribeApp"},
     "Action": "kms:*", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/TranscribeApp"},
     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
     "Resource": "*"}
    ```

    ## References
    - [AWS KMS default key policy: key administrators and key users](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
    - [Deleting AWS KMS keys](https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html)
    - prowler `iam_policy_no_full_access_to_kms`; no Access Analyzer, parliament or checkov
      equivalent
    """

    id = "MON003"
    name = "kms-key-tamper"
    summary = "Principals that use a KMS key may also delete, disable or re-policy it."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.KMS_KEY, PolicyType.IDENTITY})
    tags = ("security", "monitoring", "kms", "transcribe")
    needs_services = frozenset({"kms"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        names = tamper_actions("kms_key_tamper")
        administrators = context.settings.key_administrators
        key_policy = policy.policy_type is PolicyType.KMS_KEY
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            granted, _ = grants.in_scope(statement, names)
            if not granted:
                continue
            if _limited(statement, common_conditions(grants.effective(statement, granted))):
                continue
            listed = summarize_names(granted)
            path, key = grant_anchor(statement, granted)
            if key_policy:
                others = [
                    p for p in statement.principals if not _is_administrator(p, administrators)
                ]
                if not others:
                    continue
                who = summarize_names([p.value for p in others], 3)
                if administrators:
                    yield Report(
                        path,
                        f"{who} may destroy or lock this key ({listed}) but is not one of the "
                        "configured key_administrators; grant these actions only to key "
                        "administrators",
                        key=key,
                    )
                    continue
                uses, _ = grants.in_scope(statement, key_use_actions())
                if uses:
                    yield Report(
                        path,
                        f"{who} may both use this key and destroy or lock it ({listed}); grant "
                        "key administration to key administrators only, in a separate statement",
                        key=key,
                    )
                continue
            uses, _ = grants.in_scope(statement, key_use_actions())
            if uses:
                yield Report(
                    path,
                    f"the statement lets the same principals both use KMS keys and destroy or "
                    f"lock them ({listed}); keep key deletion, disabling and key-policy changes "
                    "in a separate policy for key administrators",
                    key=key,
                )
