"""PRI003 invalid-federated-principal: a Federated principal is not an identity provider."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import all_principal_forms, principal_data


class InvalidFederatedPrincipal(Check):
    """## What it does
    Checks every value under `Federated` in a role trust policy. It must be a SAML provider ARN
    (`arn:aws:iam::111122223333:saml-provider/<name>`), an OIDC provider ARN
    (`arn:aws:iam::111122223333:oidc-provider/<host>`), or the domain of one of IAM's built-in
    web identity providers: `cognito-identity.amazonaws.com`, `www.amazon.com`,
    `graph.facebook.com`, `accounts.google.com`. Anything that is neither an ARN nor a domain
    name is an error. Another bare domain (for example `token.actions.githubusercontent.com`)
    is a warning: AWS documents an OIDC provider you create in IAM by its provider ARN.

    ## Why is this bad?
    AWS rejects a malformed federated principal, and a role that names an identity provider
    wrongly cannot be assumed by its users.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"Federated": "saml-provider/ExampleIdP"},
     "Action": "sts:AssumeRoleWithSAML"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow",
     "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/ExampleIdP"},
     "Action": "sts:AssumeRoleWithSAML",
     "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}
    ```

    ## References
    - [IAM JSON policy elements: Principal, web identity and SAML session principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-federated-web-identity)
    - [Create a role for OpenID Connect federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html)
    - Access Analyzer `INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY`; parliament
      `UNKNOWN_FEDERATION_SOURCE`
    """

    id = "PRI003"
    name = "invalid-federated-principal"
    summary = "A Federated principal is not a SAML/OIDC provider ARN or a web identity provider."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("principal", "trust")
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            for principal, form in all_principal_forms(statement):
                if principal.kind != "Federated":
                    continue
                if form.category == "invalid":
                    yield Report(
                        principal.path,
                        f'"{principal.value}" is not a valid Federated principal: {form.problem}',
                    )
                elif (
                    form.category == "web-identity"
                    and principal.value not in web_identity_providers()
                ):
                    yield Report(
                        principal.path,
                        f'"{principal.value}" is not one of IAM\'s built-in web identity '
                        "providers; name an OIDC provider you created in IAM by its ARN, "
                        f"arn:aws:iam::<account>:oidc-provider/{principal.value}",
                        severity=Severity.WARNING,
                    )


@functools.cache
def web_identity_providers() -> frozenset[str]:
    """The domain names IAM accepts as a built-in web identity ``Federated`` principal."""
    return frozenset(entry["name"] for entry in principal_data()["web_identity_providers"])
