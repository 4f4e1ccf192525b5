"""CRD003 username-absent-for-roles: a statement that applies only to roles, services or
federated identities depends on ``aws:username``, which only IAM users have."""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.arns import parse_arn
from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.model import Severity
from linter.policy import Policy, Statement
from linter.principals import classify_principal

# ${aws:username} without a default value (``${aws:username, 'x'}`` always resolves)
_VARIABLE = re.compile(r"\$\{\s*aws:username\s*\}", re.IGNORECASE)
# Principal forms whose requests never carry aws:username (IAM condition keys page: "always
# included ... for IAM users. Anonymous requests and requests that are made using the AWS account
# root user or IAM roles do not include this key").
_NO_USERNAME = {
    "role": "role",
    "role-id": "role",
    "assumed-role": "role session",
    "federated-user": "federated user",
    "service": "service",
    "oidc-provider": "web identity",
    "web-identity": "web identity",
    "saml-provider": "SAML",
}
_NO_USERNAME_TYPES = {"assumedrole", "federateduser", "anonymous", "account"}


def _absent_because(statement: Statement) -> str | None:
    """Why ``aws:username`` can never be in a request this statement applies to, or None."""
    if statement.principals:
        kinds = []
        for principal in statement.principals:
            kind = _NO_USERNAME.get(classify_principal(principal.kind, principal.value).category)
            if kind is None:
                return None
            if kind not in kinds:
                kinds.append(kind)
        return "the " + " and ".join(kinds) + " principals this statement names"
    for entry in statement.conditions:
        if not constrains(entry):
            continue
        values = entry.string_values
        if entry.key_lower == "aws:principaltype" and all(
            v.lower() in _NO_USERNAME_TYPES for v in values
        ):
            return f"callers whose aws:PrincipalType is {' or '.join(values)}"
        if entry.key_lower == "aws:principalarn" and all(_is_role_arn(v) for v in values):
            return "the roles that aws:PrincipalArn allows"
    return None


def _is_role_arn(value: str) -> bool:
    arn = parse_arn(value)
    if arn is None:
        return False
    resource = arn.resource.lower()
    return (arn.service == "iam" and resource.startswith("role/")) or (
        arn.service == "sts" and resource.startswith("assumed-role/")
    )


def _matches_when_absent(operator_base: str, if_exists: bool) -> bool:
    base = operator_base.lower()
    return if_exists or base == "null" or "not" in base


class UsernameAbsentForRoles(Check):
    """## What it does
    Reports a use of `aws:username` (the condition key, or the `${aws:username}` policy variable
    in `Resource` or a condition value) in a statement that provably applies only to principals
    that have no user name: its `Principal` names only roles, assumed-role sessions, services,
    federated users or identity providers, or a condition limits it to `aws:PrincipalType`
    `AssumedRole`/`FederatedUser` or to role ARNs in `aws:PrincipalArn`. Uses that tolerate a
    missing key are not reported: `...IfExists` and negated operators, `Null`, and
    `${aws:username, 'default'}`.

    Identity policies without such a condition are not reported: iamlint cannot tell whether
    they will be attached to users or to roles.

    ## Why is this bad?
    `aws:username` is present only in requests signed by IAM users; "requests that are made using
    the AWS account root user or IAM roles do not include this key". A condition on an absent key
    is false and an unresolved variable matches nothing, so the statement silently never applies:
    an `Allow` grants nothing, a `Deny` protects nothing. Moving applications from IAM users to
    roles (a Transcribe best practice) breaks policies written this way.

    ## Example
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/test-role"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/home/${aws:username}/*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/test-role"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/home/${aws:PrincipalTag/team}/*"}
    ```

    ## References
    - [AWS global condition context keys: aws:username](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-username)
    - Default values: [IAM policy elements: variables and tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
    - Transcribe "Viewing transcription jobs based on tags" example (`${aws:username}` for a role)
    - No Access Analyzer, parliament or checkov equivalent
    """

    id = "CRD003"
    name = "username-absent-for-roles"
    summary = "A statement that applies only to roles or services depends on aws:username."
    severity = Severity.NOTE
    tags = ("security", "credentials", "condition", "transcribe")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        for statement in policy.statements:
            if not _mentions_username(statement):
                continue
            reason = _absent_because(statement)
            if reason is None:
                continue
            for item in statement.resources:
                if _VARIABLE.search(item.value):
                    yield Report(
                        item.path,
                        f"${{aws:username}} never resolves for {reason}, so this resource never "
                        "matches; use a principal tag (${aws:PrincipalTag/<key>}) or "
                        "${aws:userid} instead",
                    )
            for entry in statement.conditions:
                if _matches_when_absent(entry.base_operator, entry.if_exists):
                    continue
                if entry.key_lower == "aws:username":
                    yield Report(
                        entry.key_path,
                        f"aws:username is never present for {reason}, so this condition never "
                        "matches; use aws:userid or aws:PrincipalTag/<key> instead",
                        key=True,
                    )
                    continue
                for value in entry.values:
                    if isinstance(value.value, str) and _VARIABLE.search(value.value):
                        yield Report(
                            value.path,
                            f"${{aws:username}} never resolves for {reason}, so this condition "
                            "never matches; use a principal tag (${aws:PrincipalTag/<key>}) or "
                            "${aws:userid} instead",
                        )


def _mentions_username(statement: Statement) -> bool:
    cached = statement.__dict__.get("_mentions_username")
    if cached is None:
        cached = "aws:username" in statement.condition_keys or any(
            "${" in i.value and _VARIABLE.search(i.value) for i in statement.resources
        )
        if not cached:
            cached = any(
                isinstance(v.value, str) and "${" in v.value and _VARIABLE.search(v.value)
                for e in statement.conditions
                for v in e.values
            )
        statement.__dict__["_mentions_username"] = cached
    return cached
