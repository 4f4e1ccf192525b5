"""CND006 imprecise-condition-value: an epoch date or a CIDR range with host bits set."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.condition_keys import lookup_condition_key
from linter.conditions import condition_entries, date_value_form, entry_operator, parse_ip_value
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy


class ImpreciseConditionValue(Check):
    """## What it does
    Notes two valid condition values that are easy to misread:

    - a Date operator compared with epoch seconds (`"1700000000"` or a JSON number), except on
      keys that hold epoch time themselves (`aws:EpochTime`); the note gives the ISO 8601 form;
    - an IP range whose address has bits set after the prefix (`203.0.113.5/24`): IAM ignores
      them, and the note gives the range IAM uses (`203.0.113.0/24`). IPv6 too.

    ## Why is this bad?
    Neither is wrong, but both hide what the condition really compares: `1700000000` is hard to
    check by eye (Access Analyzer: "might not resolve as expected"), and `203.0.113.5/24` reads
    like one address while it matches 256.

    ## Example
    ```json
    "Condition": {"DateLessThan": {"aws:TokenIssueTime": "1700000000"},
                  "IpAddress": {"aws:SourceIp": "203.0.113.5/24"}}
    ```

    ## Use instead
    ```json
    "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2023-11-14T22:13:20Z"},
                  "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    ```

    ## References
    - [IAM condition operators: Date, IP address](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    - Access Analyzer `INVALID_DATE_VALUE`, `IMPROVE_IP_RANGE`; parliament `MISMATCHED_TYPE`
      (which wrongly rejects epoch dates)
    """

    id = "CND006"
    name = "imprecise-condition-value"
    summary = "An epoch date or a CIDR range with host bits set."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for _statement, entry in condition_entries(policy):
            operator = entry_operator(entry)
            if operator is None or operator.family not in ("Date", "IPAddress"):
                continue
            if operator.family == "Date":
                key = lookup_condition_key(catalog, entry.key)
                if key is not None and "Numeric" in (key.type, *key.alternative_types):
                    continue
            for item in entry.values:
                value = item.value
                if operator.family == "Date":
                    if date_value_form(value) == "epoch":
                        yield Report(
                            item.path,
                            f"{value} is epoch time; write it as ISO 8601 "
                            f'("{_iso(value)}") so readers see the date',
                        )
                elif isinstance(value, str):
                    parsed = parse_ip_value(value)
                    if parsed is not None and parsed[1]:
                        yield Report(
                            item.path,
                            f"{value} has bits set after the /{parsed[0].prefixlen} prefix; "
                            f'IAM ignores them and matches "{parsed[0]}": write that',
                        )


def _iso(value: object) -> str:
    import datetime

    try:
        seconds = float(value)  # type: ignore[arg-type]
        moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return "YYYY-MM-DDThh:mm:ssZ"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
