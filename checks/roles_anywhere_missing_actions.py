"""PRI010 roles-anywhere-missing-actions: a Roles Anywhere trust policy lacks a required action."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.grants import statement_grants
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import principal_data


class RolesAnywhereMissingActions(Check):
    """## What it does
    In a role trust policy that trusts the IAM Roles Anywhere service principal
    (`rolesanywhere.amazonaws.com`), checks that the Allow statements naming it allow all of
    `sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession` (directly or through a
    wildcard such as `sts:*`). The finding is placed on the first `rolesanywhere.amazonaws.com`
    value and names the missing actions.

    ## Why is this bad?
    IAM Roles Anywhere sets the source identity and session tags from the certificate when it
    assumes the role; without all three permissions it cannot deliver credentials for the role.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
     "Action": "sts:AssumeRole",
     "Condition": {"ArnEquals": {"aws:SourceArn":
       "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/EXAMPLE"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
     "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
     "Condition": {"ArnEquals": {"aws:SourceArn":
       "arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/EXAMPLE"}}}
    ```

    ## References
    - [IAM Roles Anywhere trust model](https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html)
    - Access Analyzer `MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY`
    """

    id = "PRI010"
    name = "roles-anywhere-missing-actions"
    summary = (
        "A Roles Anywhere trust policy without sts:AssumeRole, SetSourceIdentity and TagSession."
    )
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("principal", "trust")
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        data = principal_data()["roles_anywhere"]
        service = data["principal"]
        first = None
        statements = []
        for statement in policy.statements:
            if not statement.is_allow:
                continue
            found = [
                p
                for p in statement.principals
                if p.kind == "Service" and p.value.lower() == service
            ]
            if found:
                first = first or found[0]
                statements.append(statement)
        if first is None:
            return
        missing = [
            action
            for action in data["actions"]
            if not any(statement_grants(s).covers(action) for s in statements)
        ]
        if missing:
            names = (
                ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
            )
            yield Report(
                first.path,
                f"IAM Roles Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and "
                f"sts:TagSession to assume this role; add {names}",
            )
