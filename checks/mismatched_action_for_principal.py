"""PRI008 mismatched-action-for-principal: an assume-role action its principals cannot use."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.grants import statement_grants
from linter.model import PolicyType, Severity
from linter.policy import Policy, Principal, Statement
from linter.principals import PrincipalForm, principal_forms

ASSUME_ROLE = "sts:AssumeRole"
WITH_SAML = "sts:AssumeRoleWithSAML"
WITH_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
_ASSUME_ACTIONS = {a.lower(): a for a in (ASSUME_ROLE, WITH_SAML, WITH_WEB_IDENTITY)}

# Which assume-role action each kind of principal uses, and how to name it in a message.
_NEEDS = {
    "account": (ASSUME_ROLE, "an AWS account"),
    "root": (ASSUME_ROLE, "an AWS account"),
    "user": (ASSUME_ROLE, "an IAM user"),
    "role": (ASSUME_ROLE, "an IAM role"),
    "assumed-role": (ASSUME_ROLE, "a role session"),
    "federated-user": (ASSUME_ROLE, "a federated user session"),
    "user-id": (ASSUME_ROLE, "an IAM user"),
    "role-id": (ASSUME_ROLE, "an IAM role"),
    "service": (ASSUME_ROLE, "a service principal"),
    "saml-provider": (WITH_SAML, "a SAML provider"),
    "oidc-provider": (WITH_WEB_IDENTITY, "an OIDC provider"),
    "web-identity": (WITH_WEB_IDENTITY, "a web identity provider"),
}


class MismatchedActionForPrincipal(Check):
    """## What it does
    In a role trust policy, matches each statement's assume-role actions against its principals:
    AWS accounts, users, roles and service principals assume a role with `sts:AssumeRole`; a
    SAML provider (`Federated` `…:saml-provider/…`) with `sts:AssumeRoleWithSAML`; an OIDC
    provider or web identity provider (`…:oidc-provider/…`, `cognito-identity.amazonaws.com`,
    `accounts.google.com`, …) with `sts:AssumeRoleWithWebIdentity`. It reports an assume-role
    action that none of the statement's principals can use, or else a federated principal whose
    action the statement does not allow. Other actions (`sts:TagSession`,
    `sts:SetSourceIdentity`), `"*"` principals and wildcard actions such as `sts:AssumeRole*`
    are compatible with everything.

    ## Why is this bad?
    The statement never applies: federated users cannot assume the role (or a Deny never
    denies). AWS's own `validate-policy` example is a Cognito trust policy written with
    `sts:AssumeRole` instead of `sts:AssumeRoleWithWebIdentity`.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
     "Action": ["sts:AssumeRole", "sts:TagSession"],
     "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-west-2:EXAMPLE"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
     "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
     "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-west-2:EXAMPLE"}}}
    ```

    ## References
    - [AssumeRoleWithSAML](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html),
      [AssumeRoleWithWebIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html)
    - [AWS CLI example: accessanalyzer validate-policy](https://docs.aws.amazon.com/cli/latest/reference/accessanalyzer/validate-policy.html)
    - Access Analyzer `MISMATCHED_ACTION_FOR_PRINCIPAL`
    """

    id = "PRI008"
    name = "mismatched-action-for-principal"
    summary = "An assume-role action that the statement's principals cannot use."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("principal", "trust")
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            forms = list(principal_forms(statement))
            if not forms:
                continue
            reports = list(_dead_actions(statement, forms))
            if not reports:
                reports = list(_stranded_principals(statement, forms))
            yield from reports


def _usable_by(action: str, form: PrincipalForm) -> bool:
    needed = _NEEDS.get(form.category)
    return needed is None or needed[0] == action


def _dead_actions(
    statement: Statement, forms: list[tuple[Principal, PrincipalForm]]
) -> Iterator[Report]:
    for item in statement.actions:
        action = _ASSUME_ACTIONS.get(item.value.lower())
        if action is None or any(_usable_by(action, form) for _, form in forms):
            continue
        described = [f'"{p.value}" ({_NEEDS[f.category][1]})' for p, f in forms]
        needed = sorted({_NEEDS[f.category][0] for _, f in forms})
        yield Report(
            item.path,
            f"{item.value} cannot be used by {_join(described)}; "
            f"{'that principal uses' if len(forms) == 1 else 'these principals use'} "
            f"{' or '.join(needed)}: allow it instead",
        )


def _stranded_principals(
    statement: Statement, forms: list[tuple[Principal, PrincipalForm]]
) -> Iterator[Report]:
    allowed = [a for a in _ASSUME_ACTIONS.values() if statement_grants(statement).covers(a)]
    if not allowed:
        return  # e.g. a statement for sts:TagSession only
    for principal, form in forms:
        needed = _NEEDS.get(form.category)
        if needed is None or principal.kind != "Federated" or needed[0] in allowed:
            continue
        yield Report(
            principal.path,
            f'"{principal.value}" is {needed[1]}, which assumes a role with {needed[0]}, but '
            f"the statement allows only {_join(allowed)}; add {needed[0]}",
        )


def _join(names: list[str]) -> str:
    if len(names) > 5:
        names = [*names[:5], f"{len(names) - 5} more"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
