"""CND005 invalid-condition-value: a condition value the operator or the key can never match."""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import condition_entries, date_value_form, entry_operator, parse_ip_value
from linter.context import Context
from linter.model import Severity
from linter.placeholders import is_placeholder
from linter.policy import ConditionEntry, Item, Policy
from linter.wildcards import wildcard_matches

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_RESOURCE_ID_KEYS = {
    "aws:sourcevpc": ("vpc", "a VPC ID"),
    "aws:ec2instancesourcevpc": ("vpc", "a VPC ID"),
    "aws:sourcevpce": ("vpce", "a VPC endpoint ID"),
}


class InvalidConditionValue(Check):
    """## What it does
    Reports a condition value that cannot match, for the operator's type or the key's format:

    - `Bool` and `Null`: not `true`/`false` (JSON booleans and strings in any letter case are
      accepted), or several values (`["true", "false"]` matches anything);
    - Numeric operators: not an integer or decimal number;
    - Date operators: not an ISO 8601 date or date-time (`2024`, `2024-05-07`,
      `2024-05-07T23:47:00Z`, with offsets and fractions) and not epoch seconds;
    - `IpAddress`/`NotIpAddress`: not an IPv4 or IPv6 address or CIDR range (IPv6 with `::` is
      fine; wildcards are not);
    - `BinaryEquals`: not base64;
    - Arn operators: not an ARN of six colon-separated fields (patterns with wildcards only need
      to start like one);
    - values of different JSON types under one key (`["1", 2]`);
    - `aws:SourceVpc`/`aws:Ec2InstanceSourceVpc` not `vpc-` and `aws:SourceVpce` not `vpce-`
      followed by 8 or 17 letters or digits (wildcards under `StringLike` are not checked).

    Values holding a policy variable are left to CND015; a variable is allowed with `Bool`.
    Epoch dates and CIDR ranges with host bits are valid and get a note from CND006.

    ## Why is this bad?
    IAM rejects some of these values; the others make the condition compare against something
    the request never holds, so an Allow grants nothing and a Deny never applies (or, under a
    negated operator, always applies).

    ## Example
    ```json
    "Condition": {"Bool": {"aws:SecureTransport": "yes"},
                  "IpAddress": {"aws:SourceIp": "203.0.113.*"},
                  "StringEquals": {"aws:SourceVpce": "vpce-1a2b"}}
    ```

    ## Use instead
    ```json
    "Condition": {"Bool": {"aws:SecureTransport": "true"},
                  "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                  "StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
    ```

    ## References
    - [IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    - [W3C date and time formats](https://www.w3.org/TR/NOTE-datetime)
    - Access Analyzer `TYPE_MISMATCH_BOOLEAN`, `TYPE_MISMATCH_DATE`, `TYPE_MISMATCH_NUMBER`,
      `TYPE_MISMATCH_STRING`, `TYPE_MISMATCH_IP_RANGE`, `INVALID_CONDITION_DATA_TYPE`,
      `INVALID_CONDITION_MULTIPLE_BOOLEAN`, `INVALID_VPC_FORMAT`, `INVALID_VPCE_FORMAT`;
      parliament `MISMATCHED_TYPE`, `MISMATCHED_TYPE_OPERATION_TO_NULL`
    """

    id = "CND005"
    name = "invalid-condition-value"
    summary = "A condition value that the operator or the key can never match."
    severity = Severity.ERROR
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for _statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if operator is None:
                continue
            values = [v for v in entry.values if _is_scalar(v.value)]
            mixed = _mixed_types(entry)
            if mixed:
                yield Report(entry.key_path, mixed)
            if operator.family in ("Bool", "Null") and len(entry.values) > 1:
                yield Report(entry.key_path, _multiple_booleans(entry, operator.base))
            for item in values:
                message = _check(entry, operator.family, operator.base, item)
                if message:
                    yield Report(item.path, message)


def _is_scalar(value: object) -> bool:
    return value is not None and not isinstance(value, (dict, list))


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _multiple_booleans(entry: ConditionEntry, base: str) -> str:
    listed = "[" + ", ".join(_show(v.value) for v in entry.values) + "]"
    flags = {str(v.value).lower() for v in entry.values}
    if {"true", "false"} <= flags:
        meaning = "present or absent" if base == "Null" else "true or false"
        return (
            f"{base} takes one value: {listed} matches whether {entry.key} is {meaning}; "
            "keep the one you mean"
        )
    return f"{base} takes one value, not the list {listed}; keep one"


def _mixed_types(entry: ConditionEntry) -> str | None:
    if not isinstance(entry.raw_value, list):
        return None
    kinds = sorted({_KIND[type(v)] for v in entry.raw_value if type(v) in _KIND})
    if len(kinds) < 2:
        return None
    return f"the values of {entry.key} mix JSON {' and '.join(kinds)}; write them all as strings"


_KIND = {str: "strings", int: "numbers", float: "numbers", bool: "booleans"}


def _check(entry: ConditionEntry, family: str, base: str, item: Item) -> str | None:
    value = item.value
    if isinstance(value, str) and ("${" in value or is_placeholder(value)):
        return None  # policy variables: CND015; template placeholders: POL007
    shown = _show(value)
    if family in ("Bool", "Null"):
        if isinstance(value, bool) or (isinstance(value, str) and value.lower() in _BOOLEANS):
            return None
        if family == "Null":
            return (
                f'{shown} is not valid for Null: use "true" (the key is absent) or "false" '
                "(the key is present)"
            )
        return f'{shown} is not a Boolean: Bool compares with "true" or "false"'
    if family == "Numeric":
        if isinstance(value, bool) or not (
            isinstance(value, (int, float)) or _NUMBER.fullmatch(str(value))
        ):
            return f'{shown} is not a number: {base} compares numbers, e.g. "10"'
        return None
    if family == "Date":
        if date_value_form(value) is None:
            return (
                f"{shown} is not a date: {base} needs ISO 8601, e.g. "
                '"2024-05-07T23:47:00Z", or epoch seconds'
            )
        return None
    if family == "IPAddress":
        if not isinstance(value, str) or parse_ip_value(value) is None:
            return (
                f'{shown} is not an IP address or CIDR range: write e.g. "203.0.113.0/24" or '
                '"2001:DB8:1234:5678::/64" (wildcards do not work)'
            )
        return None
    if family == "Binary":
        if not isinstance(value, str) or not value or not _BASE64.fullmatch(value):
            return f"{shown} is not base64: BinaryEquals compares base64-encoded bytes"
        return None
    if family == "ARN":
        if isinstance(value, str) and (value.strip("*") == "" or _looks_like_arn(value)):
            return None
        return (
            f"{shown} is not an ARN: {base} compares the six colon-separated fields of an ARN, "
            'so it never matches; write e.g. "arn:aws:iam::111122223333:role/name"'
        )
    if family == "String":
        return _check_resource_id(entry, base, value)
    return None


_BOOLEANS = ("true", "false")


def _looks_like_arn(value: str) -> bool:
    """An ARN of six fields, or a pattern that may stand for one: how IAM splits a wildcard
    pattern with fewer fields (``arn:aws:s3:*``) is not documented, so those are accepted."""
    head = value.split(":", 1)[0]
    if "*" in value or "?" in value:
        return wildcard_matches(head, "arn") or head.startswith("arn")
    return value.count(":") >= 5 and head == "arn"


def _check_resource_id(entry: ConditionEntry, base: str, value: object) -> str | None:
    expected = _RESOURCE_ID_KEYS.get(entry.key_lower)
    if expected is None or not isinstance(value, str):
        return None
    if base in ("StringLike", "StringNotLike") and ("*" in value or "?" in value):
        return None
    prefix, what = expected
    if re.fullmatch(rf"{prefix}-([0-9a-zA-Z]{{8}}|[0-9a-zA-Z]{{17}})", value):
        return None
    return (
        f'"{value}" is not {what} ({prefix}- followed by 8 or 17 letters or digits), so '
        f"{entry.key} never equals it"
    )
