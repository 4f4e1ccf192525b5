"""LPR008 credentials-exposure: actions that return credentials allowed on every resource
without a condition."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from linter.check import Check, Report, services_of
from linter.context import Context
from linter.data_files import data_file
from linter.grants import every_resource_phrase, grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.wording import summarize_names


@functools.cache
def credential_returning_actions() -> tuple[str, ...]:
    """The actions of ``linter/data/credentials_exposure.json``."""
    return tuple(e["action"] for e in data_file("credentials_exposure.json")["actions"])


@functools.cache
def credential_returns() -> dict[str, str]:
    """What each action of the data file returns (``"role session credentials"``)."""
    return {e["action"]: e["returns"] for e in data_file("credentials_exposure.json")["actions"]}


class CredentialsExposure(Check):
    """## What it does
    Reports an `Allow` statement of an identity policy that grants, on every resource of their
    type (`"*"`, `NotResource`, `arn:aws:iam::<account>:role/*`) and without a constraining
    condition, actions whose response carries a credential: `sts:AssumeRole`,
    `redshift:GetClusterCredentials`, `rds-db:connect`, `ec2:GetPasswordData`,
    `lightsail:GetRelationalDatabaseMasterUserPassword`, `codeartifact:GetAuthorizationToken`, …
    (the list, with sources, is `linter/data/credentials_exposure.json`). Wildcards and
    `NotAction` are expanded. One finding per statement, on the first `Action` value that grants
    them.

    Only actions that support resource-level permissions are reported: `ecr:GetAuthorizationToken`,
    `sts:GetSessionToken` and the like have no resource type, so `"*"` is the only way to grant
    them. IAM user credentials (`iam:CreateAccessKey`, …) are CRD001's. `Deny` statements are
    never reported.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    A credential, token or password returned to the caller works outside the policy that allowed
    the call: role session credentials carry the role's permissions, a database password opens the
    database, an instance password opens the instance. On every resource the grant reaches every
    role the account trusts it to assume and every cluster or instance, including those created
    later. AWS managed policies do this for breadth, which is why this is a warning.

    ## Example
    ```json
    {"Effect": "Allow", "Action": ["sts:AssumeRole", "redshift:GetClusterCredentials"],
     "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Action": "sts:AssumeRole",
     "Resource": "arn:aws:iam::111122223333:role/transcribe-batch"}
    ```

    ## References
    - [IAM: grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    - parliament `CREDENTIALS_EXPOSURE` (community); cloudsplaining CredentialsExposure; checkov
      `CKV_AWS_107` / `CKV_AWS_287` (all three also flag actions without resource types)
    """

    id = "LPR008"
    name = "credentials-exposure"
    summary = "Actions that return credentials are allowed on every resource without a condition."
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "least-privilege", "credentials-exposure")
    needs_services = services_of(credential_returning_actions())

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        names = credential_returning_actions()
        grants = policy_grants(policy, catalog)
        for statement in policy.allow_statements():
            found = grants.unrestricted(statement, names)
            if not found:
                continue
            path, key = grant_anchor(statement, found)
            where = every_resource_phrase(statement, catalog.action(found[0]))
            if len(found) == 1:
                what = f"{found[0]} returns {credential_returns()[found[0]]}"
            else:
                what = f"{summarize_names(found)} return credentials"
            yield Report(
                path,
                f"{what} (usable beyond this policy), and the statement allows "
                f"{'it' if len(found) == 1 else 'them'} on every resource {where} without a "
                "condition; name the roles, clusters or instances, or add a condition",
                key=key,
            )
