"""Shared analysis helpers for rules: action expansion through the catalog, ARNs, conditions.

Rules call these instead of re-implementing them, so every rule expands ``s3:Get*``, ``*`` and
``NotAction`` the same way and agrees on what "a constraining condition" is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from linter.policy import ConditionEntry, Item, Statement, action_pattern_matches
from linter.wildcards import compiled, glob_matcher, glob_regex

if TYPE_CHECKING:
    from linter.catalog import Action, Catalog, ResourceType, Service
    from linter.model import JsonPath
    from linter.policy import Policy


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


class ActionMatch(NamedTuple):
    """One Action entry and the catalog actions it names (empty: unknown or matches nothing)."""

    item: Item
    actions: tuple[Action, ...]


def expand_action_items(statement: Statement, catalog: Catalog) -> tuple[ActionMatch, ...]:
    """Each ``Action`` entry with the catalog actions it matches (NotAction statements: empty)."""
    return tuple(ActionMatch(item, catalog.match_actions(item.value)) for item in statement.actions)


def granted_actions(statement: Statement, catalog: Catalog) -> tuple[Action, ...]:
    """Every catalog action the statement's Action/NotAction applies to, in catalog order.

    For ``NotAction`` this is every catalog action not matched by any entry. The result is
    cached on the statement, so several rules can ask without repeating the expansion.
    """
    cached = statement.__dict__.get("_granted_actions")
    if cached is not None and cached[0] is catalog:
        return cached[1]
    if statement.action_element == "Action":
        seen: dict[str, Action] = {}
        for item in statement.actions:
            for action in catalog.match_actions(item.value):
                seen.setdefault(action.full_name.lower(), action)
        result = tuple(seen.values())
    elif statement.action_element == "NotAction":
        patterns = [i.value for i in statement.not_actions]
        result = tuple(
            action
            for action in catalog.match_actions("*")
            if not any(action_pattern_matches(p, action.full_name) for p in patterns)
        )
    else:
        result = ()
    statement.__dict__["_granted_actions"] = (catalog, result)
    return result


def grants_any(statement: Statement, action_names: Iterable[str]) -> tuple[str, ...]:
    """Which of ``action_names`` (exact names like ``cloudtrail:StopLogging``) the statement's
    Action/NotAction covers, through wildcards and NotAction. No catalog needed."""
    return tuple(name for name in action_names if statement.covers_action(name))


def resource_is_unrestricted(statement: Statement) -> bool:
    """True when the statement applies to every resource: ``Resource: "*"`` or any NotResource."""
    if statement.resource_element == "NotResource":
        return True
    return any(item.value == "*" for item in statement.resources)


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
    values = entry.string_values
    if not values:
        return False
    return not (base.endswith("like") and all(v.strip("*") == "" for v in values))


def wildcard_matches(pattern: str, text: str, *, case_sensitive: bool = True) -> bool:
    """IAM ``*``/``?`` matching of a whole string (ARNs and condition values)."""
    if not case_sensitive:
        pattern, text = pattern.lower(), text.lower()
    return glob_matcher(pattern)(text)


# -------------------------------------------------------------------------------------------------
# Reporting a grant, Deny guards, account roots (added with the KMS and TRN rules; usable by all)
# -------------------------------------------------------------------------------------------------


def summarize_names(names: Sequence[str], limit: int = 5) -> str:
    """``a``, ``a and b``, ``a, b and c``; more than ``limit`` names end in ``and N more``."""
    names = list(names)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def grant_anchor(statement: Statement, action_names: Iterable[str]) -> tuple[JsonPath, bool]:
    """Where to report, once per statement, that it grants ``action_names``: the first Action value
    that covers one of them (the message names them all), else the ``NotAction`` key. Returns
    ``(path, key)`` for ``Report``."""
    names = tuple(action_names)
    if statement.action_element == "Action":
        for item in statement.actions:
            if any(action_pattern_matches(item.value, name) for name in names):
                return item.path, False
    if statement.action_element:
        return (*statement.path, statement.action_element), True
    return statement.anchor()


def is_account_root(principal_value: str) -> bool:
    """``111122223333`` or ``arn:<partition>:iam::111122223333:root``: the whole account, which in a
    key policy delegates access to the account's IAM policies."""
    if ACCOUNT_ID.match(principal_value):
        return True
    arn = parse_arn(principal_value)
    return (
        arn is not None
        and arn.service == "iam"
        and arn.region == ""
        and ACCOUNT_ID.match(arn.account) is not None
        and arn.resource == "root"
    )


def requires_presence(entry: ConditionEntry) -> bool:
    """``"Null": {key: "false"}`` (or JSON ``false``): the key must be in the request."""
    return (
        entry.base_operator.lower() == "null"
        and entry.qualifier is None
        and bool(entry.values)
        and all(str(v.value).lower() == "false" for v in entry.values)
    )


_DENY_NEGATED_PREFIXES = ("stringnot", "arnnot")


def fires_when_absent_or_other(entry: ConditionEntry) -> bool:
    """Whether an entry, in a Deny, makes the Deny apply when the key is missing or has a value
    other than the listed ones: ``Null`` ``true`` or a negated String/ARN operator (plain or
    ``IfExists``). Such a Deny enforces the key for the actions it covers."""
    base = entry.base_operator.lower()
    if base == "null":
        return bool(entry.values) and all(str(v.value).lower() == "true" for v in entry.values)
    negated = base.startswith(_DENY_NEGATED_PREFIXES)
    return entry.qualifier is None and negated and bool(entry.values)


def deny_enforces_key(policy: Policy, action_name: str, *key_prefixes: str) -> bool:
    """Whether a Deny statement of ``policy`` covers ``action_name`` and denies it when one of the
    condition keys ``key_prefixes`` (as in ``conditions_on_keys``) is missing or has another value,
    so the policy as a whole enforces that key for the action."""
    guards = policy.__dict__.get("_deny_statements_with_conditions")
    if guards is None:
        guards = tuple(s for s in policy.statements if s.is_deny and s.conditions)
        policy.__dict__["_deny_statements_with_conditions"] = guards
    return any(
        statement.covers_action(action_name)
        and any(fires_when_absent_or_other(e) for e in conditions_on_keys(statement, *key_prefixes))
        for statement in guards
    )


# -------------------------------------------------------------------------------------------------
# Amazon Transcribe and AWS KMS facts (linter/data/transcribe.json; KMS actions from the catalog)
# -------------------------------------------------------------------------------------------------


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
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "transcribe.json")
    with open(path, encoding="utf-8") as stream:
        data = json.load(stream)
    limits = data["encryption_context_limits"]
    return TranscribeFacts(
        service_principals=frozenset(e["principal"].lower() for e in data["service_principals"]),
        encryption_context_actions=tuple(e["action"] for e in data["encryption_context_actions"]),
        output_encryption_actions=tuple(e["action"] for e in data["output_encryption_actions"]),
        context_min_length=limits["min_length"],
        context_max_length=limits["max_length"],
        context_pattern=re.compile(limits["pattern"]),
    )


KMS_CONTEXT_KEY_PREFIX = "kms:encryptioncontext:"
KMS_CONTEXT_KEYS_KEY = "kms:encryptioncontextkeys"


def kms_context_key_name(condition_key: str) -> str | None:
    """The encryption-context key of ``kms:EncryptionContext:<key>``, else None. Split after the
    first two colons only: ``aws:us-east-1:transcribe:medical-scribe:session-id`` keeps its own."""
    if condition_key.lower().startswith(KMS_CONTEXT_KEY_PREFIX):
        return condition_key[len(KMS_CONTEXT_KEY_PREFIX) :]
    return None


@functools.lru_cache(maxsize=4)
def kms_context_actions(catalog: Catalog) -> tuple[str, ...]:
    """The KMS actions that use a key cryptographically with an encryption context, from the
    catalog: every ``kms:`` action that takes ``kms:EncryptionContextKeys`` except RetireGrant
    (retiring a grant uses no data; KMS-DG does not list it). Encrypt, Decrypt, GenerateDataKey*,
    ReEncryptFrom/To and CreateGrant in the 2025 data."""
    service = catalog.service("kms")
    if service is None:
        return ()
    return tuple(
        action.full_name
        for action in service.actions()
        if KMS_CONTEXT_KEYS_KEY in action.condition_keys and action.name.lower() != "retiregrant"
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


# -------------------------------------------------------------------------------------------------
# Principals (PRI rules): what form a Principal value has. Data: linter/data/principals.json.


class PrincipalForm(NamedTuple):
    """What one principal value names.

    ``category`` is one of: ``any`` (``*``), ``account`` (12-digit id), ``root``, ``user``,
    ``role``, ``assumed-role``, ``federated-user``, ``user-id`` / ``role-id`` (IAM unique ids),
    ``service``, ``saml-provider``, ``oidc-provider``, ``web-identity`` (a domain name),
    ``canonical-user``, ``variable`` (a ``${...}``, which IAM does not substitute in a principal),
    ``wildcard`` (a ``*``/``?`` inside the value) or ``invalid`` (then
    ``problem`` says why, as a message fragment). ``name`` is the role or user name without its
    path, the session or provider name, or the domain.
    """

    category: str
    partition: str = ""
    account: str = ""
    name: str = ""
    problem: str = ""


_UNIQUE_ID = r"^(A[A-Z]{3})[A-Z0-9]{12,}$"
_UNIQUE_ID_KINDS = {
    "AIDA": "user-id",
    "AROA": "role-id",
    "AGPA": "an IAM group id",
    "AIPA": "an instance profile id",
    "ANPA": "a managed policy id",
    "ANVA": "a managed policy version id",
    "AKIA": "an access key id",
    "ASIA": "a temporary access key id",
    "APKA": "a public key id",
    "ASCA": "a certificate id",
}
_CANONICAL_USER = r"^[0-9a-f]{64}$"
# arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity <id> (Amazon CloudFront
# Developer Guide, "Restricting access to an Amazon S3 origin", legacy OAI bucket policies).
_CLOUDFRONT_OAI = "user/CloudFront Origin Access Identity "
_DOMAIN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"


@functools.cache
def principal_data() -> dict:
    """``linter/data/principals.json`` (partitions, service suffixes, web identity providers)."""
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "principals.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _partitions() -> frozenset[str]:
    return frozenset(entry["name"] for entry in principal_data()["partitions"])


@functools.cache
def _service_suffixes() -> tuple[str, ...]:
    return tuple(entry["suffix"] for entry in principal_data()["service_principal_suffixes"])


@functools.cache
def web_identity_providers() -> frozenset[str]:
    """The domain names IAM accepts as a built-in web identity ``Federated`` principal."""
    return frozenset(entry["name"] for entry in principal_data()["web_identity_providers"])


def has_wildcard(text: str) -> bool:
    """Whether ``text`` contains an IAM wildcard (``*`` or ``?``)."""
    return "*" in text or "?" in text


@functools.lru_cache(maxsize=8192)
def classify_principal(kind: str, value: str) -> PrincipalForm:
    """Classify one principal value given under ``kind`` (AWS, Service, Federated, CanonicalUser).

    Checks only the value's own grammar; which kinds a policy type accepts is the rules' business.
    """
    if kind == "*" or (kind == "AWS" and value == "*"):
        return PrincipalForm("any")
    if "${" in value:
        return PrincipalForm("variable")  # not substituted in Principal: CND016 reports it
    if has_wildcard(value):
        return PrincipalForm("wildcard")
    if kind == "AWS":
        return _classify_aws(value)
    if kind == "Service":
        return _classify_service(value)
    if kind == "Federated":
        return _classify_federated(value)
    if kind == "CanonicalUser":
        if compiled(_CANONICAL_USER).match(value):
            return PrincipalForm("canonical-user", name=value)
        return PrincipalForm("invalid", problem="a canonical user id is 64 lower-case hex digits")
    return PrincipalForm("invalid", problem=f'"{kind}" is not a principal type')


def principal_forms(statement: Statement, element: str = "Principal") -> tuple:
    """Each value of the statement's ``Principal`` (or ``NotPrincipal``) with its form.

    Returns ``(Principal, PrincipalForm)`` pairs. Values under unknown principal types (GRM008
    reports those) are left out. Classified once per statement, so the PRI rules share the work.
    """
    from linter.policy import PRINCIPAL_KINDS

    cache = statement.__dict__.setdefault("_principal_forms", {})
    found = cache.get(element)
    if found is None:
        principals = statement.principals if element == "Principal" else statement.not_principals
        found = tuple(
            (principal, classify_principal(principal.kind, principal.value))
            for principal in principals
            if principal.kind == "*" or principal.kind in PRINCIPAL_KINDS
        )
        cache[element] = found
    return found


def all_principal_forms(statement: Statement) -> tuple:
    """``principal_forms`` of ``Principal`` and of ``NotPrincipal`` together."""
    return principal_forms(statement) + principal_forms(statement, "NotPrincipal")


def _classify_aws(value: str) -> PrincipalForm:
    if ACCOUNT_ID.match(value):
        return PrincipalForm("account", account=value)
    unique = compiled(_UNIQUE_ID).match(value)
    if unique and unique.group(1) in _UNIQUE_ID_KINDS:
        kind = _UNIQUE_ID_KINDS[unique.group(1)]
        if kind in ("user-id", "role-id"):
            return PrincipalForm(kind, name=value)
        return PrincipalForm("invalid", problem=f"{kind} is not a principal")
    arn = parse_arn(value)
    if arn is None:
        if value.startswith("arn:"):
            return PrincipalForm("invalid", problem="the ARN has too few colon-separated fields")
        if value.isdigit():
            return PrincipalForm("invalid", problem="an account id has exactly 12 digits")
        return PrincipalForm(
            "invalid",
            problem="an AWS principal is a 12-digit account id or the ARN of an account root, "
            "IAM user, IAM role, assumed-role session or federated user",
        )
    if arn.account == "cloudfront" and arn.resource.startswith(_CLOUDFRONT_OAI):
        # The legacy CloudFront origin access identity principal of S3 bucket policies.
        return PrincipalForm("user", arn.partition, arn.account, arn.resource[len("user/") :])
    problem = _arn_header_problem(arn)
    if problem:
        return PrincipalForm("invalid", arn.partition, arn.account, problem=problem)
    resource_type, _, rest = arn.resource.partition("/")
    if arn.service == "iam":
        if arn.resource == "root":
            return PrincipalForm("root", arn.partition, arn.account)
        if resource_type in ("user", "role") and rest and not rest.endswith("/"):
            return PrincipalForm(resource_type, arn.partition, arn.account, rest.rsplit("/", 1)[-1])
        if resource_type in ("saml-provider", "oidc-provider"):
            return PrincipalForm(
                "invalid",
                arn.partition,
                arn.account,
                problem=f"an identity provider ({resource_type}) is a Federated principal: "
                'move it under "Federated"',
            )
        if resource_type == "group":
            return PrincipalForm(
                "invalid",
                arn.partition,
                arn.account,
                problem="an IAM group cannot be a principal; name its users or roles instead",
            )
    elif arn.service == "sts":
        parts = rest.split("/")
        if resource_type == "assumed-role" and len(parts) == 2 and all(parts):
            return PrincipalForm("assumed-role", arn.partition, arn.account, parts[0])
        if resource_type == "federated-user" and rest and "/" not in rest:
            return PrincipalForm("federated-user", arn.partition, arn.account, rest)
    else:
        return PrincipalForm(
            "invalid",
            arn.partition,
            arn.account,
            problem=f'an ARN of the "{arn.service}" service is not a principal; name an account, '
            "IAM user or role",
        )
    return PrincipalForm(
        "invalid",
        arn.partition,
        arn.account,
        problem=f'"{arn.resource}" is not an {arn.service.upper()} principal (expected '
        + (
            "root, user/<name> or role/<name>)"
            if arn.service == "iam"
            else "assumed-role/<role>/<session> or federated-user/<name>)"
        ),
    )


def _arn_header_problem(arn: Arn) -> str:
    if arn.partition not in _partitions():
        return f'"{arn.partition}" is not an AWS partition (aws, aws-cn, aws-us-gov, …)'
    if arn.service not in ("iam", "sts"):
        return ""
    if arn.region:
        return f"{arn.service.upper()} principal ARNs have no Region; remove it"
    if not ACCOUNT_ID.match(arn.account):
        return f'"{arn.account}" is not a 12-digit account id'
    return ""


def _classify_service(value: str) -> PrincipalForm:
    if value.startswith("arn:") or ACCOUNT_ID.match(value):
        return PrincipalForm(
            "invalid", problem="an account id or ARN is an AWS principal, not a Service principal"
        )
    lowered = value.lower()
    if not compiled(_DOMAIN).match(lowered):
        hint = f" such as {lowered}.amazonaws.com" if re.fullmatch(r"[a-z0-9-]+", lowered) else ""
        return PrincipalForm("invalid", problem=f"a service principal is a domain name{hint}")
    if not lowered.endswith(_service_suffixes()):
        return PrincipalForm(
            "invalid",
            problem="a service principal ends in an AWS domain such as .amazonaws.com",
        )
    if value != lowered:
        return PrincipalForm("invalid", name=lowered, problem="service principals are lower-case")
    return PrincipalForm("service", name=value)


def _classify_federated(value: str) -> PrincipalForm:
    arn = parse_arn(value)
    if arn is not None:
        problem = _arn_header_problem(arn)
        resource_type, _, name = arn.resource.partition("/")
        if not problem and arn.service == "iam" and name:
            if resource_type == "saml-provider" and "/" not in name:
                return PrincipalForm("saml-provider", arn.partition, arn.account, name)
            if resource_type == "oidc-provider":
                return PrincipalForm("oidc-provider", arn.partition, arn.account, name)
        return PrincipalForm(
            "invalid",
            arn.partition,
            arn.account,
            problem=problem
            or "a Federated ARN names an identity provider: "
            "arn:aws:iam::<account>:saml-provider/<name> or …:oidc-provider/<host>",
        )
    if compiled(_DOMAIN).match(value):
        return PrincipalForm("web-identity", name=value)
    return PrincipalForm(
        "invalid",
        problem="a Federated principal is a SAML or OIDC provider ARN or a web identity "
        "provider's domain name",
    )


# (end of the PRI helpers)


# -------------------------------------------------------------------------------------------------
# Conditions (CND rules): operators, condition keys, values and policy variables.
# Data: linter/data/undocumented_condition_keys.json (keys AWS uses but does not document).
# -------------------------------------------------------------------------------------------------

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


@functools.cache
def _undocumented_condition_keys() -> dict[str, dict]:
    import json
    import os

    path = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "data", "undocumented_condition_keys.json"
    )
    with open(path, encoding="utf-8") as stream:
        data = json.load(stream)
    return {entry["name"].lower(): entry for entry in data["keys"]}


def undocumented_condition_key(key: str) -> dict | None:
    """The entry of ``linter/data/undocumented_condition_keys.json`` for ``key`` (a key AWS's own
    managed policies use but no AWS page documents), else None."""
    return _undocumented_condition_keys().get(key.lower())


def _service_key_placeholders(catalog: Catalog, prefix: str) -> tuple[tuple[str, object], ...]:
    """Service keys whose catalog name ends in a bare placeholder instead of a ``${TagKey}``
    template (``secretsmanager:ResourceTag/tag-key``, ``glacier:ResourceTag/``), as
    (lower-case prefix up to the ``/``, key)."""
    service = catalog.service(prefix)
    if service is None:
        return ()
    found = []
    for key in service.condition_keys():
        lowered = key.name.lower()
        if lowered.endswith("/") or lowered.endswith("/tag-key"):
            found.append((lowered[: lowered.rindex("/") + 1], key))
    return tuple(found)


@functools.lru_cache(maxsize=8192)
def lookup_condition_key(catalog: Catalog, key: str):  # -> ConditionKey | None
    """The catalog's definition of ``key`` (global, service, template or federation key), also
    through the catalog's placeholder names (``secretsmanager:ResourceTag/tag-key`` for
    ``secretsmanager:ResourceTag/Owner``) and the undocumented keys data. None when unknown."""
    found = catalog.condition_key(key)
    if found is not None:
        return found
    lowered = key.lower()
    prefix = lowered.partition(":")[0]
    for placeholder, placeholder_key in _service_key_placeholders(catalog, prefix):
        if lowered.startswith(placeholder) and len(lowered) > len(placeholder):
            return placeholder_key
    entry = undocumented_condition_key(key)
    if entry is not None:
        from linter.catalog import ConditionKey

        return ConditionKey(entry["name"], entry["type"], entry["multi_valued"], entry["scope"])
    return None


def action_supports_key(catalog: Catalog, action: Action, key: str) -> bool:
    """Whether ``key`` (any case) can be in the request context of ``action``: a global key, an
    action-level key or a key of one of its resource types (``Action.supports_condition_key``),
    ``aws:ResourceTag/…`` on actions that create a resource with tags (they take
    ``aws:RequestTag/…``), also through the catalog's placeholder names and undocumented keys
    (global ones everywhere, service ones on their service's actions). Cached per (action, key)."""
    return _action_supports_key(catalog, action.full_name.lower(), key.lower())


@functools.lru_cache(maxsize=65536)
def _action_supports_key(catalog: Catalog, action_name: str, key: str) -> bool:
    action = catalog.action(action_name)
    if action is None:
        return True
    if action.supports_condition_key(key):
        return True
    if key.startswith("aws:resourcetag/") and action.supports_condition_key("aws:requesttag/x"):
        # IAM global keys page, aws:ResourceTag: "included in the request context when the
        # requested resource already has attached tags or in requests that create a resource with
        # an attached tag". The Service Authorization Reference often lists only aws:RequestTag
        # on create actions.
        return True
    for name in action.all_condition_keys:
        if (name.endswith("/") or name.endswith("/tag-key")) and key.startswith(
            name[: name.rindex("/") + 1]
        ):
            return True
    entry = undocumented_condition_key(key)
    if entry is None:
        return False
    return entry["scope"] == "global" or key.partition(":")[0] == action.service.lower()


_TAG_KEY_PREFIXES = ("aws:requesttag/", "aws:resourcetag/", "aws:tagkeys")


@functools.lru_cache(maxsize=16384)
def pattern_supports_key(catalog: Catalog, pattern: str, key: str) -> bool:
    """Whether some action that the Action value ``pattern`` matches supports ``key`` (see
    ``action_supports_key``); for a pattern matching no action, True (nothing to say).

    A pattern with a wildcard service part (``*``, ``*:Get*``) is first tried on the services
    that define the key, so that ``"*"`` with a service key does not expand every action."""
    service_part, separator, _ = pattern.partition(":")
    if pattern.strip("*") == "" and key.lower().startswith(_TAG_KEY_PREFIXES):
        return True  # "*" includes the many actions that take tag keys
    if not separator or "*" in service_part or "?" in service_part:
        prefix = key.lower().partition(":")[0]
        own = (
            ()
            if prefix == "aws"
            else (prefix, *getattr(catalog, "_key_prefixes", {}).get(prefix, ()))
        )
        for service_prefix in own:
            service = catalog.service(service_prefix)
            if service is None:
                continue
            for action in service.actions():
                if action_pattern_matches(pattern, action.full_name) and action_supports_key(
                    catalog, action, key
                ):
                    return True
    matched = catalog.match_actions(pattern)
    if not matched:
        return True
    return any(action_supports_key(catalog, action, key) for action in matched)


# Policy variables ---------------------------------------------------------------------------------

POLICY_VARIABLE_SPECIAL = frozenset({"*", "?", "$"})


class PolicyVariable(NamedTuple):
    """One ``${...}`` in a string. ``problem``: None, ``missing-brace``, ``empty``, ``space``
    (a space in the name) or ``quote`` (a default value not in single quotes)."""

    text: str
    name: str
    default: str | None
    problem: str | None


@functools.lru_cache(maxsize=4096)
def policy_variables(text: str) -> tuple[PolicyVariable, ...]:
    """The policy variables in ``text`` (IAM syntax ``${name}`` or ``${name, 'default'}``)."""
    found: list[PolicyVariable] = []
    start = text.find("${")
    while start != -1:
        end = text.find("}", start + 2)
        if end == -1:
            found.append(PolicyVariable(text[start:], text[start + 2 :], None, "missing-brace"))
            break
        inner = text[start + 2 : end]
        name, comma, default = inner.partition(",")
        problem = None
        if not inner.strip():
            problem = "empty"
        elif name != name.strip() or " " in name or "\t" in name:
            problem = "space"
        elif comma and not re.fullmatch(r"\s*'[^']*'\s*", default):
            problem = "quote"
        found.append(
            PolicyVariable(
                text[start : end + 1],
                name.strip(),
                default.strip().strip("'") if comma else None,
                problem,
            )
        )
        start = text.find("${", end + 1)
    return tuple(found)


def elements_with_variables(statement: Statement) -> frozenset[str]:
    """The statement's elements (``Action``, ``Resource``, ``Condition``, …) whose raw value holds
    ``${`` somewhere: a cheap test, cached on the statement, before normalising values."""
    cached = statement.__dict__.get("_elements_with_variables")
    if cached is None:
        cached = frozenset(name for name, value in statement.data.items() if _holds(value, "${"))
        statement.__dict__["_elements_with_variables"] = cached
    return cached


def _holds(value: object, needle: str) -> bool:
    if isinstance(value, str):
        return needle in value
    if isinstance(value, list):
        try:
            return needle in "\x00".join(value)  # the usual list of strings, at C speed
        except TypeError:
            return any(needle in v if isinstance(v, str) else _holds(v, needle) for v in value)
    if isinstance(value, dict):
        return any(needle in k or _holds(v, needle) for k, v in value.items())
    return False


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


_PRIVATE_RANGES = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
)


@functools.cache
def _private_networks() -> tuple:
    import ipaddress

    return tuple(ipaddress.ip_network(cidr) for cidr in _PRIVATE_RANGES)


def is_private_network(network) -> bool:
    """Whether every address of ``network`` is private (RFC 1918, loopback, link-local, IPv6
    unique-local): addresses ``aws:SourceIp`` never holds."""
    return any(
        network.version == private.version and network.subnet_of(private)
        for private in _private_networks()
    )


# -------------------------------------------------------------------------------------------------
# Credentials, trust and monitoring (CRD, TRU, MON rules): data files, indexed action coverage,
# resource scope of a grant, conditions that name the calling principal
# -------------------------------------------------------------------------------------------------


@functools.cache
def data_file(name: str) -> dict:
    """A JSON file of ``linter/data/`` (``trust.json``, ``monitoring_tamper.json``, …), read once
    on first use and shared; callers must not modify it."""
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", name)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class _ActionIndex(NamedTuple):
    by_service: dict[str, tuple[str, ...]]  # lower-case service prefix -> patterns
    any_service: tuple[str, ...]  # patterns whose prefix has a wildcard (``*``, ``cloud*:Stop*``)
    negated: bool  # NotAction


def _action_index(statement: Statement) -> _ActionIndex | None:
    cached = statement.__dict__.get("_action_index", False)
    if cached is not False:
        return cached
    index = None
    if statement.action_element:
        items = statement.actions if statement.action_element == "Action" else statement.not_actions
        by_service: dict[str, list[str]] = {}
        any_service: list[str] = []
        for item in items:
            value = item.value
            prefix, colon, _ = value.partition(":")
            if colon and "*" not in prefix and "?" not in prefix:
                by_service.setdefault(prefix.lower(), []).append(value)
            else:
                any_service.append(value)
        index = _ActionIndex(
            {k: tuple(v) for k, v in by_service.items()},
            tuple(any_service),
            statement.action_element == "NotAction",
        )
    statement.__dict__["_action_index"] = index
    return index


def named_services(statement: Statement) -> frozenset[str] | None:
    """The lower-case service prefixes the statement's Action patterns name, from the same index
    ``covered_actions`` uses; None when they can name any service (NotAction, or a pattern
    whose prefix has a wildcard or no colon)."""
    index = _action_index(statement)
    if index is None:
        return frozenset()
    if index.negated or index.any_service:
        return None
    return frozenset(index.by_service)


def covered_actions(statement: Statement, action_names: Iterable[str]) -> tuple[str, ...]:
    """Which of ``action_names`` (exact names) the statement's Action/NotAction covers: the
    result of ``grants_any``, but each name is compared only with the patterns of its own service
    (and those with a wildcard in the service part), so long name lists stay cheap. Pass a tuple
    to benefit from the cached grouping of the names by service."""
    index = _action_index(statement)
    if index is None:
        return ()
    names = action_names if isinstance(action_names, tuple) else tuple(action_names)
    found = []
    for service, group in _names_by_service(names):
        patterns = index.by_service.get(service, ()) + index.any_service
        if not patterns:
            if index.negated:
                found.extend(group)
            continue
        for name in group:
            if any(action_pattern_matches(p, name) for p in patterns) != index.negated:
                found.append(name)
    if len(found) > 1:
        found.sort(key=_name_positions(names).__getitem__)
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _name_positions(names: tuple[str, ...]) -> dict[str, int]:
    return {name: position for position, name in enumerate(names)}


@functools.lru_cache(maxsize=64)
def _names_by_service(names: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name.partition(":")[0].lower(), []).append(name)
    return tuple((service, tuple(group)) for service, group in groups.items())


# How much of an action's resource space a statement's Resource element reaches.
SCOPE_NONE = "none"  # no Resource value can name a resource of the action: not granted
SCOPE_NAMED = "named"  # only ARNs that name resources (a literal name or name prefix)
SCOPE_PATTERN = "pattern"  # some ARN leaves the resource name open (``trail/*``)
SCOPE_ALL = "all"  # "*", NotResource, or an action without resource types on "*"


def names_resources(arn_text: str) -> bool:
    """Whether an ARN pattern names specific resources: its resource part is ``type/name`` or
    ``type:name`` with a literal (or policy-variable) start of the name, such as
    ``trail/app-logs``, ``trail/aws-controltower*``, ``user/${aws:username}``. Wildcards in the
    Region and account fields do not matter; ``trail/*`` and ``*`` do not name anything."""
    arn = parse_arn(arn_text)
    if arn is None:
        return False
    match = re.match(r"^([^/:]*)[/:](.*)$", arn.resource, re.DOTALL)
    if match is None:
        resource_type, name = "", arn.resource
    else:
        resource_type, name = match.groups()
    if has_wildcard(resource_type) or not name:
        return False
    return name[0] not in "*?"


def resource_scope(statement: Statement, action: Action) -> str:
    """How far the statement's Resource/NotResource reaches for ``action`` (``SCOPE_*``). An action
    without resource types is granted only by a Resource that is all wildcards (``*``)."""
    if statement.resource_element == "NotResource":
        return SCOPE_ALL
    scope = SCOPE_NONE
    for item in statement.resources:
        value = item.value
        if value.strip("*") == "":
            return SCOPE_ALL
        if not action.has_resource_types:
            continue
        if not any(r.resource_type.matches_arn(value) for r in action.resource_types):
            continue
        if not names_resources(value):
            scope = SCOPE_PATTERN
        elif scope == SCOPE_NONE:
            scope = SCOPE_NAMED
    return scope


_PRINCIPAL_NAMING_KEYS = ("aws:principalarn", "aws:userid", "aws:username")


def names_calling_principal(entry: ConditionEntry) -> bool:
    """Whether a condition entry, in an Allow, limits the grant to named callers: a constraining
    (``constrains``) ``aws:PrincipalArn``, ``aws:userid``, ``aws:username`` or
    ``aws:PrincipalTag/<key>`` whose values are not wildcards alone in the name part
    (``arn:aws:iam::*:role/*`` names nobody in particular)."""
    key = entry.key_lower
    if key not in _PRINCIPAL_NAMING_KEYS and not key.startswith("aws:principaltag/"):
        return False
    if not constrains(entry):
        return False
    for value in entry.string_values:
        name = value.rsplit("/", 1)[-1] if key == "aws:principalarn" else value
        if name.strip("*?") == "":
            return False
    return True


def principal_limiting_condition(statement: Statement) -> ConditionEntry | None:
    """The first condition entry of ``statement`` that limits it to named callers
    (``names_calling_principal``), else None."""
    for entry in statement.conditions:
        if names_calling_principal(entry):
            return entry
    return None


def principal_account(value: str) -> str | None:
    """The 12-digit account of an AWS principal value (account id, IAM or STS ARN), else None."""
    if ACCOUNT_ID.match(value):
        return value
    arn = parse_arn(value)
    if arn is not None and arn.service in ("iam", "sts") and ACCOUNT_ID.match(arn.account):
        return arn.account
    return None


def oidc_provider(kind: str, value: str) -> str | None:
    """The provider of a web-identity ``Federated`` principal as its condition keys spell it
    (``token.actions.githubusercontent.com``, ``oidc.eks.us-east-1.amazonaws.com/id/ABC``,
    ``accounts.google.com``; condition key names are case-insensitive); None for SAML and other
    principals."""
    if kind != "Federated":
        return None
    form = classify_principal(kind, value)
    if form.category in ("oidc-provider", "web-identity"):
        return form.name
    return None


@functools.cache
def oidc_provider_facts(provider: str) -> dict:
    """The ``oidc_providers`` entry of ``linter/data/trust.json`` whose ``match`` pattern fits
    ``provider`` (the last entry, ``*``, is the generic provider)."""
    for entry in data_file("trust.json")["oidc_providers"]:
        if wildcard_matches(entry["match"], provider.lower(), case_sensitive=False):
            return entry
    raise LookupError(provider)  # unreachable: the data ends with a "*" entry


def oidc_claim_conditions(statement: Statement, provider: str) -> dict[str, list[ConditionEntry]]:
    """The statement's condition entries on ``<provider>:<claim>`` keys, by lower-case claim."""
    prefix = provider.lower() + ":"
    claims: dict[str, list[ConditionEntry]] = {}
    for entry in statement.conditions:
        if entry.key_lower.startswith(prefix):
            claims.setdefault(entry.key_lower[len(prefix) :], []).append(entry)
    return claims


_SCOPE_RANK = {SCOPE_NONE: 0, SCOPE_NAMED: 1, SCOPE_PATTERN: 2, SCOPE_ALL: 3}


def granted_in_scope(
    statement: Statement, action_names: Iterable[str], catalog: Catalog
) -> tuple[tuple[str, ...], str]:
    """The ``action_names`` the statement grants, through Action/NotAction (``covered_actions``)
    *and* through a Resource that can name one of the action's resources (``resource_scope``),
    with the widest ``SCOPE_*`` among them (``SCOPE_NONE`` when nothing is granted). Names the
    catalog does not know count as granted only on an unrestricted Resource."""
    granted = []
    widest = SCOPE_NONE
    for name in covered_actions(statement, action_names):
        action = catalog.action(name)
        if action is None:
            scope = SCOPE_ALL if resource_is_unrestricted(statement) else SCOPE_NONE
        else:
            scope = resource_scope(statement, action)
        if scope == SCOPE_NONE:
            continue
        granted.append(name)
        if _SCOPE_RANK[scope] > _SCOPE_RANK[widest]:
            widest = scope
    return tuple(granted), widest


# -------------------------------------------------------------------------------------------------
# Policy level (POL rules): entries covered by another entry of the same element, policy size.


def _cover_regex(pattern: str) -> re.Pattern[str]:
    # Applied to the covered pattern's text: its "*" may stand for any run, so only a "*" here
    # may absorb it; its "?" stands for one character, which a "?" here may absorb.
    return glob_regex(pattern, one="[^*]")


def glob_covers(general: str, specific: str) -> bool:
    """Whether every string the IAM pattern ``specific`` matches is also matched by ``general``.

    Both may contain ``*`` and ``?``. The test is sound (a True is always right) but not
    complete. It is case-sensitive: lower-case both sides for action names. Policy variables
    (``${aws:username}``) stand for the same value on both sides; a ``?`` in ``general`` is
    never matched against a variable, and ``general`` with ``${*}``, ``${?}`` or ``${$}`` covers
    only itself.
    """
    if general == specific:
        return True
    if not has_wildcard(general):
        return False
    if "${" in general and any(f"${{{c}}}" in general for c in "*?$"):
        return False
    if "${" in specific and "?" in general:
        return False
    if "?" in general:
        return _cover_regex(general).fullmatch(specific) is not None
    # Only "*": the literal pieces must appear in order, the first and last at the ends. The
    # pieces hold no wildcard, so they can only match literal text of ``specific`` and every
    # wildcard of ``specific`` falls into a gap that a "*" absorbs: this is exact.
    pieces = _star_pieces(general)
    first, last = pieces[0], pieces[-1]
    if not (specific.startswith(first) and specific.endswith(last)):
        return False
    position, end = len(first), len(specific) - len(last)
    for piece in pieces[1:-1]:
        found = specific.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return position <= end


@functools.lru_cache(maxsize=4096)
def _star_pieces(pattern: str) -> tuple[str, ...]:
    return tuple(pattern.split("*"))


class Redundancy(NamedTuple):
    """Entry ``index`` of an element adds nothing: entry ``by`` already covers it."""

    index: int
    by: int
    duplicate: bool  # the two entries are the same text


def redundant_entries(texts: Sequence[str]) -> list[Redundancy]:
    """The entries of one element (``Action``, ``Resource``, …) that another entry covers.

    Of two entries that cover each other (the same text, or ``a*`` and ``a**``) only the later
    one is redundant. Near-linear: the entries are sorted once, and each wildcard entry is
    compared only with the entries that start with its literal prefix (the text before its
    first wildcard), found by bisection.
    """
    from bisect import bisect_left

    found: dict[int, Redundancy] = {}
    first = dict.fromkeys(texts)  # C speed; the common case has no duplicate and no wildcard
    if len(first) != len(texts):
        first.clear()
        for index, text in enumerate(texts):
            earlier = first.setdefault(text, index)
            if earlier != index:
                found[index] = Redundancy(index, earlier, True)
    joined = "\x00".join(first)
    if "*" not in joined and "?" not in joined:
        return [found[index] for index in sorted(found)]
    if not found:  # no duplicates: ``first`` still maps every text to None
        first = dict(zip(texts, range(len(texts)), strict=True))
    patterns = sorted(
        [
            (_literal_prefix_length(text), index)
            for text, index in first.items()
            if "*" in text or "?" in text
        ]
    )
    if patterns:
        order = sorted(first.values(), key=texts.__getitem__)
        keys = [texts[i] for i in order]
        for cut, by in patterns:  # broadest first, so a cover is rarely itself redundant
            pattern = texts[by]
            prefix = pattern[:cut]
            plain_prefix = cut == len(pattern) - 1 and pattern[-1] == "*"
            low = bisect_left(keys, prefix)
            high = bisect_left(keys, prefix + "\U0010ffff", low)
            for index in order[low:high]:
                if index == by or index in found:
                    continue
                text = texts[index]
                if not plain_prefix and not glob_covers(pattern, text):
                    continue
                if index < by and has_wildcard(text) and glob_covers(text, pattern):
                    continue  # they cover each other: the later one is the redundant one
                found[index] = Redundancy(index, by, False)
    return [found[index] for index in sorted(found)]


def _literal_prefix_length(pattern: str) -> int:
    return min(i for i in (pattern.find("*"), pattern.find("?")) if i >= 0)


_OTHER_WHITESPACE = r"[^\S \n\t\r]"


def minified_policy(document: object) -> str:
    """The policy as JSON without any whitespace between tokens (what a minifier produces)."""
    return _minifier().encode(document)


@functools.cache
def _minifier():  # -> json.JSONEncoder
    import json

    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def minified_size_bound(document: object) -> int:
    """An upper bound of ``len(minified_policy(document))``, about six times cheaper to get.

    ``marshal`` (format 2, no back-references) spends at least one byte on every character of
    a string and on every bracket, and five on a string's or list's header; the JSON text of any
    value is at most six times its marshalled size (a string of control characters, each
    escaped as ``\\u00XX``; ``false`` plus a comma against marshal's single byte).
    """
    import marshal

    return 6 * len(marshal.dumps(document, 2))


def non_whitespace_length(text: str) -> int:
    """How many characters of ``text`` are not whitespace (IAM's policy size measure)."""
    length = len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")
    if not text.isascii():
        length -= len(compiled(_OTHER_WHITESPACE).findall(text))
    return length


# (end of the POL helpers)


def condition_blocks_action(statement: Statement, action_name: str, catalog: Catalog) -> bool:
    """Whether an Allow can never grant ``action_name`` because one of its constraining conditions
    (``constrains``) uses a key the action does not support: absent keys make the condition false.
    The condition family reports the key; grant-based rules use this to skip such actions."""
    entries = statement.__dict__.get("_constraining_entries")
    if entries is None:
        entries = tuple(e for e in statement.conditions if constrains(e))
        statement.__dict__["_constraining_entries"] = entries
    if not entries:
        return False
    action = catalog.action(action_name)
    return action is not None and not all(
        action_supports_key(catalog, action, e.key) for e in entries
    )


def effectively_granted(
    statement: Statement, action_names: Iterable[str], catalog: Catalog
) -> list[str]:
    """The names of ``action_names`` that an Allow statement really grants: covered by its
    Action/NotAction (``covered_actions``) and not blocked by a condition key they never receive
    (``condition_blocks_action``)."""
    return [
        name
        for name in covered_actions(statement, action_names)
        if not condition_blocks_action(statement, name, catalog)
    ]


# -------------------------------------------------------------------------------------------------
# Least privilege (LPR rules): unrestricted grants, resources that reach every resource of a type,
# conditions that keep a public principal private. Data: linter/data/privilege_escalation.json,
# credentials_exposure.json, data_exfiltration.json.
# -------------------------------------------------------------------------------------------------


def constraining_entries(statement: Statement) -> tuple[ConditionEntry, ...]:
    """The statement's condition entries that narrow an Allow (``constrains``), cached on the
    statement (shared with ``condition_blocks_action``)."""
    entries = statement.__dict__.get("_constraining_entries")
    if entries is None:
        entries = tuple(e for e in statement.conditions if constrains(e))
        statement.__dict__["_constraining_entries"] = entries
    return entries


# A stand-in for an ARN-format variable that only a bare "*" run can match: it holds "/" and ":"
# (which "?" and literal text cannot cover) and NUL characters (which no policy text contains).
_ANY_VALUE = "\x00/:\x00"
_LPR_VARIABLE = r"\$\{[^}]*\}"


@functools.lru_cache(maxsize=8192)
def reaches_every_resource(value: str, action: Action) -> bool:
    """Whether the Resource value ``value`` names every resource of a type ``action`` accepts (a
    required type, when the action has one): ``*`` (or only wildcards), or an ARN of such a
    resource type whose resource field leaves every name open
    (``arn:aws:iam::111122223333:role/*``, ``arn:aws:lambda:*:*:function:*``,
    ``arn:aws:s3:::*/*``). The account and Region fields may be fixed: one account's every role
    is still every role the caller can reach there. ``role/app-*``, ``mybucket/*`` and policy
    variables (``user/${aws:username}``) name fewer. An action without resource types is granted
    only by ``*``."""
    if value.strip("*") == "":
        return True
    if not action.has_resource_types or "${" in value:
        return False
    arn = parse_arn(value)
    if arn is None:
        return False
    return any(
        wildcard_matches(arn.resource, skeleton)
        and action.resource_types[position].resource_type.matches_arn(value)
        for position, skeleton in _resource_skeletons(action)
    )


@functools.lru_cache(maxsize=2048)
def _resource_skeletons(action: Action) -> tuple[tuple[int, str], ...]:
    """Each resource type that decides ``action``'s reach (its required types, or all of them when
    none is required), as its index in ``action.resource_types``, with the resource field of its
    ARN format(s), every ``${Variable}`` replaced by ``_ANY_VALUE`` (``role/${RoleNameWithPath}``
    → ``role/<any>``)."""
    required = [r for r in action.resource_types if r.required]
    found = []
    for position, action_resource in enumerate(action.resource_types):
        if required and not action_resource.required:
            continue
        for arn_format in action_resource.resource_type.arn_formats:
            arn = parse_arn(arn_format)
            if arn is not None:
                found.append((position, compiled(_LPR_VARIABLE).sub(_ANY_VALUE, arn.resource)))
    return tuple(found)


def every_resource_anchor(statement: Statement, action: Action) -> tuple[JsonPath, bool] | None:
    """Where ``statement`` reaches every resource of ``action`` (``reaches_every_resource``): the
    first such Resource value, or the NotResource key (every resource but a few), as ``(path,
    key)`` for ``Report``; None when every Resource value names fewer resources."""
    if statement.resource_element == "NotResource":
        return (*statement.path, "NotResource"), True
    for item in statement.resources:
        if reaches_every_resource(item.value, action):
            return item.path, False
    return None


def statement_label(statement: Statement) -> str:
    """How a message names another statement: ``statement "Sid"``, else ``Statement[2]``."""
    if statement.sid:
        return f'statement "{statement.sid}"'
    if len(statement.path) == 1:
        return "the Statement object"
    return f"Statement[{statement.index}]"


# Condition keys that, with fixed values in an Allow, keep a statement whose principal is "*" from
# being public: S3's "The meaning of public" (fixed aws:SourceArn, SourceVpc, SourceVpce,
# SourceOwner, SourceAccount, aws:userid; CIDRs in aws:SourceIp), the organization and account keys
# of the IAM global-keys page, and kms:CallerAccount (domain.md §4.9, the EBS key-policy statement).
# What each value must pin: an account id, an ARN (with a fixed account when it has one), an
# organization id or path, a VPC or endpoint id, a unique id, or a CIDR narrower than the Internet.
PUBLIC_ACCESS_LIMIT_KEYS = {
    "aws:sourceaccount": "account",
    "aws:principalaccount": "account",
    "aws:sourceowner": "account",
    "kms:calleraccount": "account",
    "aws:sourcearn": "arn",
    "aws:principalarn": "arn",
    "aws:sourceorgid": "id",
    "aws:principalorgid": "id",
    "aws:sourceorgpaths": "path",
    "aws:principalorgpaths": "path",
    "aws:sourcevpc": "id",
    "aws:sourcevpce": "id",
    "aws:userid": "userid",
    "aws:sourceip": "cidr",
}


def limits_public_access(entry: ConditionEntry) -> bool:
    """Whether a condition entry, in an Allow, limits a ``"*"`` principal to known accounts,
    organizations, networks or principals (``PUBLIC_ACCESS_LIMIT_KEYS``): a constraining operator
    (``constrains``) and no value that leaves the key open (``o-*``, ``arn:aws:iam::*:role/x``,
    ``0.0.0.0/0``). ``kms:ViaService`` alone does not count: any account's principal can call
    through the service."""
    kind = PUBLIC_ACCESS_LIMIT_KEYS.get(entry.key_lower)
    if kind is None or not constrains(entry):
        return False
    values = entry.string_values
    return bool(values) and all(_pins_value(kind, value) for value in values)


def _pins_value(kind: str, value: str) -> bool:
    if kind == "account":
        return ACCOUNT_ID.match(value) is not None
    if kind == "arn":
        arn = parse_arn(value)
        if arn is None or "${" in value:
            return False
        account = arn.account
        if account:
            return ACCOUNT_ID.match(account) is not None
        return not has_wildcard(value)  # accountless ARNs (S3 buckets) must be exact
    if kind == "id":
        return not has_wildcard(value) and "${" not in value
    if kind == "path":
        return "/" in value and not has_wildcard(value.split("/", 1)[0])
    if kind == "userid":
        return not has_wildcard(value.split(":", 1)[0]) and value.split(":", 1)[0] != ""
    parsed = parse_ip_value(value)  # kind == "cidr"
    return parsed is not None and parsed[0].prefixlen > 0


@functools.lru_cache(maxsize=64)
def _names_by_prefix(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    by_prefix: dict[str, list[str]] = {}
    for name in names:
        by_prefix.setdefault(name.partition(":")[0].lower(), []).append(name)
    return {prefix: tuple(found) for prefix, found in by_prefix.items()}


def candidate_names(statement: Statement, names: tuple[str, ...]) -> tuple[str, ...]:
    """The members of ``names`` (exact action names, a data list) that the statement's
    Action/NotAction could cover: those of the service prefixes its Action values name, or all of
    them for NotAction and for a value with a wildcard service prefix (``*``, ``*:Get*``). Pass
    the result to ``covered_names``: through the statement's cached action index, a statement
    about other services costs one dictionary lookup per service it names, however long
    ``names`` is."""
    index = _action_index(statement)
    if index is None:
        return ()
    if index.negated or index.any_service:
        return names
    by_prefix = _names_by_prefix(names)
    if len(index.by_service) == 1:
        return by_prefix.get(next(iter(index.by_service)), ())
    found: list[str] = []
    for prefix in index.by_service:
        found.extend(by_prefix.get(prefix, ()))
    return tuple(found)


def unrestricted_grants(
    statement: Statement, names: tuple[str, ...], catalog: Catalog
) -> tuple[str, ...]:
    """The members of ``names`` (a data list of exact action names) that an Allow statement
    grants on every resource of their type with no constraining condition, among the actions that
    *have* resource types (an action without them can only be granted on ``"*"``, which is then
    not a finding). Through wildcards and NotAction; each name costs a catalog lookup only when
    the statement covers it. Full-admin statements (``is_full_admin``) give nothing: LPR001
    reports them."""
    if not statement.is_allow or constraining_entries(statement) or is_full_admin(statement):
        return ()
    found = []
    for name in covered_names(statement, candidate_names(statement, names)):
        action = catalog.action(name)
        if action is None or not action.has_resource_types:
            continue
        if every_resource_anchor(statement, action) is not None:
            found.append(name)
    return tuple(found)


def every_resource_phrase(statement: Statement, action: Action) -> str:
    """How a message names the reach found by ``every_resource_anchor``: ``("*")``,
    ``("arn:aws:iam::*:role/*")`` or ``outside NotResource`` (empty when there is none)."""
    anchor = every_resource_anchor(statement, action)
    if anchor is None:
        return ""
    if anchor[1]:
        return "outside NotResource"
    return f'("{next(item.value for item in statement.resources if item.path == anchor[0])}")'


def covers_every_resource(value: str) -> bool:
    """A Resource value that names everything: ``*`` (or only wildcards), or an ARN whose
    service, Region, account and resource fields are only wildcards (``arn:*:*:*:*:*``,
    ``arn:aws:*:*:*:*``)."""
    if value.strip("*") == "":
        return True
    arn = parse_arn(value)
    fields = (arn.service, arn.region, arn.account, arn.resource) if arn else ("",)
    return all(field and field.strip("*") == "" for field in fields)


def matches_every_action(value: str) -> bool:
    """``*``, ``*:*`` (or longer runs of ``*``): an Action value that names every action."""
    if not value.startswith("*"):
        return False
    return value.count(":") <= 1 and value.replace(":", "").strip("*") == ""


def is_full_admin(statement: Statement) -> bool:
    """An Allow of every action (``*``) on every resource (``*`` or NotResource) with no
    constraining condition: LPR001's finding, which the narrower least-privilege rules leave
    alone."""
    cached = statement.__dict__.get("_is_full_admin")
    if cached is None:
        cached = (
            statement.is_allow
            and any(matches_every_action(item.value) for item in statement.actions)
            and (
                statement.resource_element == "NotResource"
                or any(covers_every_resource(item.value) for item in statement.resources)
            )
            and not constraining_entries(statement)
        )
        statement.__dict__["_is_full_admin"] = cached
    return cached


class _PatternIndex(NamedTuple):
    exact: frozenset[str]  # lower-case Action/NotAction values without wildcards
    by_service: dict[str, tuple[str, ...]]  # lower-case prefix -> wildcard patterns
    any_service: tuple[str, ...]  # wildcard patterns with a wildcard prefix
    negated: bool  # NotAction


def _pattern_index(statement: Statement) -> _PatternIndex | None:
    cached = statement.__dict__.get("_lpr_pattern_index", False)
    if cached is not False:
        return cached
    index = None
    if statement.action_element:
        exact: set[str] = set()
        by_service: dict[str, list[str]] = {}
        any_service: list[str] = []
        for item in statement.actions + statement.not_actions:
            value = item.value
            if not has_wildcard(value):
                exact.add(value.lower())
                continue
            prefix, colon, _ = value.partition(":")
            if colon and not has_wildcard(prefix):
                by_service.setdefault(prefix.lower(), []).append(value)
            else:
                any_service.append(value)
        index = _PatternIndex(
            frozenset(exact),
            {prefix: tuple(patterns) for prefix, patterns in by_service.items()},
            tuple(any_service),
            statement.action_element == "NotAction",
        )
    statement.__dict__["_lpr_pattern_index"] = index
    return index


def covered_names(statement: Statement, names: Iterable[str]) -> tuple[str, ...]:
    """``covered_actions`` for long name lists: a name equal to an Action value (any case) is a
    set lookup; only the wildcard values of its own service (and those with a wildcard prefix)
    are matched as patterns."""
    index = _pattern_index(statement)
    if index is None:
        return ()
    found = []
    for name in names:
        lowered = name.lower()
        matched = (
            lowered in index.exact
            or any(
                action_pattern_matches(p, name)
                for p in index.by_service.get(lowered.partition(":")[0], ())
            )
            or any(action_pattern_matches(p, name) for p in index.any_service)
        )
        if matched != index.negated:
            found.append(name)
    return tuple(found)


# -------------------------------------------------------------------------------------------------
# Actions and resources (ACT and RES rules): action entries, ARN fields, partitions, KMS key
# references. Data: linter/data/arn_partitions.json, linter/data/policy_type_actions.json.
# -------------------------------------------------------------------------------------------------

#: How a user refreshes the offline catalog (named by every catalog-dependent finding).
CATALOG_REFRESH_COMMAND = "iamlint catalog update --from FILE"

_ACTION_ENTRY = r"^([A-Za-z0-9*?_.-]+):([A-Za-z0-9*?_-]*)$"


class ActionName(NamedTuple):
    """An Action/NotAction entry split at its colon: ``s3:Get*`` → (``s3``, ``Get*``)."""

    service: str
    name: str


@functools.lru_cache(maxsize=65536)
def split_action(value: str) -> ActionName | None:
    """``s3:GetObject`` → ``ActionName("s3", "GetObject")``; None for ``*`` and for entries that
    are not ``service:name`` (the grammar rule GRM006 reports those)."""
    match = compiled(_ACTION_ENTRY).match(value)
    return ActionName(match.group(1), match.group(2)) if match else None


#: ``action_entry_status`` results: what an Action/NotAction entry names in the catalog.
ENTRY_OK = "ok"
ENTRY_MALFORMED = "malformed"  # not service:name (GRM006) or "*"
ENTRY_UNKNOWN_SERVICE = "unknown-service"  # literal prefix not in the catalog (ACT001)
ENTRY_UNKNOWN_ACTION = "unknown-action"  # known prefix, no such action (ACT002)
ENTRY_MATCHES_NOTHING = "matches-nothing"  # a wildcard that matches no action (ACT003)


@functools.lru_cache(maxsize=65536)
def action_entry_status(catalog: Catalog, value: str) -> str:
    """Classify an Action/NotAction entry once per process (entries repeat across files).
    Wildcard entries are matched against action *names* only, without building actions."""
    parts = split_action(value)
    if parts is None:
        return ENTRY_MALFORMED
    wildcard_service = "*" in parts.service or "?" in parts.service
    service = None if wildcard_service else catalog.service(parts.service)
    if not wildcard_service and service is None:
        return ENTRY_UNKNOWN_SERVICE
    if "*" in value or "?" in value:
        name_matches = glob_matcher(parts.name.lower())
        if service is not None:
            services = [service]
        else:
            service_matches = glob_matcher(parts.service.lower())
            services = [
                catalog.service(prefix)
                for prefix in sorted(catalog.service_prefixes())
                if service_matches(prefix)
            ]
        for candidate in services:
            if candidate is not None and any(
                name_matches(name) for name in _lower_action_names(candidate)
            ):
                return ENTRY_OK
        return ENTRY_MATCHES_NOTHING
    assert service is not None
    return ENTRY_OK if parts.name.lower() in _lower_action_names(service) else ENTRY_UNKNOWN_ACTION


@functools.lru_cache(maxsize=1024)
def _lower_action_names(service: Service) -> frozenset[str]:
    return frozenset(name.lower() for name in service.action_names())


def action_entries(statement: Statement) -> tuple[Item, ...]:
    """The string values of the statement's ``Action`` and ``NotAction`` elements."""
    return statement.actions + statement.not_actions


def is_iam_pattern(text: str) -> bool:
    """Whether ``text`` holds an IAM wildcard (``*``, ``?``) or a policy variable (``${...}``)."""
    return "*" in text or "?" in text or "${" in text


def catalog_as_of(catalog: Catalog) -> str:
    """``the IAM catalog of 2025-12-02``: how catalog-dependent findings name their data."""
    return f"the IAM catalog of {catalog.as_of}"


@functools.lru_cache(maxsize=65536)
def split_arn_fields(text: str) -> tuple[str, ...]:
    """Split an ARN at its first five colons, ignoring colons inside ``${...}`` policy variables
    (``${aws:username}``); a value with fewer fields gives fewer parts."""
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
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "arn_partitions.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


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


@functools.cache
def _policy_type_actions() -> dict:
    import json
    import os

    path = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "data", "policy_type_actions.json"
    )
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def trust_actions() -> tuple[str, ...]:
    """The actions a role trust policy can allow (``sts:AssumeRole`` …), canonical spelling."""
    return tuple(entry["action"] for entry in _policy_type_actions()["trust_actions"])


@functools.cache
def rcp_services() -> tuple[str, ...]:
    """The service prefixes whose actions a resource control policy applies to."""
    return tuple(entry["prefix"] for entry in _policy_type_actions()["rcp_services"])


@functools.cache
def _catalog_gaps() -> dict:
    import json
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "catalog_gaps.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def multi_page_prefixes() -> frozenset[str]:
    """Service prefixes documented on several Service Authorization Reference pages, whose
    actions' resource types the catalog may list only partly (``linter/data/catalog_gaps.json``)."""
    return frozenset(entry["prefix"] for entry in _catalog_gaps()["multi_page_prefixes"])


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
        for entry in _catalog_gaps()["aws_owned_accountless"]
    )


def arn_namespace_aliases(namespace: str) -> tuple[str, ...]:
    """Other spellings of a renamed ARN service namespace (``codestar-connections`` ↔
    ``codeconnections``), from ``linter/data/catalog_gaps.json``."""
    lowered = namespace.lower()
    for entry in _catalog_gaps().get("namespace_aliases", ()):
        if lowered in entry["namespaces"]:
            return tuple(n for n in entry["namespaces"] if n != lowered)
    return ()


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
    from linter.catalog import arn_patterns_overlap

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
