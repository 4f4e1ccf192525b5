"""TRN002 transcribe-resource-tag-missing: resource-scoped Transcribe actions are allowed on every
resource without an ``aws:ResourceTag`` condition."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.arns import parse_arn
from linter.catalog import Action, Catalog
from linter.check import Check, Report
from linter.conditions import conditions_on_keys, constrains
from linter.context import Context
from linter.grants import (
    SCOPE_ALL,
    SCOPE_PATTERN,
    grant_anchor,
)
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import Grant, grant_scope, policy_grants
from linter.wording import summarize_names

_PREFIX = "aws:ResourceTag/"


class TranscribeResourceTagMissing(Check):
    """## What it does
    Reports an `Allow` of Transcribe actions that act on an existing resource (the Get, Describe,
    Delete and Update actions on the 9 resource types: transcription, medical, call-analytics and
    HealthScribe jobs, vocabularies, medical vocabularies, vocabulary filters, language models and
    call-analytics categories; also through `transcribe:Get*`, `transcribe:*`, `*` or `NotAction`)
    on every resource of a type (`"Resource": "*"`, `NotResource`, or an ARN whose name part is
    only wildcards, such as `…:transcription-job/*`) without a condition on
    `aws:ResourceTag/<key>` that requires specific values.

    Not reported: statements scoped to named resources or name prefixes
    (`…:vocabulary/team-a-*`), and actions that a `Deny` of the same policy refuses when the tag
    is missing or different (`StringNotEquals aws:ResourceTag/Owner ${aws:username}`).

    A **note** by default: tag-based access control is a best practice, and AWS's own managed
    policies (AmazonTranscribeFullAccess, AmazonTranscribeReadOnlyAccess) grant these actions on
    `*`. With `required_tag_keys` configured it is a **warning**, and every configured key must be
    constrained (`aws:ResourceTag/<key>`). One finding per statement, at the first Action value
    that grants the actions.

    Tag conditions on actions that cannot use them (List actions, streaming actions,
    `aws:ResourceTag` on UntagResource) are reported by the condition family's "key not
    supported by the statement's actions" rule (CND004).

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Amazon Transcribe's security best practices recommend tag-based access control for
    transcription jobs, custom vocabularies, vocabulary filters and language models. Without it,
    anyone with the policy can read, change or delete every team's transcripts and models in the
    account.

    ## Example
    ```json
    {"Effect": "Allow",
     "Action": ["transcribe:GetTranscriptionJob", "transcribe:DeleteTranscriptionJob"],
     "Resource": "arn:aws:transcribe:*:111122223333:transcription-job/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow",
     "Action": ["transcribe:GetTranscriptionJob", "transcribe:DeleteTranscriptionJob"],
     "Resource": "arn:aws:transcribe:*:111122223333:transcription-job/*",
     "Condition": {"StringEquals": {"aws:ResourceTag/Owner": "${aws:PrincipalTag/Owner}"}}}
    ```

    ## References
    - [Amazon Transcribe security best practices](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [Tagging Amazon Transcribe resources](https://docs.aws.amazon.com/transcribe/latest/dg/tagging.html)
    - [Identity-based policy examples: viewing transcription jobs based on tags](https://docs.aws.amazon.com/transcribe/latest/dg/security_iam_id-based-policy-examples.html)
    - No Access Analyzer or peer equivalent (Access Analyzer only reports tag keys an action
      cannot use: `ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`).
    """

    id = "TRN002"
    name = "transcribe-resource-tag-missing"
    summary = (
        "Transcribe actions on existing resources are allowed without an aws:ResourceTag scope."
    )
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "transcribe", "abac", "tags")
    needs_services = frozenset({"transcribe"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        actions = _resource_scoped_actions(catalog)
        required = context.settings.required_tag_keys
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            usable = [
                g
                for g in grants.usable(statement, actions)
                if _unscoped(g, catalog.action(g.action))
            ]
            granted = [g.action for g in usable]
            if not granted:
                continue
            tag_entries = conditions_on_keys(statement, _PREFIX)
            constrained = {e.key[len(_PREFIX) :].lower() for e in tag_entries if constrains(e)}
            names = summarize_names(granted)
            verb = "is" if len(granted) == 1 else "are"
            path, key = grant_anchor(statement, granted)
            if required:
                missing = [
                    k
                    for k in required
                    if k.lower() not in constrained
                    and not all(g.requires(_PREFIX + k) for g in usable)
                ]
                if missing:
                    message = (
                        f"{names} {verb} allowed on every resource without a condition on the "
                        f"required tag{'s' if len(missing) > 1 else ''} "
                        f"{summarize_names([_PREFIX + k for k in missing])}; add "
                        f'"StringEquals": {{"{_PREFIX}{missing[0]}": "<value>"}}'
                    )
                    yield Report(path, message, key=key, severity=Severity.WARNING)
                continue
            if constrained:
                continue
            granted = [g.action for g in usable if not g.requires(_PREFIX)]
            if not granted:
                continue
            names = summarize_names(granted)
            verb = "is" if len(granted) == 1 else "are"
            fix = (
                '"StringEquals": {"aws:ResourceTag/<key>": "${aws:PrincipalTag/<key>}"} '
                "or name the resources"
            )
            if tag_entries:
                operators = summarize_names(sorted({f"{e.operator} {e.key}" for e in tag_entries}))
                message = (
                    f"{names} {verb} allowed on every resource: {operators} does not limit the "
                    f"tag to specific values; use {fix}"
                )
            else:
                message = (
                    f"{names} {verb} allowed on every resource without an aws:ResourceTag "
                    f"condition; scope it to tagged resources with {fix}"
                )
            yield Report(path, message, key=key)


@functools.lru_cache(maxsize=4)
def _resource_scoped_actions(catalog: Catalog) -> tuple[str, ...]:
    service = catalog.service("transcribe")
    if service is None:
        return ()
    return tuple(a.full_name for a in service.actions() if a.has_resource_types)


def _unscoped(grant: Grant, action: Action | None) -> bool:
    """Whether the grant reaches every resource of the action's types: ``*``, NotResource, or a
    matching ARN whose resource name is only wildcards (among the Resource patterns the policy's
    Denies leave)."""
    if action is None:
        return False
    scope = grant_scope(grant, action)
    if scope == SCOPE_ALL:
        return True
    if scope != SCOPE_PATTERN:
        return False
    for value in grant.resources:
        if not any(r.resource_type.matches_arn(value) for r in action.resource_types):
            continue
        arn = parse_arn(value)
        resource = arn.resource if arn else value
        name = resource.partition("/")[2] if "/" in resource else resource
        if name.strip("*?") == "":
            return True
    return False
