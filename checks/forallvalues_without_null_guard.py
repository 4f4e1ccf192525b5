"""CND012 forallvalues-without-null-guard: an Allow with ForAllValues on a multi-valued key also
matches requests without the key."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.catalog import Catalog
from linter.check import Check, Report
from linter.condition_keys import (
    KMS_CONTEXT_KEYS_KEY,
    action_supports_key,
    lookup_condition_key,
    pattern_supports_key,
)
from linter.conditions import entry_operator, matches_when_key_absent
from linter.context import Context
from linter.model import Severity
from linter.policy import ConditionEntry, Policy, Statement

# Keys whose presence another key implies: a request tag makes aws:TagKeys non-empty.
_IMPLIED_BY = {"aws:tagkeys": "aws:requesttag/"}


class ForAllValuesWithoutNullGuard(Check):
    """## What it does
    Reports, in an `Allow` statement, a `ForAllValues:` condition on a multi-valued key
    (`aws:TagKeys`, `aws:CalledVia`, `aws:PrincipalServiceNamesList`, `ArrayOf…` service keys)
    when nothing in the statement requires the key to be present:

    - no `"Null": {"<key>": "false"}`;
    - no other condition on the same key that is false without it (`ForAnyValue:StringEquals`);
    - for `aws:TagKeys`, no `aws:RequestTag/<tag>` condition that requires a tag.

    Only statements with an action that receives the key but can be called without it are
    checked: an action that never receives it is CND004's, and `aws:TagKeys` is always present on
    Tagging actions (`TagResource`, `UntagResource`, `ec2:CreateTags`), which require tags, as
    are the required-parameter keys of `linter/data/always_present_condition_keys.json`
    (`kms:GrantOperations` on `kms:CreateGrant`).
    `kms:EncryptionContextKeys` is left to the KMS family's KMS001,
    which reports encryption-context grants that do not require a context.

    ## Why is this bad?
    `ForAllValues` is true when every value in the request is listed, and also when the request
    has no value at all. IAM's "Single-valued vs. multivalued context keys" page asks for caution
    with `ForAllValues` in an `Allow` for that reason and recommends a `Null` condition to keep
    missing or empty keys from matching. A tag-key allow-list written without it also allows
    requests that set no tags, and every action of the statement that carries no tags.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
     "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
     "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]},
                   "Null": {"aws:TagKeys": "false"}}}
    ```

    ## References
    - [Single-valued vs. multivalued context keys: ForAllValues](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    - [Creating a condition with multiple keys or values](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html)
    """

    id = "CND012"
    name = "forallvalues-without-null-guard"
    summary = "ForAllValues in an Allow also matches requests that lack the key."
    severity = Severity.WARNING
    tags = ("condition", "security")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for statement in policy.allow_statements():
            for entry in statement.conditions:
                operator = entry_operator(entry)
                if (
                    operator is None
                    or operator.qualifier != "ForAllValues"
                    or operator.family == "Null"
                    or entry.key_lower == KMS_CONTEXT_KEYS_KEY
                ):
                    continue
                key = lookup_condition_key(catalog, entry.key)
                if key is None or not key.multi_valued or _guarded(statement, entry):
                    continue
                if statement.action_element == "Action" and not _may_lack_key(
                    catalog, statement, entry.key_lower
                ):
                    continue
                yield Report(
                    entry.key_path,
                    f"{entry.operator} also matches requests without {entry.key}, so the "
                    f'statement grants them too; add "Null": {{"{entry.key}": "false"}} '
                    "if the key must be present",
                    key=True,
                )


def _may_lack_key(catalog: Catalog, statement: Statement, key: str) -> bool:
    """Whether some action of the statement receives ``key`` but may be called without it. An
    action that never receives the key is CND004's. ``aws:TagKeys`` is always present on
    actions of the Tagging access level, and the keys of
    ``linter/data/always_present_condition_keys.json`` on the actions listed there."""
    always = _always_present().get(key, frozenset())
    for item in statement.actions:
        if not pattern_supports_key(catalog, item.value, key):
            continue
        for action in catalog.match_actions(item.value):
            if not action_supports_key(catalog, action, key):
                continue
            if key == "aws:tagkeys" and action.access_level == "Tagging":
                continue
            if action.full_name.lower() in always:
                continue
            return True
    return False


@functools.cache
def _always_present() -> dict[str, frozenset[str]]:
    import json
    import os

    import linter

    path = os.path.join(
        os.path.dirname(linter.__file__), "data", "always_present_condition_keys.json"
    )
    with open(path, encoding="utf-8") as stream:
        data = json.load(stream)
    return {
        entry["key"].lower(): frozenset(a.lower() for a in entry["actions"])
        for entry in data["keys"]
    }


def _guarded(statement: Statement, entry: ConditionEntry) -> bool:
    implied = _IMPLIED_BY.get(entry.key_lower)
    for other in statement.conditions:
        if other is entry:
            continue
        same = other.key_lower == entry.key_lower
        implies = implied is not None and other.key_lower.startswith(implied)
        if (same or implies) and matches_when_key_absent(other) is False:
            return True
    return False
