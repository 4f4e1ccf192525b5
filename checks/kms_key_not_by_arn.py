"""RES004 kms-key-not-by-arn: an identity policy names a KMS key by key id, alias or alias ARN."""

from __future__ import annotations

from collections.abc import Iterator

from linter.arns import kms_key_reference
from linter.check import Check, Report
from linter.context import Context
from linter.grants import statement_grants
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.wording import summarize_names


class KmsKeyNotByArn(Check):
    """## What it does
    In an identity policy statement that covers AWS KMS actions, reports a `Resource` or
    `NotResource` value that names a KMS key by something other than its key ARN:

    - a key id (`1234abcd-12ab-34cd-56ef-1234567890ab`, `mrk-…`, `key/…`);
    - an alias name (`alias/ExampleAlias`);
    - an alias ARN (`arn:aws:kms:us-west-2:111122223333:alias/ExampleAlias`) when none of the
      statement's actions works on aliases (`kms:CreateAlias`, `kms:UpdateAlias` and
      `kms:DeleteAlias` do, so alias ARNs are right for them).

    Key policies are not checked: there `"Resource": "*"` means "this KMS key".

    ## Why is this bad?
    AWS KMS: "You cannot use a key id, alias name, or alias ARN to identify a KMS key in an IAM
    policy statement." Such a statement never applies to the key: an Allow grants nothing (a
    role cannot decrypt Transcribe output with it), and a Deny denies nothing. To control access
    by alias, AWS recommends the `kms:ResourceAliases` condition key (or `kms:RequestAlias`).

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
     "Resource": "arn:aws:kms:us-west-2:111122223333:alias/TranscribeOutput"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
     "Resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
    ```

    ## References
    - [Using IAM policies with AWS KMS: specifying KMS keys in IAM policy statements](https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html)
    - [Controlling access to KMS keys by alias (kms:ResourceAliases)](https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html)
    - Access Analyzer `INVALID_ARN_RESOURCE` (alias names and key ids are not ARNs); cfn-lint
      E1157 (key id and alias formats)
    """

    id = "RES004"
    name = "kms-key-not-by-arn"
    summary = "An identity policy names a KMS key by key id, alias name or alias ARN."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("validity", "resources", "kms")
    needs_services = frozenset({"kms"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.statements:
            found = [
                (item, kind, element)
                for element, items in (
                    ("Resource", statement.resources),
                    ("NotResource", statement.not_resources),
                )
                for item in items
                if (kind := kms_key_reference(item.value)) is not None
            ]
            if not found:
                continue
            kms_actions = [
                a for a in statement_grants(statement).actions(catalog) if a.service == "kms"
            ]
            if not kms_actions:
                continue
            for item, kind, element in found:
                if kind != "alias ARN":
                    yield Report(item.path, _non_arn_message(item.value, kind))
                    continue
                if element == "NotResource" or any(
                    ar.resource_type.matches_arn(item.value)
                    for action in kms_actions
                    for ar in action.resource_types
                ):
                    continue
                names = summarize_names([a.full_name for a in kms_actions], 3)
                yield Report(
                    item.path,
                    f"{item.value} is an alias ARN, which does not identify a KMS key in an IAM "
                    f"policy, so {names} never apply through it; use the key ARN "
                    "(arn:aws:kms:<region>:<account>:key/<key-id>), or control access by alias "
                    "with the kms:ResourceAliases condition key",
                )


def _non_arn_message(value: str, kind: str) -> str:
    if kind == "key id":
        fix = f"write the key ARN, arn:aws:kms:<region>:<account>:key/{value.removeprefix('key/')}"
    else:
        fix = (
            "use the key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), or control access "
            "by alias with the kms:ResourceAliases condition key"
        )
    return (
        f'"{value}" is a KMS {kind}, but an IAM policy identifies a KMS key only by its key ARN, '
        f"so the statement never applies to the key; {fix}"
    )
