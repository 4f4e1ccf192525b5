"""PRI011 redundant-session-principal: an assumed-role session listed beside its own role."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import principal_forms


class RedundantSessionPrincipal(Check):
    """## What it does
    Reports an assumed-role session principal
    (`arn:aws:sts::111122223333:assumed-role/<role>/<session>`) listed in the same `Principal`
    as its role (`arn:aws:iam::111122223333:role/<path/><role>`).

    ## Why is this bad?
    A role principal already covers every session of that role, so the session entry changes
    nothing; it suggests the author meant to restrict access to one session, which the role
    entry defeats.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": [
       "arn:aws:iam::111122223333:role/Deployer",
       "arn:aws:sts::111122223333:assumed-role/Deployer/ci-session"]},
     "Action": "sts:AssumeRole"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"},
     "Action": "sts:AssumeRole"}
    ```

    ## References
    - [IAM JSON policy elements: Principal, role session principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session)
    - Access Analyzer `REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY`
    """

    id = "PRI011"
    name = "redundant-session-principal"
    summary = "An assumed-role session principal listed beside its own role."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset(
        {PolicyType.RESOURCE, PolicyType.TRUST, PolicyType.KMS_KEY, PolicyType.VPC_ENDPOINT}
    )
    tags = ("principal",)
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            roles: dict[tuple[str, str, str], str] = {}
            sessions = []
            for principal, form in principal_forms(statement):
                if form.category == "role":
                    roles.setdefault((form.partition, form.account, form.name), principal.value)
                elif form.category == "assumed-role":
                    sessions.append((principal, form))
            for principal, form in sessions:
                role = roles.get((form.partition, form.account, form.name))
                if role is not None:
                    yield Report(
                        principal.path,
                        f'"{principal.value}" is redundant: the role "{role}" in the same '
                        "Principal already covers all its sessions; remove the session",
                    )
