"""ARNs: parsing and fields, partitions and Regions, ARN syntax problems, which resource types an
ARN's service namespace has (the namespace index), whether Region and account fit those types, and
KMS key references. Data: ``linter/data/arn_partitions.json``, ``linter/data/catalog_gaps.json``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from linter.data_files import data_file
from linter.wildcards import compiled, wildcard_matches
from linter.wording import summarize_names

if TYPE_CHECKING:
    from linter.catalog import Catalog, ResourceType


class Arn(NamedTuple):
    """The six colon-separated parts of an ARN; ``resource`` keeps any further colons."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """Split ``arn:partition:service:region:account:resource``; None if it has too few fields."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


ACCOUNT_ID = re.compile(r"^\d{12}$")


def is_iam_pattern(text: str) -> bool:
    """Whether ``text`` holds an IAM wildcard (``*``, ``?``) or a policy variable (``${...}``)."""
    return "*" in text or "?" in text or "${" in text


@functools.lru_cache(maxsize=65536)
def split_arn_fields(text: str) -> tuple[str, ...]:
    """Split an ARN at its first five colons, ignoring colons inside ``${...}`` policy variables
    (``${aws:username}``); a value with fewer fields gives fewer parts."""
    if "${" not in text:  # no variable: the plain split (a character loop below otherwise)
        return tuple(text.split(":", 5))
    fields: list[str] = []
    start = 0
    position = 0
    while position < len(text) and len(fields) < 5:
        if text.startswith("${", position):
            end = text.find("}", position)
            if end != -1:
                position = end + 1
                continue
        if text[position] == ":":
            fields.append(text[start:position])
            start = position + 1
        position += 1
    fields.append(text[start:])
    return tuple(fields)


@functools.cache
def arn_partition_data() -> dict:
    """``linter/data/arn_partitions.json``: partitions and the Region names of each."""
    return data_file("arn_partitions.json")


@functools.cache
def _partition_region_patterns() -> dict[str, re.Pattern[str]]:
    return {
        entry["name"]: re.compile(entry["region_regex"])
        for entry in arn_partition_data()["partitions"]
    }


@functools.cache
def arn_partitions() -> tuple[str, ...]:
    """The AWS partitions, ``aws`` first (without compiling their Region patterns)."""
    return tuple(entry["name"] for entry in arn_partition_data()["partitions"])


_REGION_NAME = r"^[a-z]{2,4}(-[a-z0-9]+)+-\d+$"
_ARN_SERVICE = r"^[a-z0-9*?.-]+$"
_VARIABLE = r"\$\{[^}]*\}"


def _could_be(pattern: str, *texts: str) -> bool:
    """Whether an ARN field written with wildcards or variables could equal one of ``texts``."""
    if "${" in pattern:
        return True
    return any(wildcard_matches(pattern, text) for text in texts)


@functools.lru_cache(maxsize=8192)
def arn_syntax_problem(text: str) -> str | None:
    """Why a Resource/NotResource value is not a well-formed ARN (a message fragment that follows
    the value, e.g. ``has 5 of the 6 …``), or None. ``*`` is fine, and so are wildcards and policy
    variables in any field, as long as the field could still hold a valid value. Account ids and
    which fields a service's ARNs have are decided with the catalog (RES002), not here."""
    if text == "*":
        return None
    fields = split_arn_fields(text)
    head = fields[0]
    if head != "arn" and not (is_iam_pattern(head) and _could_be(head, "arn")):
        if len(fields) > 1 and head.lower() == "arn":
            return f'starts with "{head}:": ARNs start with lower-case "arn:"'
        return 'is not an ARN: write "arn:partition:service:region:account:resource", or "*"'
    if len(fields) < 6:
        return (
            f"has {len(fields)} of the 6 colon-separated ARN fields "
            "(arn:partition:service:region:account:resource): add the missing ones, "
            'empty ("::") where the service has no Region or account'
        )
    partition, service, region = fields[1], fields[2], fields[3]
    partitions = arn_partitions()
    if not partition:
        return f"has an empty partition: use {summarize_names(partitions, 3)}"
    if is_iam_pattern(partition):
        if not _could_be(partition, *partitions):
            return f'has a partition "{partition}" that matches no AWS partition'
    elif partition not in partitions:
        if partition.lower() in partitions:
            lower = partition.lower()
            return f'has the partition "{partition}": partitions are lower case, use "{lower}"'
        return (
            f'has the partition "{partition}", which is not an AWS partition '
            f"({summarize_names(partitions, 8)})"
        )
    if not service:
        return 'has an empty service field: write the service namespace, such as "s3"'
    bare_service = compiled(_VARIABLE).sub("", service)
    if bare_service != bare_service.lower():
        lower = service.lower()
        return f'has the service "{service}": ARN service names are lower case, use "{lower}"'
    if not compiled(_ARN_SERVICE).match(bare_service or "x"):
        return f'has "{service}" as its service, which is not a service namespace such as "s3"'
    if region and not is_iam_pattern(region):
        return _region_problem(partition, region)
    return None


def _region_problem(partition: str, region: str) -> str | None:
    if not compiled(_REGION_NAME).match(region):
        return f'has "{region}" as its Region, which is not a Region name such as "us-east-1"'
    patterns = _partition_region_patterns()
    own = patterns.get(partition)
    if own is None:  # a partition pattern such as "aws*"
        return None
    if partition == "aws":
        # The commercial partition gains new Region prefixes; only a Region of another partition
        # is certainly wrong.
        for other, pattern in patterns.items():
            if other != "aws" and pattern.match(region):
                return f'has the Region "{region}" of the {other} partition in an "aws" ARN'
        return None
    if own.match(region):
        return None
    return f'has the Region "{region}", which is not a Region of the {partition} partition'


def is_universal_resource(text: str) -> bool:
    """``*``, or an ARN whose service, Region, account and resource fields are all ``*``."""
    if text == "*":
        return True
    fields = split_arn_fields(text)
    return len(fields) == 6 and all(field and field.strip("*") == "" for field in fields[2:])


@functools.lru_cache(maxsize=4)
def arn_namespace_index(catalog: Catalog) -> dict[str, tuple[ResourceType, ...]]:
    """Every resource type of the catalog by the (lower-case) service field of its ARN format,
    e.g. ``s3-object-lambda`` → the types listed under the ``s3`` prefix with that namespace.
    Formats whose service field is a variable (``${Vendor}``) are left out. Loads every service
    file once (about 0.1 s); call it only for ARNs whose namespace is not a service prefix."""
    index: dict[str, list[ResourceType]] = {}
    for service in catalog.services():
        for resource_type in service.resource_types():
            namespaces = {
                fields[2].lower()
                for fields in map(split_arn_fields, resource_type.arn_formats)
                if len(fields) == 6 and "${" not in fields[2]
            }
            for namespace in namespaces:
                index.setdefault(namespace, []).append(resource_type)
    return {namespace: tuple(types) for namespace, types in index.items()}


def resource_types_for_arn_service(catalog: Catalog, namespace: str) -> tuple[ResourceType, ...]:
    """The resource types whose ARN format has ``namespace`` as its service field."""
    namespace = namespace.lower()
    service = catalog.service(namespace)
    if service is not None:
        own = tuple(
            resource_type
            for resource_type in service.resource_types()
            if any(
                len(fields) == 6 and fields[2].lower() == namespace
                for fields in map(split_arn_fields, resource_type.arn_formats)
            )
        )
        if own:
            return own
    return arn_namespace_index(catalog).get(namespace, ())


_KMS_KEY_ID = (
    r"(?i)^(key/)?(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def kms_key_reference(text: str) -> str | None:
    """``key id``, ``alias name`` or ``alias ARN`` when ``text`` names a KMS key by something else
    than its key ARN (which identity policies do not accept), else None."""
    if compiled(_KMS_KEY_ID).match(text):
        return "key id"
    if text.startswith("alias/"):
        return "alias name"
    fields = split_arn_fields(text)
    is_kms_arn = len(fields) == 6 and fields[0] == "arn" and fields[2] == "kms"
    if is_kms_arn and fields[5].startswith("alias/"):
        return "alias ARN"
    return None


def is_aws_owned_accountless(service: str, resource: str) -> bool:
    """Whether an ARN of ``service`` with resource part ``resource`` may name an AWS-owned
    resource whose ARN has no account (SSM public documents and parameters), although the
    catalog's format has one; a wildcard that could reach such a name counts."""
    lowered = resource.lower()
    literal = arn_literal_prefix(lowered)
    return any(
        entry["service"] == service.lower()
        and (
            lowered.startswith(entry["resource_prefix"].lower())
            or (literal != lowered and entry["resource_prefix"].lower().startswith(literal))
        )
        for entry in data_file("catalog_gaps.json")["aws_owned_accountless"]
    )


@functools.lru_cache(maxsize=8192)
def arn_field_problem(catalog: Catalog, value: str) -> str | None:
    """What is wrong with the Region and account fields of the ARN ``value`` for the resource
    types it could name (a message fragment that follows the value), or None. Used by RES002;
    RES003 skips what this reports."""
    if value == "*" or arn_syntax_problem(value) is not None:
        return None
    fields = split_arn_fields(value)
    service, region, account, resource = fields[2], fields[3], fields[4], fields[5]
    if is_iam_pattern(service):
        return None
    if _fields_fit_namespace(catalog, service.lower(), region, account):
        return None
    from linter.catalog_arns import arn_patterns_overlap

    probe = f"arn:*:{service}:*:*:{resource}"
    prefix = arn_literal_prefix(resource).lower()
    compatible = [
        (resource_type.name, arn_format, split_arn_fields(arn_format))
        for resource_type in resource_types_for_arn_service(catalog, service)
        for arn_format in resource_type.arn_formats
        if resource_prefixes_compatible(prefix, arn_format)
    ]
    compatible = [c for c in compatible if len(c[2]) == 6 and c[2][2].lower() == service.lower()]
    # The same quick accept over the formats whose resource part can start like this ARN's:
    # the candidates are among them, so fields that fit them all fit every candidate.
    if _fields_fit(_field_usage(c[2] for c in compatible), region, account):
        return None
    candidates = [c for c in compatible if arn_patterns_overlap(probe, c[1])]
    if not candidates:
        return None
    kinds = f"{service} {summarize_names(sorted({name for name, _, _ in candidates}), 3)} ARNs"
    example = candidates[0][1]
    missing: list[str] = []  # fields every candidate format has but the ARN leaves empty
    extra: list[str] = []  # fields the ARN sets but no candidate format has
    region_fields = [f[3] for _, _, f in candidates]
    if not region and all(region_fields):
        missing.append("Region")
    elif not _can_be_empty(region) and not any(region_fields):
        extra.append(f'Region "{region}"')
    account_fields = [f[4] for _, _, f in candidates]
    invalid_account = False
    if not account and all(account_fields):
        if not is_aws_owned_accountless(service, resource):
            missing.append("account")
    elif not _can_be_empty(account) and not any(account_fields):
        extra.append(f'account "{account}"')
    elif account and not _valid_account(account, account_fields):
        invalid_account = True
    problems = []
    if extra:
        them = "them" if len(extra) > 1 else "it"
        problems.append(
            f"has the {' and the '.join(extra)}, but {kinds} have "
            f"{'neither' if len(extra) > 1 else 'none'} ({example}): leave {them} empty"
        )
    if missing:
        what = " or ".join(missing)
        add = " and ".join(
            "the 12-digit account id" if m == "account" else "the Region" for m in missing
        )
        problems.append(
            f"has no {what}, but {kinds} need {'both' if len(missing) > 1 else 'one'}"
            + ("" if extra else f" ({example})")
            + f": add {add}, or * for any"
        )
    if invalid_account:
        problems.append(
            f'has the account "{account}", which is not a 12-digit account id: write the id '
            'without hyphens or spaces, or "*"'
        )
    return "; ".join(problems) or None


def _fields_fit_namespace(catalog: Catalog, namespace: str, region: str, account: str) -> bool:
    """A quick accept: whatever resource type the ARN names, its Region and account fit, because
    every format of the namespace agrees (``arn:aws:iam::…``) or the fields are wildcards."""
    return _fields_fit(_namespace_field_usage(catalog, namespace), region, account)


def _fields_fit(usage: tuple[bool, bool, bool, bool], region: str, account: str) -> bool:
    """Whether an ARN's Region and account fit every format whose field usage is ``usage``."""
    region_empty, region_set, account_empty, account_set = usage
    region_ok = (_can_be_empty(region) or not region_empty) if region else not region_set
    if not account:
        account_ok = not account_set
    elif _can_be_empty(account):
        account_ok = True
    else:
        account_ok = not account_empty and (bool(ACCOUNT_ID.match(account)) or account == "aws")
    return region_ok and account_ok


@functools.lru_cache(maxsize=1024)
def _namespace_field_usage(catalog: Catalog, namespace: str) -> tuple[bool, bool, bool, bool]:
    """Whether some ARN format of the namespace has an empty / a set Region, and an empty / a set
    account."""
    return _field_usage(
        split_arn_fields(arn_format)
        for resource_type in resource_types_for_arn_service(catalog, namespace)
        for arn_format in resource_type.arn_formats
    )


def _field_usage(format_fields: Iterable[list[str]]) -> tuple[bool, bool, bool, bool]:
    usage = [False, False, False, False]
    for fields in format_fields:
        if len(fields) != 6:
            continue
        usage[0 if not fields[3] else 1] = True
        usage[2 if not fields[4] else 3] = True
    return usage[0], usage[1], usage[2], usage[3]


def arn_literal_prefix(text: str) -> str:
    """The text before the first wildcard or policy variable (``bucket/${aws:username}/*`` →
    ``bucket/``)."""
    end = len(text)
    for marker in ("*", "?", "${"):
        position = text.find(marker)
        if position != -1:
            end = min(end, position)
    return text[:end]


@functools.lru_cache(maxsize=16384)
def _format_resource_prefix(arn_format: str) -> str:
    fields = split_arn_fields(arn_format)
    return arn_literal_prefix(fields[5]).lower() if len(fields) == 6 else ""


def resource_prefixes_compatible(policy_prefix: str, arn_format: str) -> bool:
    """A quick, sound reject: the literal starts of a policy ARN's resource part (lower case)
    and of an ARN format's resource part must agree as far as both go."""
    format_prefix = _format_resource_prefix(arn_format)
    return policy_prefix.startswith(format_prefix) or format_prefix.startswith(policy_prefix)


def _can_be_empty(field: str) -> bool:
    """Whether an ARN field as written can be the empty string (``""``, ``*``, a variable)."""
    return "${" in field or field.strip("*") == ""


_ACCOUNT_PATTERN = r"^[0-9*?]+$"


def _valid_account(account: str, format_accounts: list[str]) -> bool:
    if "${" in account:
        return True
    literals = [a for a in format_accounts if a and "${" not in a]
    if not is_iam_pattern(account):
        return bool(ACCOUNT_ID.match(account)) or account == "aws" or account in literals
    if compiled(_ACCOUNT_PATTERN).match(account) and len(account.replace("*", "")) <= 12:
        return True
    return any(wildcard_matches(account, text) for text in ("aws", *literals))
