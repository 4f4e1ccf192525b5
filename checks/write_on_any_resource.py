"""LPR010 write-on-any-resource: write or permissions-management actions that support
resource-level permissions allowed on Resource "*"."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.grants import constraining_entries, covers_every_resource, matches_every_action
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.wording import summarize_names

if TYPE_CHECKING:
    from linter.catalog import Catalog

_LEVELS = frozenset({"Write", "Permissions management"})


@functools.lru_cache(maxsize=16384)
def restrictable_writes(catalog: Catalog, pattern: str) -> tuple[str, ...]:
    """The Write and Permissions-management actions an Action value names that have resource
    types; cached per value, since the same values recur across statements and files."""
    return tuple(
        action.full_name
        for action in catalog.match_actions(pattern)
        if action.access_level in _LEVELS and action.has_resource_types
    )


class WriteOnAnyResource(Check):
    """## What it does
    Reports `"Resource": "*"` in an `Allow` statement of an identity policy when the statement's
    actions include Write or Permissions-management actions that support resource-level
    permissions (the catalog lists a resource type for them), so they could have been limited to
    named resources. Wildcard actions (`s3:Put*`, `ec2:*`) are expanded through the catalog. One
    finding per statement, on the `"*"` value, naming the restrictable actions.

    Not reported: actions without a resource type (`transcribe:StartTranscriptionJob`,
    `kms:CreateKey`, `ec2:DescribeInstances`, every `List*`): `"*"` is the only resource they
    accept; statements with a constraining condition (`aws:ResourceTag/<key>`,
    `aws:ResourceAccount`, `kms:ViaService`, …); `"Action": "*"` (LPR001) and `NotAction`
    (LPR004); `NotResource` (LPR005); key policies, where `"*"` means "this KMS key", and other
    resource policies, where the resource is the one the policy is attached to. Read, List and
    Tagging actions are out of scope (LPR009 covers the data-reading ones). A note by default:
    AWS managed policies cannot name your resources and use `"*"` throughout.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    `"*"` lets the actions change every resource of their type in every account the principal can
    reach, including resources created later. Naming the resources (or matching them by tag)
    keeps a mistake or a stolen credential from reaching beyond the workload's own resources.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["s3:PutObject", "transcribe:DeleteTranscriptionJob"],
     "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["s3:PutObject", "transcribe:DeleteTranscriptionJob"],
     "Resource": ["arn:aws:s3:::transcribe-output-111122223333/*",
                  "arn:aws:transcribe:us-west-2:111122223333:transcription-job/app-*"]}
    ```

    ## References
    - [IAM: grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    - [Service Authorization Reference: resource types](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    - [AWS KMS: key policies ("*" means this KMS key)](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)
    - parliament `RESOURCE_STAR`; checkov `CKV_AWS_355` / `CKV_AWS_356`, `CKV_AWS_111` /
      `CKV_AWS_290`; cloudsplaining InfrastructureModification and ResourceExposure
    """

    id = "LPR010"
    name = "write-on-any-resource"
    summary = 'Write actions that support resource-level permissions are allowed on "*".'
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "least-privilege")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            if statement.action_element != "Action":
                continue
            star = next((i for i in statement.resources if covers_every_resource(i.value)), None)
            if star is None or constraining_entries(statement):
                continue
            found: dict[str, None] = {}
            for item in statement.actions:
                if not matches_every_action(item.value):
                    found.update(dict.fromkeys(restrictable_writes(catalog, item.value)))
            if found and grants.has_denies:
                kept = {
                    grant.action
                    for grant in grants.effective(statement, tuple(found))
                    if any(covers_every_resource(p) for p in grant.resources)
                    and not any(constrains(e) for e in grant.conditions)
                }
                found = {name: None for name in found if name in kept}
            if found:
                yield Report(
                    star.path,
                    f'Resource "{star.value}" lets {summarize_names(list(found))} act on every '
                    "resource of their type, although they support resource-level permissions; "
                    "name the resources (ARNs, or a tag condition)",
                )
