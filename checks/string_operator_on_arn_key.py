"""CND008 string-operator-on-arn-key: a String operator compares an ARN condition key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.check import Check, Report
from linter.condition_keys import lookup_condition_key
from linter.conditions import condition_entries, entry_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy

_ARN_OPERATOR = {
    "StringEquals": "ArnEquals",
    "StringNotEquals": "ArnNotEquals",
    "StringEqualsIgnoreCase": "ArnEquals",
    "StringNotEqualsIgnoreCase": "ArnNotEquals",
    "StringLike": "ArnLike",
    "StringNotLike": "ArnNotLike",
}


class StringOperatorOnArnKey(Check):
    """## What it does
    Reports a String operator on a condition key of type ARN (`aws:SourceArn`,
    `aws:PrincipalArn`, `aws:SourceVpcArn`, ARN-typed service keys).

    - `StringLike`/`StringNotLike` with a `*` or `?` before the resource part of a value
      (partition, service, Region or account): **warning**. There the wildcard can match across
      the ARN's colons, so the pattern matches ARNs of other accounts than it seems to: AWS's
      example `arn:aws:someservice:*:111122223333:finance/*` matches
      `arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt`
      under `StringLike`, not under `ArnLike`.
    - Any other String operator, or wildcards only in the resource part (where `StringLike` and
      `ArnLike` match the same ARNs): **note**; AWS recommends Arn operators for ARN keys.

    AWS's own Transcribe trust-policy example uses `StringLike` for `aws:SourceArn` with
    `arn:aws:transcribe:us-west-2:111122223333:*`: a note, the suggestion domain.md §4.7 allows.

    ## Why is this bad?
    IAM global keys page, `aws:SourceArn`: "AWS recommends that you use ARN operators instead of
    string operators when comparing ARNs." `ArnLike` matches each of the six colon-separated
    fields separately, so a `*` stays inside its field.

    ## Example
    ```json
    "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"}}
    ```

    ## Use instead
    ```json
    "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"}}
    ```

    ## References
    - [IAM condition operators: ARN](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN)
    - [aws:SourceArn](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn)
    - Access Analyzer `STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS`; parliament
      `MISMATCHED_TYPE_BUT_USABLE`
    """

    id = "CND008"
    name = "string-operator-on-arn-key"
    summary = "A String operator compares an ARN condition key; use an Arn operator."
    severity = Severity.WARNING
    tags = ("condition", "security")
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for _statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if operator is None or operator.family != "String":
                continue
            key = lookup_condition_key(catalog, entry.key)
            if key is None or key.type != "ARN":
                continue
            replacement = _ARN_OPERATOR[operator.base]
            if operator.qualifier:
                replacement = f"{operator.qualifier}:{replacement}"
            if operator.if_exists:
                replacement += "IfExists"
            wildcard = operator.like and any(_spans_fields(v) for v in entry.string_values)
            fix = None
            if _only_arn_keys(catalog, _statement, entry):
                from linter.fixes import Fix, ReplaceKey

                fix = Fix.unsafe(f"Use {replacement}", ReplaceKey(entry.operator_path, replacement))
            if wildcard:
                yield Report(
                    entry.key_path,
                    f"{entry.key} is an ARN key: with {entry.operator} a wildcard before the "
                    f"resource part can match across the ARN's colons (other accounts, Regions "
                    f"or services); use {replacement}, which matches each ARN field separately",
                    key=True,
                    fix=fix,
                )
            else:
                yield Report(
                    entry.key_path,
                    f"{entry.key} is an ARN key: AWS recommends {replacement} over "
                    f"{entry.operator} for ARNs",
                    key=True,
                    severity=Severity.NOTE,
                    fix=fix,
                )


def _only_arn_keys(catalog: Any, statement: Any, entry: Any) -> bool:
    """Whether every key under the entry's operator is an ARN key: renaming the operator then
    changes no other key's comparison."""
    for other in statement.conditions:
        if other.operator_path != entry.operator_path:
            continue
        key = lookup_condition_key(catalog, other.key)
        if key is None or key.type != "ARN":
            return False
    return True


def _spans_fields(value: str) -> bool:
    """Whether a ``*`` or ``?`` of ``value`` lies before its resource part (before the fifth
    colon), where StringLike lets it match across fields; in the resource part, StringLike and
    ArnLike match the same ARNs."""
    text = value.replace("${*}", "").replace("${?}", "")
    if text.strip("*") == "":
        return False  # a bare "*" matches every value under either operator (a presence test)
    head = text.split(":", 5)
    prefix = ":".join(head[:5]) if len(head) == 6 else text
    return "*" in prefix or "?" in prefix
