"""CND007 operator-key-type-mismatch: a condition operator of another type than its key."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import lookup_condition_key
from linter.conditions import condition_entries, entry_operator
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy

# Key type → operator families that compare it correctly. ARN keys also take String operators
# (CND008 suggests the Arn ones); String keys also take Arn operators, because many keys that hold
# ARNs are typed String in the Service Authorization Reference.
_COMPATIBLE = {
    "String": ("String", "ARN"),
    "ARN": ("ARN", "String"),
    "Bool": ("Bool",),
    "Numeric": ("Numeric",),
    "Date": ("Date",),
    "IPAddress": ("IPAddress",),
    "Binary": ("Binary",),
}
_OPERATOR_FOR = {
    "String": "a String operator such as StringEquals",
    "ARN": "an Arn operator such as ArnLike",
    "Bool": "Bool (or BoolIfExists)",
    "Numeric": "a Numeric operator such as NumericLessThan",
    "Date": "a Date operator such as DateGreaterThan",
    "IPAddress": "IpAddress or NotIpAddress",
    "Binary": "BinaryEquals",
}
_KEY_TYPES = {
    "String": "a string",
    "ARN": "an ARN",
    "Bool": "a Boolean",
    "Numeric": "a numeric",
    "Date": "a date",
    "IPAddress": "an IP address",
    "Binary": "a binary",
}
_VALUE_TYPES = {
    "String": "strings",
    "ARN": "ARNs",
    "Bool": "Booleans",
    "Numeric": "numbers",
    "Date": "dates",
    "IPAddress": "IP addresses",
    "Binary": "base64 bytes",
}


class OperatorKeyTypeMismatch(Check):
    """## What it does
    Reports a condition key used with an operator of another type than the key's, from the
    catalog: a String operator on a Boolean key (`"StringEquals": {"aws:SecureTransport":
    "false"}`), a Numeric operator on a date, `StringLike` on `aws:SourceIp`, and so on. `Null`
    fits every key. String and Arn operators are both accepted on String and ARN keys
    (CND008 recommends the Arn operators for ARN keys); keys whose catalog type has an
    alternative (`aws:EpochTime`: Date or Numeric) accept both.

    ## Why is this bad?
    The operator decides how values are compared. A String comparison on a Boolean or IP key
    compares text, not meaning: `StringLike "203.0.113.*"` on `aws:SourceIp` is not a CIDR match,
    and a mistyped comparison may not behave as the author expects. Access Analyzer reports it.

    ## Example
    ```json
    "Condition": {"StringEquals": {"aws:MultiFactorAuthPresent": "true"},
                  "StringLike": {"aws:SourceIp": "203.0.113.*"}}
    ```

    ## Use instead
    ```json
    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                  "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    ```

    ## References
    - [IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    - [AWS global condition context keys (types)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    - Access Analyzer `TYPE_MISMATCH`; parliament `MISMATCHED_TYPE`, `MISMATCHED_TYPE_BUT_USABLE`
    """

    id = "CND007"
    name = "operator-key-type-mismatch"
    summary = "A condition operator of another type than its condition key."
    severity = Severity.WARNING
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for _statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if operator is None or operator.family == "Null":
                continue
            key = lookup_condition_key(catalog, entry.key)
            if key is None:
                continue
            types = (key.type, *key.alternative_types)
            if any(operator.family in _COMPATIBLE.get(t, (t,)) for t in types):
                continue
            wanted = _OPERATOR_FOR.get(key.type, f"a {key.type} operator")
            what = _KEY_TYPES.get(key.type, f"a {key.type}")
            compares = _VALUE_TYPES.get(operator.family, operator.family)
            yield Report(
                entry.key_path,
                f"{entry.key} is {what} key, but {entry.operator} compares {compares}; "
                f"use {wanted}",
                key=True,
            )
