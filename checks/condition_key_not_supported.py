"""CND004 condition-key-not-supported-by-action: a condition key that an action never receives."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.catalog import Catalog
from linter.check import Check, Report
from linter.condition_keys import action_supports_key, lookup_condition_key, pattern_supports_key
from linter.conditions import condition_entries, matches_when_key_absent
from linter.context import Context
from linter.grants import statement_grants
from linter.model import Severity
from linter.policy import ConditionEntry, Policy, Statement
from linter.wording import summarize_names

_UNIVERSAL_SCOPES = ("global", "cross-service")
_TAG_PREFIXES = ("aws:requesttag/", "aws:resourcetag/")
_TAG_KEYS = "aws:tagkeys"


class ConditionKeyNotSupportedByAction(Check):
    """## What it does
    Reports an `Action` value that does not support a condition key used in the same statement:
    the key is neither one of the action's condition keys nor a key of one of its resource types
    in the catalog (so `aws:ResourceTag/Owner` is fine on `transcribe:GetTranscriptionJob`, whose
    `transcriptionjob` resource type carries it), and it is not a global key. Tag keys
    (`aws:RequestTag/…`, `aws:ResourceTag/…`, `aws:TagKeys`) count only where the catalog lists
    them for the action or its resource types.

    Wildcard values are expanded through the catalog and reported only when *none* of the
    actions they match supports the key: `kms:GenerateDataKey*` and `kms:ReEncrypt*` support
    `kms:EncryptionContext:…`, `kms:Describe*` does not. One finding per Action value, naming
    every unsupported key; unknown actions and unknown keys are left to the rules that report
    them. With `NotAction`, only the tag keys are checked, reported at the key, with the
    services whose actions the statement then never grants (or never denies).

    The message says what happens for the action, which depends on the operator: a key that is
    absent makes `StringEquals`, `ArnLike`, `Bool`, `ForAnyValue:…` and `Null` `false` false (the
    statement never grants, or never denies, the action), while negated operators,
    `...IfExists`, `ForAllValues:…` and `Null` `true` are true (the condition is ignored for the
    action).

    ## Why is this bad?
    A key that an action never receives is missing from its request context. In AWS's own
    Transcribe example "AWS KMS encryption context policy", `kms:DescribeKey` sits in a statement
    that requires `kms:EncryptionContext:color`: DescribeKey requests carry no encryption context,
    so the role can never call DescribeKey. Under a negated operator the opposite happens: the
    action is allowed (or denied) without the restriction the author wrote.

    ## Example
    ```json
    {"Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
     "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"],
     "Resource": "*",
     "Condition": {"StringEquals": {"kms:EncryptionContext:color": "indigoBlue"}}}
    ```

    ## Use instead
    ```json
    [{"Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
      "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
      "Resource": "*",
      "Condition": {"StringEquals": {"kms:EncryptionContext:color": "indigoBlue"}}},
     {"Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
      "Action": "kms:DescribeKey",
      "Resource": "*"}]
    ```

    ## References
    - [Amazon Transcribe identity-based policy examples](https://docs.aws.amazon.com/transcribe/latest/dg/security_iam_id-based-policy-examples.html)
    - [IAM condition operators (absent keys)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    - Access Analyzer `UNSUPPORTED_ACTION_FOR_CONDITION_KEY`, `MISSING_ACTION_FOR_CONDITION_KEY`,
      `ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`,
      `DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`, their `…_NOTACTION_…` variants;
      parliament `UNKNOWN_CONDITION_FOR_ACTION` (one finding per expanded action, no resource-type
      keys)
    """

    id = "CND004"
    name = "condition-key-not-supported-by-action"
    summary = "A condition key that an action of the statement never receives."
    severity = Severity.ERROR
    tags = ("condition", "kms", "transcribe")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in dict.fromkeys(s for s, _ in condition_entries(policy)):
            if statement.effect not in ("Allow", "Deny"):
                continue
            keys = _checked_keys(statement, catalog)
            if not keys:
                continue
            if statement.action_element == "Action":
                yield from _check_actions(statement, catalog, keys)
            elif statement.action_element == "NotAction":
                yield from _check_not_action(statement, catalog, keys)


def _checked_keys(statement: Statement, catalog: Catalog) -> dict[str, list[ConditionEntry]]:
    """The statement's known, non-global condition keys (lower case) with their entries. Service
    keys that the catalog defines but attaches to no action (the Service Authorization Reference
    lists some keys, e.g. ``iottwinmaker:linkedServices``, only in the service's key table) are
    left out: which actions receive them is unknown."""
    keys: dict[str, list[ConditionEntry]] = {}
    for entry in statement.conditions:
        definition = lookup_condition_key(catalog, entry.key)
        if definition is None or definition.scope in _UNIVERSAL_SCOPES:
            continue
        if definition.scope == "service" and definition.name.lower() not in _attached_keys(
            catalog, definition.name.partition(":")[0].lower()
        ):
            continue
        if matches_when_key_absent(entry) is None:
            continue
        keys.setdefault(entry.key_lower, []).append(entry)
    return keys


@functools.lru_cache(maxsize=512)
def _attached_keys(catalog: Catalog, prefix: str) -> frozenset[str]:
    """The lower-case condition keys that some action (or its resource types) of the services
    using the key prefix ``prefix`` lists."""
    prefixes = (prefix, *getattr(catalog, "_key_prefixes", {}).get(prefix, ()))
    attached: set[str] = set()
    for service_prefix in prefixes:
        service = catalog.service(service_prefix)
        if service is not None:
            for action in service.actions():
                attached.update(action.all_condition_keys)
    return frozenset(attached)


def _check_actions(
    statement: Statement, catalog: Catalog, keys: dict[str, list[ConditionEntry]]
) -> Iterator[Report]:
    for item in statement.actions:
        missing = [key for key in keys if not pattern_supports_key(catalog, item.value, key)]
        finding = _finding(statement, [keys[key] for key in missing])
        if finding is None:
            continue
        matched = catalog.match_actions(item.value)
        names, count, outcome, severity = finding
        these = "this condition" if count == 1 else "these conditions"
        if len(matched) == 1:
            message = (
                f"{item.value} does not support {names}: {outcome.format('it')}; "
                f"move it to a statement without {these}"
            )
        else:
            listed = summarize_names([a.full_name for a in matched], 3)
            message = (
                f"none of the actions {item.value} matches ({listed}) supports {names}: "
                f"{outcome.format('them')}; move them to a statement without {these}"
            )
        yield Report(item.path, message, severity=severity)


def _check_not_action(
    statement: Statement, catalog: Catalog, keys: dict[str, list[ConditionEntry]]
) -> Iterator[Report]:
    for key, entries in keys.items():
        if not (key.startswith(_TAG_PREFIXES) or key == _TAG_KEYS):
            continue
        finding = _finding(statement, [entries])
        if finding is None:
            continue
        unsupported = [
            action
            for action in statement_grants(statement).actions(catalog)
            if not action_supports_key(catalog, action, key)
        ]
        if not unsupported:
            continue
        names, _, outcome, severity = finding
        services = {action.service for action in unsupported}
        yield Report(
            entries[0].key_path,
            f"{names} is not supported by {len(unsupported)} of the actions NotAction leaves in "
            f"({len(services)} services): {outcome.format('them')}; name the actions that "
            "support the key in Action instead",
            key=True,
            severity=severity,
        )


def _finding(
    statement: Statement, unsupported: list[list[ConditionEntry]]
) -> tuple[str, int, str, Severity | None] | None:
    """(key names, key count, outcome template, severity) for the entries of the keys an action
    lacks, or None when there is nothing to report.

    A missing key makes the statement inapplicable when one of its entries is false without it
    ("never grants"/"never denies": error). When every entry is true without the key (negated
    operators, ``...IfExists``, ``ForAllValues``, ``Null`` true), the condition is ignored for the
    action: a note in an Allow (granted without that restriction), nothing in a Deny (it still
    applies and its other conditions still decide; AWS's tag-isolation Denies rely on this)."""
    blocking = [e for e in unsupported if not all(matches_when_key_absent(x) for x in e)]
    if blocking:
        names = summarize_names([entries[0].key for entries in blocking])
        verb = "grants" if statement.is_allow else "denies"
        return names, len(blocking), f"the statement never {verb} {{}}", None
    if unsupported and statement.is_allow:
        names = summarize_names([entries[0].key for entries in unsupported])
        outcome = "the condition is ignored for {0}, so the statement grants {0} without it"
        return names, len(unsupported), outcome, Severity.NOTE
    return None
