"""CRD002 iam-user-principal: a key, resource or trust policy grants access to an IAM user ARN
instead of a role."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.principals import classify_principal


class IamUserPrincipal(Check):
    """## What it does
    Reports each IAM user ARN (`arn:aws:iam::111122223333:user/alice`) named as an `AWS`
    principal of an `Allow` statement in a KMS key policy, a resource policy or a role trust
    policy. `Deny` statements, account roots, roles, assumed-role sessions and services are not
    reported.

    ## Why is this bad?
    An IAM user signs its requests with long-term credentials (access keys, a password). Amazon
    Transcribe's security best practices ask you to use temporary credentials and IAM roles for
    applications and services; AWS recommends federating people through IAM Identity Center.
    Access granted to a user outlives the user's purpose, moves with leaked keys, and cannot be
    limited with the role-session condition keys. This is a note: a user principal is valid and
    sometimes unavoidable.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"},
     "Action": "kms:Decrypt", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/TranscribeApp"},
     "Action": "kms:Decrypt", "Resource": "*"}
    ```

    ## References
    - Use temporary credentials; use IAM roles: [Security best practices for Amazon Transcribe](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [IAM best practices: require human users to use federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp)
    - cloudsplaining and parliament have no equivalent; Access Analyzer reports user *unique ids*
      (`INVALID_USER_REFERENCE`), not user ARNs
    """

    id = "CRD002"
    name = "iam-user-principal"
    summary = "A key, resource or trust policy grants access to an IAM user instead of a role."
    severity = Severity.NOTE
    default = False  # opt-in: advice, not what a reviewer acts on (docs/precision.md)
    policy_types = frozenset({PolicyType.KMS_KEY, PolicyType.RESOURCE, PolicyType.TRUST})
    tags = ("security", "credentials", "principal", "transcribe")
    needs_elements = frozenset({"principal", "notprincipal"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        trust = policy.policy_type is PolicyType.TRUST
        for statement in policy.statements:
            if not statement.is_allow:
                continue
            for principal in statement.principals:
                if principal.kind != "AWS":
                    continue
                if classify_principal("AWS", principal.value).category != "user":
                    continue
                if trust:
                    advice = (
                        "trust the account or a role (for people, one from IAM Identity Center) "
                        "instead, so no long-term access key is needed"
                    )
                else:
                    advice = (
                        "grant the access to an IAM role that the application or person assumes"
                    )
                yield Report(
                    principal.path,
                    f"{principal.value} is an IAM user, which signs with long-term credentials; "
                    f"{advice}",
                )
