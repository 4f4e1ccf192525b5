"""KMS004 transcribe-encryption-context-invalid: a KMS statement for Amazon Transcribe requires an
encryption-context key or value that Transcribe cannot send."""

from __future__ import annotations

from collections.abc import Iterator

from checks._transcribe import kms_grant_for_transcribe, transcribe_facts
from linter.check import Check, Report
from linter.condition_keys import KMS_CONTEXT_KEYS_KEY, kms_context_key_name
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy


class TranscribeEncryptionContextInvalid(Check):
    """## What it does
    In a KMS statement that serves Amazon Transcribe (`kms:ViaService` names Transcribe, the
    principal is a Transcribe service principal or a role whose name contains `transcribe`, or the
    same policy allows a Transcribe action that passes an encryption context), reports an
    encryption-context key of `kms:EncryptionContext:<key>`, a value of that key under a `String`
    operator, or a value of `kms:EncryptionContextKeys` that Transcribe cannot send: empty, longer
    than 2,000 characters, or containing characters other than printable ASCII (`\\x20`-`\\x7E`:
    no tabs, line breaks or non-ASCII letters).

    Context keys with colons are valid: HealthScribe's
    `kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id` names the context key
    `aws:us-east-1:transcribe:medical-scribe:session-id`. Wildcards in `StringLike` values are
    printable and are not counted towards the length.

    ## Why is this bad?
    Transcribe's `KMSEncryptionContext` parameter accepts keys and values of 1 to 2,000 printable
    ASCII characters only. A condition that requires anything else never matches a Transcribe
    request: in an `Allow`, every job that uses the key fails with access denied; in a `Deny`,
    the condition never applies to Transcribe.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "kms:GenerateDataKey",
     "Resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
     "Condition": {"StringEquals": {"kms:ViaService": "transcribe.us-west-2.amazonaws.com",
                                    "kms:EncryptionContext:département": "radiologie"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "kms:GenerateDataKey",
     "Resource": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
     "Condition": {"StringEquals": {"kms:ViaService": "transcribe.us-west-2.amazonaws.com",
                                    "kms:EncryptionContext:department": "radiology"}}}
    ```

    ## References
    - [Amazon Transcribe API: StartTranscriptionJob, KMSEncryptionContext](https://docs.aws.amazon.com/transcribe/latest/APIReference/API_StartTranscriptionJob.html)
      (botocore `KMSEncryptionContextMap`: keys and values 1-2,000 characters, `^[\\x20-\\x7E]+$`)
    - [Amazon Transcribe data encryption](https://docs.aws.amazon.com/transcribe/latest/dg/data-encryption.html)
    - No Access Analyzer or peer equivalent.
    """

    id = "KMS004"
    name = "transcribe-encryption-context-invalid"
    summary = "A KMS statement for Transcribe requires a context Transcribe cannot send."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY, PolicyType.KMS_KEY, PolicyType.RESOURCE})
    tags = ("kms", "transcribe", "encryption")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            entries = [
                e
                for e in statement.conditions
                if e.key_lower == KMS_CONTEXT_KEYS_KEY or kms_context_key_name(e.key) is not None
            ]
            if not entries or kms_grant_for_transcribe(policy, statement) is None:
                continue
            for entry in entries:
                if entry.base_operator.lower() == "null":
                    continue
                name = kms_context_key_name(entry.key)
                if name is not None:
                    problem = _problem(name, like=False)
                    if problem:
                        yield Report(
                            entry.key_path,
                            f'the encryption-context key "{_shown(name)}" {problem}, so Amazon '
                            f"Transcribe requests never match this condition; use 1 to 2,000 "
                            f"printable ASCII characters",
                            key=True,
                        )
                        continue
                if not entry.base_operator.lower().startswith("string"):
                    continue
                like = "like" in entry.base_operator.lower()
                kind = "encryption-context key" if name is None else "encryption-context value"
                for item in entry.values:
                    if not isinstance(item.value, str):
                        continue
                    problem = _problem(item.value, like=like)
                    if problem:
                        yield Report(
                            item.path,
                            f'the {kind} "{_shown(item.value)}" {problem}, so Amazon Transcribe '
                            f"requests never match it; use 1 to 2,000 printable ASCII characters",
                        )


def _problem(text: str, *, like: bool) -> str | None:
    facts = transcribe_facts()
    length = len(text.replace("*", "")) if like else len(text)
    if not text:
        return "is empty"
    if length > facts.context_max_length:
        return f"has {length:,} characters, more than Transcribe's {facts.context_max_length:,}"
    if not facts.context_pattern.fullmatch(text):
        bad = next(c for c in text if not " " <= c <= "~")
        return f"contains {bad!r} (U+{ord(bad):04X}), which is not printable ASCII"
    return None


def _shown(text: str) -> str:
    shown = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return shown if len(shown) <= 40 else shown[:37] + "..."
