"""TRN001 transcribe-output-key-not-required: Transcribe batch jobs are allowed without requiring a
customer managed KMS key for their output."""

from __future__ import annotations

from collections.abc import Iterator

from checks._transcribe import transcribe_facts
from linter.check import Check, Report
from linter.conditions import constrains, requires_presence
from linter.context import Context
from linter.grants import grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.wording import summarize_names

_KEY = "transcribe:OutputEncryptionKMSKeyId"


class TranscribeOutputKeyNotRequired(Check):
    """## What it does
    Reports an `Allow` of `transcribe:StartTranscriptionJob`, `StartMedicalTranscriptionJob`,
    `StartMedicalScribeJob` or `StartCallAnalyticsJob` (also through `transcribe:Start*`,
    `transcribe:*`, `*` or `NotAction`) without a `transcribe:OutputEncryptionKMSKeyId` condition
    that requires a key: `StringEquals`/`ArnEquals`/`...Like` with key ARNs, or
    `"Null": {"transcribe:OutputEncryptionKMSKeyId": "false"}`. A `Deny` in the same policy that
    refuses those actions when the key is missing or different (`Null` `true`, `StringNotEquals`,
    `ArnNotEquals`, …) also satisfies the rule. One note per statement, at the first Action value
    that grants the actions.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    "If you do not specify an encryption key, your output is encrypted with the default Amazon S3
    key (SSE-S3)." Requiring `OutputEncryptionKMSKeyId` makes every transcript, medical transcript,
    HealthScribe note and call-analytics output land encrypted with the customer managed key you
    name, whose key policy and encryption context you control and whose use CloudTrail logs.
    This is the Transcribe side of the "use data encryption" best practice; the KMS side is
    KMS001.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "transcribe:StartTranscriptionJob", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "transcribe:StartTranscriptionJob", "Resource": "*",
     "Condition": {"StringEquals": {"transcribe:OutputEncryptionKMSKeyId":
       "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}}
    ```

    ## References
    - [Amazon Transcribe data encryption](https://docs.aws.amazon.com/transcribe/latest/dg/data-encryption.html)
    - [StartTranscriptionJob: OutputEncryptionKMSKeyId](https://docs.aws.amazon.com/transcribe/latest/APIReference/API_StartTranscriptionJob.html)
    - [Condition keys for Amazon Transcribe](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html)
    - No Access Analyzer or peer equivalent.
    """

    id = "TRN001"
    name = "transcribe-output-key-not-required"
    summary = "Transcribe batch jobs are allowed without requiring a KMS key for their output."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "transcribe", "encryption")
    needs_services = frozenset({"transcribe"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        actions = transcribe_facts().output_encryption_actions
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            granted = [g.action for g in grants.usable(statement, actions) if not g.requires(_KEY)]
            if not granted:
                continue
            entries = statement.conditions_on(_KEY)
            if any(constrains(e) or requires_presence(e) for e in entries):
                continue
            names = summarize_names(granted)
            verb = "is" if len(granted) == 1 else "are"
            example = f'"StringEquals": {{"{_KEY}": "arn:aws:kms:<region>:<account>:key/<key-id>"}}'
            if entries:
                operators = summarize_names(sorted({e.operator for e in entries}))
                message = (
                    f"{names} {verb} allowed without requiring an output KMS key: the {operators} "
                    f"condition on {_KEY} also matches requests without one; use {example}"
                )
            else:
                message = (
                    f"{names} {verb} allowed without a {_KEY} condition, so output may be "
                    f"encrypted with the default Amazon S3 key (SSE-S3) only; require your key "
                    f"with {example}"
                )
            path, key = grant_anchor(statement, granted)
            yield Report(path, message, key=key)
