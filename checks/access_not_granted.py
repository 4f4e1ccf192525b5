"""LPR011 access-not-granted: an Allow may grant access the configuration forbids (an offline
``CheckAccessNotGranted``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.access import (
    ActionEntry,
    ForbiddenAccess,
    ResourceTarget,
    action_entries,
    action_may_act_on,
    denied,
    denied_pattern,
    entry_may_reach,
    expand_forbidden_actions,
    forbidden_access,
    resource_targets,
    summarize,
)
from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy, Statement


class AccessNotGranted(Check):
    """## What it does
    Reports each `Allow` entry that may grant access listed in the `access-not-granted` setting
    (or `--access-not-granted ACTION_OR_ARN` on the command line), like IAM Access Analyzer's
    `CheckAccessNotGranted` with its `access` parameter, offline and at the exact entry:

    ```toml
    access-not-granted = [
      { actions = ["kms:ScheduleKeyDeletion", "s3:DeleteBucket"] },   # on any resource
      { resources = ["arn:aws:s3:::audit-logs/*"] },                   # any action
      { actions = ["s3:PutObject"], resources = ["arn:aws:s3:::transcripts/*"] },
    ]
    ```

    With `actions`, the finding is on each `Action` value (or the `NotAction` element) that
    names one of them: `kms:*`, `kms:Schedule*`, `*` and a `NotAction` that does not exclude
    it all grant `kms:ScheduleKeyDeletion` (a forbidden pattern such as `s3:Delete*` is expanded
    through the catalog). With `resources` only, it is on each `Resource` value (or the
    `NotResource` element) whose ARN pattern may overlap one of them: `*`, `arn:aws:s3:::audit-*`
    and `arn:aws:s3:::audit-logs/2026/*` overlap `arn:aws:s3:::audit-logs/*`;
    `arn:aws:s3:::audit-logs` (the bucket, not its objects) does not; and the statement's
    actions must be able to act on such a resource (`kms:*` on `"*"` gives no access to S3
    objects: no KMS action has a resource type whose ARN can name one). With both, an action
    entry is reported when the statement's resources may overlap the listed ones.

    The answer over-approximates: an `Allow` with conditions may grant (the message says "when
    its conditions hold"), a policy variable may be anything. Only an unconditional `Deny` of
    the same policy (no `Condition`, every principal) that covers the action and the resource
    removes it: `Deny kms:ScheduleKeyDeletion on "*"` makes `Allow kms:*` silent. SCPs and RCPs
    grant nothing and are not checked.

    ## Why is this bad?
    Some access must never be granted by a policy in this repository: deleting keys or audit
    logs, writing to another team's bucket. A reviewer cannot expand `kms:*` or `NotAction` in
    their head; this rule does it on every change, before the policy is deployed.

    ## Example
    With `access-not-granted = [{ actions = ["kms:ScheduleKeyDeletion"] }]`:
    ```json
    {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}
    ```

    ## References
    - [IAM Access Analyzer: CheckAccessNotGranted](https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckAccessNotGranted.html)
    - [Policy evaluation logic: an explicit Deny overrides an Allow](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
    - cfn-policy-validator and tf-policy-validator `check-access-not-granted`
    """

    id = "LPR011"
    name = "access-not-granted"
    summary = "An Allow may grant access that the access-not-granted setting forbids."
    severity = Severity.ERROR
    policy_types = frozenset(
        {
            PolicyType.IDENTITY,
            PolicyType.RESOURCE,
            PolicyType.KMS_KEY,
            PolicyType.TRUST,
            PolicyType.VPC_ENDPOINT,
        }
    )
    tags = ("security", "least-privilege", "access-not-granted")
    needs_elements = frozenset({"action", "notaction"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        forbidden = forbidden_access(context.settings.access_not_granted)
        if not forbidden:
            return
        for entry in forbidden:
            actions = (
                expand_forbidden_actions(entry.actions, context.catalog) if entry.actions else ()
            )
            for statement in policy.statements:
                if not statement.is_allow:
                    continue
                if actions:
                    yield from _action_findings(policy, statement, entry, actions, context.catalog)
                else:
                    yield from _resource_findings(policy, statement, entry, context.catalog)


def _targets_for(statement: Statement, entry: ForbiddenAccess) -> list[tuple[str, tuple[str, ...]]]:
    """For each resource target of the statement that may reach the entry's resources: the
    pattern an action must be able to act on, and the patterns a Deny may cover to remove it
    (the target, or one of the entry's resources)."""
    found = []
    for target in resource_targets(statement):
        reach = "*" if target.excluded else target.pattern
        if not entry.resources:
            found.append((reach, (reach,)))
            continue
        for resource in entry.resources:
            if target.may_overlap(resource):
                own = () if target.excluded else (target.pattern,)
                found.append((resource if target.excluded else reach, (*own, resource)))
    return found


def _conditional(statement: Statement) -> str:
    return " when its conditions hold" if statement.data.get("Condition") else ""


def _action_findings(
    policy: Policy,
    statement: Statement,
    entry: ForbiddenAccess,
    actions: tuple[str, ...],
    catalog: Any,
) -> Iterator[Report]:
    targets = _targets_for(statement, entry)
    if not targets:
        return
    for action_entry in action_entries(statement):
        granted = [
            name
            for name in actions
            if action_entry.may_grant(name)
            and any(
                action_may_act_on(catalog, name, reach) and not _removed(policy, name, covered)
                for reach, covered in targets
            )
        ]
        if granted:
            yield Report(
                action_entry.path, _action_message(action_entry, granted, entry, statement)
            )


def _removed(policy: Policy, name: str, targets: tuple[str, ...]) -> bool:
    if "*" in name or "?" in name:
        return denied_pattern(policy, name, targets)
    return denied(policy, name, targets)


def _action_message(
    action_entry: ActionEntry, granted: list[str], entry: ForbiddenAccess, statement: Statement
) -> str:
    where = f" on {summarize(entry.resources, 2)}" if entry.resources else ""
    them = "it" if len(granted) == 1 else "them"
    return (
        f"{action_entry.shown} may grant {summarize(granted)}{where}{_conditional(statement)}, "
        f"which access-not-granted entry {entry.number} ({entry.describe()}) forbids; remove "
        f"{them} from this statement or deny {them}"
    )


def _resource_findings(
    policy: Policy, statement: Statement, entry: ForbiddenAccess, catalog: Any
) -> Iterator[Report]:
    entries = action_entries(statement)
    if not entries:
        return
    for target in resource_targets(statement):
        reached = []
        for resource in entry.resources:
            if not target.may_overlap(resource):
                continue
            acting = tuple(e for e in entries if entry_may_reach(e, resource, catalog))
            if acting and not _all_removed(policy, acting, target, resource):
                reached.append(resource)
        if reached:
            message = _resource_message(target, reached, entry, statement)
            yield Report(target.path, message, key=target.key)


def _all_removed(
    policy: Policy, entries: tuple[ActionEntry, ...], target: ResourceTarget, resource: str
) -> bool:
    """Whether unconditional Denies remove every action of every entry on this resource."""
    patterns = (resource,) if target.excluded else (target.pattern, resource)
    for action_entry in entries:
        if action_entry.negated:
            if not denied_pattern(policy, "*", patterns):
                return False
        elif not all(denied_pattern(policy, p, patterns) for p in action_entry.patterns):
            return False
    return True


def _resource_message(
    target: ResourceTarget, reached: list[str], entry: ForbiddenAccess, statement: Statement
) -> str:
    return (
        f"{target.shown} may give access to {summarize(reached, 3)}{_conditional(statement)}, "
        f"which access-not-granted entry {entry.number} ({entry.describe()}) forbids; narrow "
        "the resources or deny access to them"
    )
