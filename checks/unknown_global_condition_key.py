"""CND002 unknown-global-condition-key: an ``aws:`` condition key that does not exist."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import undocumented_condition_key
from linter.conditions import condition_entries
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy

_TAG_KEYS = ("aws:requesttag", "aws:resourcetag", "aws:principaltag")


class UnknownGlobalConditionKey(Check):
    """## What it does
    Reports a condition key with the `aws:` prefix that is not one of the global condition keys
    (the keys of the IAM "AWS global condition context keys" page, kept as data in
    `linter/data/global_condition_keys.json`). Key names are case-insensitive, so only the name is
    compared. It says which key was probably meant (`aws:SourceIP` is fine; `aws:SourceIpAddress`
    gets "did you mean aws:SourceIp"), reports `aws:ARN` as unsupported (use `aws:PrincipalArn`
    or `aws:SourceArn`), and a tag key without its tag name (`aws:ResourceTag`,
    `aws:RequestTag/`).

    Keys AWS uses in its own managed policies without documenting them (listed with their source
    in `linter/data/undocumented_condition_keys.json`, e.g. `aws:PrincipalOrgMasterAccountId`)
    get a **note** instead of an error.

    ## Why is this bad?
    A key that does not exist is never in the request context, so the condition is false (or,
    under a negated operator or `...IfExists`, always true): an Allow grants nothing, a Deny
    never applies or always applies. Access Analyzer rejects the policy.

    ## Example
    ```json
    "Condition": {"StringEquals": {"aws:RequestedRegions": "eu-west-1",
                                   "aws:ResourceTag": "finance"}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1",
                                   "aws:ResourceTag/team": "finance"}}
    ```

    ## References
    - [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    - Access Analyzer `INVALID_GLOBAL_CONDITION_KEY`, `UNSUPPORTED_GLOBAL_CONDITION_KEY`,
      `DEPRECATED_GLOBAL_CONDITION_KEY`, `MISSING_TAG_KEY_IN_CONDITION`; parliament
      `UNKNOWN_CONDITION_FOR_ACTION`
    """

    id = "CND002"
    name = "unknown-global-condition-key"
    summary = "An aws: condition key that is not a global condition key."
    severity = Severity.ERROR
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for _statement, entry in condition_entries(policy):
            lowered = entry.key_lower
            if not lowered.startswith("aws:") or catalog.global_key(entry.key) is not None:
                continue
            undocumented = undocumented_condition_key(entry.key)
            if undocumented is not None:
                instead = undocumented.get("instead")
                yield Report(
                    entry.key_path,
                    f"{entry.key} is not a documented global condition key (AWS uses it in "
                    f"{undocumented['used_in']}); prefer "
                    + (f"a documented key such as {instead}" if instead else "documented keys")
                    + " where one fits",
                    key=True,
                    severity=Severity.NOTE,
                )
                continue
            fix = None
            suggestion = _suggest(entry.key)
            if suggestion and "<" not in suggestion and entry.key.lower() != "aws:arn":
                from linter.fixes import Fix, ReplaceKey

                fix = Fix.unsafe(f"Write {suggestion}", ReplaceKey(entry.key_path, suggestion))
            yield Report(entry.key_path, _message(entry.key), key=True, fix=fix)


def _message(key: str) -> str:
    lowered = key.lower()
    if lowered == "aws:arn":
        return (
            f"{key} is not supported as a condition key; use aws:PrincipalArn for the caller "
            "or aws:SourceArn for the resource that makes a service-to-service request"
        )
    tag_prefix = lowered.rstrip("/")
    if tag_prefix in _TAG_KEYS:
        name = _global_names().get(tag_prefix + "/${tagkey}", key).split("/")[0]
        return f"{key} has no tag key: write {name}/<tag-key>, e.g. {name}/team"
    suggestion = _suggest(key)
    if suggestion:
        return f"{key} is not a global condition key; did you mean {suggestion}?"
    return (
        f"{key} is not a global condition key: aws: keys are the ones on the IAM global "
        "condition context keys page; use a listed key or the service's own key"
    )


@functools.cache
def _global_names() -> dict[str, str]:
    import json

    from linter.catalog import GLOBAL_KEYS_FILE

    with open(GLOBAL_KEYS_FILE, encoding="utf-8") as stream:
        data = json.load(stream)
    return {entry["name"].lower(): entry["name"] for entry in data["global_keys"]}


def _suggest(key: str) -> str | None:
    import difflib

    lowered = key.lower()
    names = _global_names()
    plain = {name.split("/${")[0]: original for name, original in names.items()}
    head, slash, _ = lowered.partition("/")
    tag = key.partition("/")[2]
    candidates = (head, lowered) if slash else (lowered,)
    for candidate in candidates:
        close = difflib.get_close_matches(candidate, list(plain), n=1, cutoff=0.8)
        if not close:
            # A known key with extra text ("aws:SourceIpAddress" → "aws:SourceIp").
            close = sorted((n for n in plain if candidate.startswith(n)), key=len, reverse=True)
        if close:
            original = plain[close[0]]
            if "/${" in original:
                return original.split("/${")[0] + "/" + (tag or "<tag-key>")
            return original
    return None
