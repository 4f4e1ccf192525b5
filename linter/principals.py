"""Principals: what form a Principal value has (``classify_principal``), account roots, OIDC
providers and their claim conditions, and the conditions that limit a grant to named callers or
keep a public principal private. Data: ``linter/data/principals.json``, ``linter/data/trust.json``.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from linter.arns import ACCOUNT_ID, Arn, parse_arn
from linter.conditions import constrains, parse_ip_value
from linter.data_files import data_file
from linter.policy import ConditionEntry, Statement
from linter.wildcards import compiled, has_wildcard, wildcard_matches


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
    return data_file("principals.json")


@functools.cache
def _partitions() -> frozenset[str]:
    return frozenset(entry["name"] for entry in principal_data()["partitions"])


@functools.cache
def _service_suffixes() -> tuple[str, ...]:
    return tuple(entry["suffix"] for entry in principal_data()["service_principal_suffixes"])


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
    if entry.has_unknown:  # a deploy-time value (the template's own account, say) still pins
        return all(_pins_value(kind, value) for value in values)
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
