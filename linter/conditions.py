"""Condition semantics: operators and their qualifiers, which entries constrain an ``Allow``,
``Null`` tests, whether an entry matches a request without its key, what a ``Deny`` guard enforces,
and the value forms of dates and IP addresses.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple

from linter.policy import ConditionEntry, Statement
from linter.wildcards import compiled

if TYPE_CHECKING:
    from linter.policy import Policy


def conditions_on_keys(statement: Statement, *prefixes: str) -> tuple[ConditionEntry, ...]:
    """Condition entries whose key equals or starts with one of ``prefixes`` (case-insensitive).

    A prefix ending in ``/`` or ``:`` matches keys below it (``aws:ResourceTag/``).
    """
    wanted = tuple(p.lower() for p in prefixes)
    return tuple(
        entry
        for entry in statement.conditions
        if any(
            entry.key_lower == p or (p.endswith(("/", ":")) and entry.key_lower.startswith(p))
            for p in wanted
        )
    )


# Operators under which a condition really narrows an Allow. Null with "true", negated
# operators and IfExists variants can match requests without the key, so they do not count
# as a constraint on their own.
_NEGATED = ("stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress")


def constrains(entry: ConditionEntry) -> bool:
    """Whether an entry, in an Allow, requires the key to be present with specific values.

    ``IfExists`` and negated operators match requests that lack the key, ``ForAllValues``
    matches an absent multi-valued key, ``Null`` only tests presence, and a bare ``*`` under a
    Like operator matches any value: none of these narrows the grant to known values.
    """
    base = entry.base_operator.lower()
    if entry.if_exists or base in _NEGATED or base == "null":
        return False
    if entry.qualifier and entry.qualifier.lower() == "forallvalues":
        return False
    if entry.has_unknown:
        return True  # a value known only at deployment: assume it narrows, never report it
    values = entry.string_values
    if not values:
        return False
    return not (base.endswith("like") and all(v.strip("*") == "" for v in values))


def requires_presence(entry: ConditionEntry) -> bool:
    """``"Null": {key: "false"}`` (or JSON ``false``): the key must be in the request."""
    return (
        entry.base_operator.lower() == "null"
        and entry.qualifier is None
        and bool(entry.values)
        and all(str(v.value).lower() == "false" for v in entry.values)
    )


# Operator name → (type family, negated). Names and qualifiers are case-sensitive in IAM
# ("MalformedPolicyDocument: Invalid Condition type : stringEquals").
CONDITION_OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("String", False),
    "StringNotEquals": ("String", True),
    "StringEqualsIgnoreCase": ("String", False),
    "StringNotEqualsIgnoreCase": ("String", True),
    "StringLike": ("String", False),
    "StringNotLike": ("String", True),
    "NumericEquals": ("Numeric", False),
    "NumericNotEquals": ("Numeric", True),
    "NumericLessThan": ("Numeric", False),
    "NumericLessThanEquals": ("Numeric", False),
    "NumericGreaterThan": ("Numeric", False),
    "NumericGreaterThanEquals": ("Numeric", False),
    "DateEquals": ("Date", False),
    "DateNotEquals": ("Date", True),
    "DateLessThan": ("Date", False),
    "DateLessThanEquals": ("Date", False),
    "DateGreaterThan": ("Date", False),
    "DateGreaterThanEquals": ("Date", False),
    "Bool": ("Bool", False),
    "BinaryEquals": ("Binary", False),
    "IpAddress": ("IPAddress", False),
    "NotIpAddress": ("IPAddress", True),
    "ArnEquals": ("ARN", False),
    "ArnLike": ("ARN", False),
    "ArnNotEquals": ("ARN", True),
    "ArnNotLike": ("ARN", True),
    "Null": ("Null", False),
}


SET_QUALIFIER_NAMES = ("ForAllValues", "ForAnyValue")


class ConditionOperator(NamedTuple):
    """A valid condition operator, parsed: ``ForAnyValue:StringLikeIfExists`` → qualifier
    ``ForAnyValue``, base ``StringLike``, ``if_exists`` True, family ``String``."""

    qualifier: str | None
    base: str
    if_exists: bool
    family: str  # String | Numeric | Date | Bool | Binary | IPAddress | ARN | Null
    negated: bool

    @property
    def like(self) -> bool:
        return self.base in ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike")


@functools.lru_cache(maxsize=1024)
def parse_condition_operator(text: str) -> ConditionOperator | None:
    """The operator named by ``text`` exactly as IAM accepts it, or None (unknown, wrong letter
    case, an unknown qualifier, or ``NullIfExists``)."""
    qualifier = None
    base = text
    head, separator, tail = text.partition(":")
    if separator:
        if head not in SET_QUALIFIER_NAMES:
            return None
        qualifier, base = head, tail
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    known = CONDITION_OPERATORS.get(base)
    if known is None or (if_exists and base == "Null"):
        return None
    return ConditionOperator(qualifier, base, if_exists, known[0], known[1])


def condition_entries(policy: Policy) -> tuple[tuple[Statement, ConditionEntry], ...]:
    """Every (statement, condition entry) pair of the policy, in document order; cached on the
    policy so that the condition rules share one flat walk instead of visiting every statement."""
    cached = policy.__dict__.get("_condition_entries")
    if cached is None:
        cached = tuple(
            (statement, entry) for statement in policy.statements for entry in statement.conditions
        )
        policy.__dict__["_condition_entries"] = cached
    return cached


def entry_operator(entry: ConditionEntry) -> ConditionOperator | None:
    """``parse_condition_operator`` of a condition entry's operator."""
    return parse_condition_operator(entry.operator)


def null_test(entry: ConditionEntry) -> bool | None:
    """For a ``Null`` entry: True when every value is true ("the key is absent"), False when every
    value is false ("the key is present"), None for anything else."""
    flags = {str(v.value).lower() for v in entry.values}
    if flags == {"true"}:
        return True
    if flags == {"false"}:
        return False
    return None


def matches_when_key_absent(entry: ConditionEntry) -> bool | None:
    """Whether the entry evaluates to true for a request whose context lacks its key (IAM
    condition operators page: absent key ⇒ false, except negated operators, ``...IfExists``,
    ``ForAllValues`` (true on an empty set) and ``Null``). None when unknown."""
    operator = entry_operator(entry)
    if operator is None:
        return None
    if operator.family == "Null":
        return null_test(entry) if operator.qualifier is None else None
    if operator.qualifier == "ForAllValues":
        return True
    if operator.qualifier == "ForAnyValue":
        return False
    return operator.if_exists or operator.negated


# Condition values ---------------------------------------------------------------------------------
_ISO_DATE = (
    r"(?i)(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?:Z|[+-](?P<tzh>\d{2}):?(?P<tzm>\d{2}))?)?)?)?"
)


_EPOCH = r"-?\d+(?:\.\d+)?"


def date_value_form(value: object) -> str | None:
    """``iso`` for a W3C/ISO 8601 date or date-time (``2024``, ``2024-05``, ``2024-05-07``,
    ``2024-05-07T23:47:00Z``, ``…T23:47:00.5+01:00``), ``epoch`` for epoch seconds (a JSON
    number or a string of digits other than a 4-digit year), None for anything else. Calendar
    ranges are checked (no month 13, no 25:00)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return "epoch"
    if not isinstance(value, str):
        return None
    match = compiled(_ISO_DATE).fullmatch(value)
    if match is None:
        return "epoch" if compiled(_EPOCH).fullmatch(value) else None
    import calendar

    year = int(match["year"])
    month = int(match["month"] or 1)
    day = int(match["day"] or 1)
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    limits = (("hour", 23), ("minute", 59), ("second", 60), ("tzh", 14), ("tzm", 59))
    if any(match[name] is not None and int(match[name]) > top for name, top in limits):
        return None
    return "iso"


@functools.lru_cache(maxsize=4096)
def parse_ip_value(text: str):  # -> tuple[IPv4Network | IPv6Network, bool] | None
    """An IP condition value as (network, host_bits_set); a bare address is a /32 or /128.
    None when ``text`` is not an IPv4/IPv6 address or CIDR range."""
    import ipaddress

    if not isinstance(text, str) or not text or text != text.strip():
        return None
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    address = text.split("/", 1)[0]
    try:
        host_bits = ipaddress.ip_address(address) != network.network_address
    except ValueError:
        return None
    return network, host_bits
