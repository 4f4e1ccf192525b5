"""TRN004 transcribe-tagging-unconstrained: transcribe:TagResource or UntagResource is allowed
without limiting which tags can change."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.catalog import Catalog
from linter.check import Check, Report
from linter.conditions import conditions_on_keys, constrains
from linter.context import Context
from linter.grants import grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy
from linter.policy_grants import PolicyGrants, policy_grants
from linter.wording import summarize_names

_REQUEST = "aws:RequestTag/"
_TAG_KEYS = "aws:TagKeys"


class TranscribeTaggingUnconstrained(Check):
    """## What it does
    Reports an `Allow` of `transcribe:TagResource` or `transcribe:UntagResource` (also through
    `transcribe:*Tag*`, `transcribe:*`, `*` or `NotAction`) without a condition that limits the
    tags the caller may change: `ForAllValues:StringEquals` (or `…Like`) on `aws:TagKeys` with a
    list of keys, or `aws:RequestTag/<key>` with specific values (TagResource only; UntagResource
    takes only `aws:TagKeys`). An `aws:ResourceTag` condition alone does not count: it chooses
    which resources can be retagged, not which tags. A `Deny` of the same policy that covers the
    action with a condition on `aws:TagKeys` or `aws:RequestTag` (the usual guard:
    `"ForAnyValue:StringEquals": {"aws:TagKeys": ["Owner"]}` denies changing `Owner`) also
    satisfies the rule.

    A **warning** when the statement names Transcribe tagging explicitly (`transcribe:TagResource`,
    `transcribe:*Tag*`, …) or the policy itself uses tag-based access control on Transcribe
    (`aws:ResourceTag`/`aws:RequestTag` conditions on `transcribe:` actions); a **note** when the
    actions come only from a broad wildcard (`transcribe:*`, `*`, `NotAction`) in a policy without
    tag conditions, such as AWS's AmazonTranscribeFullAccess, where retagging adds no access the
    policy does not already grant. With `required_tag_keys` configured it is always a warning.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Tag-based access control is only as strong as control over the tags. A principal that may
    change any tag can move a job, vocabulary or language model out of its ABAC boundary (remove
    or rewrite `Owner`) or into another team's boundary, and so gain or hand out access that the
    `aws:ResourceTag` policies were meant to deny.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["transcribe:TagResource", "transcribe:UntagResource"],
     "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": ["transcribe:TagResource", "transcribe:UntagResource"],
     "Resource": "*",
     "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["CostCenter", "Description"]}}}
    ```

    ## References
    - [Amazon Transcribe security best practices](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [Tagging Amazon Transcribe resources](https://docs.aws.amazon.com/transcribe/latest/dg/tagging.html)
    - [Controlling access based on tag keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-tag-keys)
    - No Access Analyzer or peer equivalent.
    """

    id = "TRN004"
    name = "transcribe-tagging-unconstrained"
    summary = "Transcribe tagging is allowed without limiting which tags can change."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "transcribe", "abac", "tags")
    needs_services = frozenset({"transcribe"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        actions = _tagging_actions(catalog)
        configured = bool(context.settings.required_tag_keys)
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            granted = [g.action for g in grants.usable(statement, actions)]
            if not granted:
                continue
            if any(_limits_tags(e) for e in conditions_on_keys(statement, _REQUEST, _TAG_KEYS)):
                continue
            granted = [n for n in granted if not _denied_tag_changes(grants, n)]
            if not granted:
                continue
            explicit = any(
                item.value.lower().startswith("transcribe:") and "tag" in item.value.lower()
                for item in statement.actions
            )
            severity = (
                None
                if configured or explicit or _policy_uses_transcribe_abac(policy)
                else Severity.NOTE
            )
            names = summarize_names(granted)
            verb = "is" if len(granted) == 1 else "are"
            message = (
                f"{names} {verb} allowed without an aws:TagKeys or aws:RequestTag condition, so "
                f"the caller can retag resources out of (or into) a tag-based access boundary; "
                f"limit the keys with "
                f'"ForAllValues:StringEquals": {{"aws:TagKeys": ["<key>", ...]}}'
            )
            path, key = grant_anchor(statement, granted)
            yield Report(path, message, key=key, severity=severity)


@functools.lru_cache(maxsize=4)
def _tagging_actions(catalog: Catalog) -> tuple[str, ...]:
    service = catalog.service("transcribe")
    if service is None:
        return ()
    return tuple(a.full_name for a in service.actions() if a.access_level == "Tagging")


def _limits_tags(entry: ConditionEntry) -> bool:
    """ForAllValues (or no qualifier) on aws:TagKeys with key values, or a constraining
    aws:RequestTag value. ``ForAnyValue`` on aws:TagKeys does not limit the other keys."""
    if entry.key_lower == _TAG_KEYS.lower():
        qualifier = (entry.qualifier or "").lower()
        if qualifier == "foranyvalue" or entry.if_exists or "not" in entry.base_operator.lower():
            return False
        values = entry.string_values
        return bool(values) and not all(v.strip("*?") == "" for v in values)
    return constrains(entry)


def _denied_tag_changes(grants: PolicyGrants, action_name: str) -> bool:
    """Whether a Deny of the policy covers ``action_name`` with a condition on the tags changed."""
    return any(
        deny.effect == "Deny"
        and conditions_on_keys(deny.statement, _REQUEST, _TAG_KEYS)
        and deny.covers(action_name)
        for deny in grants.statements
    )


def _policy_uses_transcribe_abac(policy: Policy) -> bool:
    return any(
        any(item.value.lower().startswith("transcribe:") for item in statement.actions)
        and conditions_on_keys(statement, "aws:ResourceTag/", _REQUEST)
        for statement in policy.statements
    )
