"""PRI005 principal-unique-id: a principal given as an IAM user or role unique id."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import all_principal_forms


class PrincipalUniqueId(Check):
    """## What it does
    Reports an `AWS` principal that is an IAM unique id: `AIDA…` (a user) or `AROA…` (a role)
    instead of the user's or role's ARN.

    ## Why is this bad?
    IAM stores a user or role principal as its unique id and shows the ARN again when you read
    the policy. An id in the policy text usually means the user or role was deleted: a new user
    or role with the same name gets a new id, so the statement no longer matches anyone. Ids
    also hide who is trusted from reviewers.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "AROADBQP57FF2AEXAMPLE"}, "Action": "sts:AssumeRole"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deployer"},
     "Action": "sts:AssumeRole"}
    ```

    ## References
    - [IAM JSON policy elements: Principal, IAM role principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles)
    - [IAM identifiers: unique identifiers](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
    - Access Analyzer `INVALID_ROLE_REFERENCE`, `INVALID_USER_REFERENCE`
    """

    id = "PRI005"
    name = "principal-unique-id"
    summary = "A principal given as an IAM user or role unique id instead of its ARN."
    severity = Severity.WARNING
    policy_types = frozenset(
        {PolicyType.RESOURCE, PolicyType.TRUST, PolicyType.KMS_KEY, PolicyType.VPC_ENDPOINT}
    )
    tags = ("principal",)
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            for principal, form in all_principal_forms(statement):
                if form.category in ("user-id", "role-id"):
                    what = "role" if form.category == "role-id" else "user"
                    yield Report(
                        principal.path,
                        f'"{principal.value}" is the unique id of an IAM {what}, not its ARN; '
                        f"an id here usually means the {what} was deleted and the statement "
                        f"matches no one: use the {what}'s ARN",
                    )
