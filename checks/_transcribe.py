"""Amazon Transcribe and AWS KMS facts shared by the Transcribe and KMS rules: the Transcribe
service principals and actions that pass an encryption context (``linter/data/transcribe.json``),
and why a KMS statement serves Transcribe."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple

from linter.arns import parse_arn
from linter.data_files import data_file
from linter.policy import Statement, action_pattern_matches
from linter.wording import summarize_names

if TYPE_CHECKING:
    from linter.policy import Policy


class TranscribeFacts(NamedTuple):
    """The parts of ``linter/data/transcribe.json`` the rules use, lower-cased where matched."""

    service_principals: frozenset[str]
    encryption_context_actions: tuple[str, ...]
    output_encryption_actions: tuple[str, ...]
    context_min_length: int
    context_max_length: int
    context_pattern: re.Pattern[str]


@functools.cache
def transcribe_facts() -> TranscribeFacts:
    """Load ``linter/data/transcribe.json`` once, on first use."""
    data = data_file("transcribe.json")
    limits = data["encryption_context_limits"]
    return TranscribeFacts(
        service_principals=frozenset(e["principal"].lower() for e in data["service_principals"]),
        encryption_context_actions=tuple(e["action"] for e in data["encryption_context_actions"]),
        output_encryption_actions=tuple(e["action"] for e in data["output_encryption_actions"]),
        context_min_length=limits["min_length"],
        context_max_length=limits["max_length"],
        context_pattern=re.compile(limits["pattern"]),
    )


def is_transcribe_service(value: str) -> bool:
    """``transcribe.amazonaws.com``, ``transcribe.streaming.amazonaws.com`` and regional forms
    (``transcribe.us-east-1.amazonaws.com``), as a service principal or ``kms:ViaService`` value."""
    lowered = value.lower()
    if lowered in transcribe_facts().service_principals:
        return True
    return lowered.startswith("transcribe.") and lowered.endswith(".amazonaws.com")


def policy_starts_transcribe_with_context(policy: Policy) -> tuple[str, ...]:
    """The Transcribe actions taking an encryption context (StartTranscriptionJob, …) that an
    Allow statement of ``policy`` grants through an Action value naming the ``transcribe`` service
    (``transcribe:*``, ``transcribe:Start*``; not ``*`` or NotAction, which are not "for
    Transcribe"); cached on the policy."""
    cached = policy.__dict__.get("_transcribe_context_starts")
    if cached is None:
        names = transcribe_facts().encryption_context_actions
        patterns = [
            item.value
            for statement in policy.allow_statements()
            for item in statement.actions
            if item.value.lower().startswith("transcribe:")
        ]
        cached = tuple(
            name for name in names if any(action_pattern_matches(p, name) for p in patterns)
        )
        policy.__dict__["_transcribe_context_starts"] = cached
    return cached


def kms_grant_for_transcribe(policy: Policy, statement: Statement) -> str | None:
    """Why a KMS statement serves Amazon Transcribe, for messages, or None: a ``kms:ViaService``
    value naming Transcribe, a Transcribe service principal or a role whose name contains
    "transcribe", or a Start action of the same policy that passes an encryption context."""
    for entry in statement.conditions_on("kms:ViaService"):
        if entry.base_operator.lower().startswith("stringnot"):
            continue
        for value in entry.string_values:
            if is_transcribe_service(value):
                return f"kms:ViaService {value}"
    for principal in statement.principals:
        if principal.kind == "Service" and is_transcribe_service(principal.value):
            return f"principal {principal.value}"
        if principal.kind == "AWS":
            arn = parse_arn(principal.value)
            resource = arn.resource.lower() if arn and arn.service == "iam" else ""
            if resource.startswith("role/") and "transcribe" in resource:
                return f"principal {principal.value}"
    starts = policy_starts_transcribe_with_context(policy)
    if starts:
        return f"the policy allows {summarize_names(starts, 2)}"
    return None
