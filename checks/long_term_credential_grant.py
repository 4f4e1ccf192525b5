"""CRD001 long-term-credential-grant: an Allow lets callers create or re-activate long-term
credentials (access keys, passwords, SSH keys, …) for IAM users other than themselves."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from linter.arns import parse_arn
from linter.check import Check, Report
from linter.context import Context
from linter.data_files import data_file
from linter.grants import grant_anchor
from linter.model import PolicyType, Severity
from linter.policy import Policy, Statement
from linter.policy_grants import Grant, common_conditions, policy_grants
from linter.principals import names_calling_principal, principal_limiting_condition
from linter.wildcards import glob_matcher, has_wildcard
from linter.wording import summarize_names

# user/<optional path, wildcards allowed/>${aws:username}: the caller's own user (user names are
# unique in an account whatever the path; the variable's case is tolerated either way: an
# unresolved variable matches nothing, so it never reaches another user)
_SELF_USER = re.compile(r"^user/(?:.*/)?\$\{aws:username\}$", re.IGNORECASE)


@functools.cache
def credential_actions() -> tuple[str, ...]:
    """The actions of ``linter/data/long_term_credentials.json``."""
    return tuple(entry["action"] for entry in data_file("long_term_credentials.json")["actions"])


def _user_targets(statement: Statement) -> tuple[bool, list[str]]:
    """(reaches other users, the Resource values that do). A Resource reaches IAM users when it
    is ``*``, a NotResource, or an IAM ARN whose resource part can start with ``user/``;
    ``user/${aws:username}`` (optionally under a path) is the caller's own user."""
    if statement.resource_element == "NotResource":
        return True, ["every resource outside NotResource"]
    return _pattern_targets(tuple(item.value for item in statement.resources))


def _pattern_targets(values: tuple[str, ...]) -> tuple[bool, list[str]]:
    """``_user_targets`` of Resource patterns (those a grant keeps after the policy's Denies)."""
    others = []
    for value in values:
        if value.strip("*") == "":
            others.append(value)
            continue
        arn = parse_arn(value)
        if arn is None or not _could_be(arn.service, "iam"):
            continue
        resource = arn.resource
        if _SELF_USER.match(resource):
            continue
        literal = re.split(r"[*?]|\$\{", resource, maxsplit=1)[0].lower()
        if literal.startswith("user/") or "user/".startswith(literal):
            others.append(value)
    return bool(others), others


def _could_be(pattern: str, text: str) -> bool:
    if not has_wildcard(pattern):
        return pattern.lower() == text
    return glob_matcher(pattern, ignore_case=True)(text)


class LongTermCredentialGrant(Check):
    """## What it does
    Reports an `Allow` statement of an identity policy that lets its holder create or re-activate
    long-term credentials of IAM users other than the caller: `iam:CreateAccessKey`,
    `iam:UpdateAccessKey`, `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`, the
    service-specific credential, SSH key and signing certificate actions (the list, with a source
    per action, is `linter/data/long_term_credentials.json`). Wildcards and `NotAction` are
    expanded (`iam:*`, `iam:Create*`, `*` and `"NotAction": "s3:*"` all grant
    `iam:CreateAccessKey`). One finding per statement, at the `Action` value that grants them.

    Silent when every IAM user the statement reaches is the caller's own user,
    `arn:aws:iam::*:user/${aws:username}` (optionally under a path): that is AWS's recommended
    self-service key-rotation policy. When a condition limits the statement to named callers
    (`aws:PrincipalArn`, `aws:userid`, `aws:username`, `aws:PrincipalTag/<key>`) the finding is
    a note: the grant is deliberate and narrow, but it still creates long-term credentials.
    `Deny` statements are the protection and never reported.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    Amazon Transcribe's security best practices say "use temporary credentials whenever
    possible"; the IAM best practices say "require workloads to use temporary credentials with IAM
    roles". Access keys, passwords and service-specific credentials do not expire on their own,
    and whoever may create them for other users can mint a lasting back door for any user,
    including an administrator.

    ## Example
    ```json
    {"Effect": "Allow", "Action": "iam:CreateAccessKey",
     "Resource": "arn:aws:iam::111122223333:user/*"}
    ```

    ## Use instead
    Give applications and services an IAM role. Where an IAM user must rotate its own key, limit
    the grant to the caller:
    ```json
    {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:UpdateAccessKey"],
     "Resource": "arn:aws:iam::*:user/${aws:username}"}
    ```

    ## References
    - [Security best practices for Amazon Transcribe](https://docs.aws.amazon.com/transcribe/latest/dg/security-best-practices.html)
    - [IAM best practices: temporary credentials; rotate access keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#rotate-credentials)
    - The self-rotation policy on `user/${aws:username}`: [Managing access keys for IAM users](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html)
    - parliament `CREDENTIALS_EXPOSURE`; cloudsplaining CredentialsExposure; checkov
      `CKV_AWS_107`/`CKV_AWS_287` (those flag APIs that *return* credentials and also condemn the
      self-rotation policy)
    """

    id = "CRD001"
    name = "long-term-credential-grant"
    summary = (
        "An Allow lets callers create or re-activate long-term credentials of other IAM users."
    )
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "credentials", "iam", "transcribe")
    needs_services = frozenset({"iam"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        names = credential_actions()
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            granted: list[str] = []
            targets: list[str] = []
            reaching: list[Grant] = []
            for grant in grants.effective(statement, names):
                if grant.narrowed:  # a Deny left only some of the Resource patterns
                    reaches, found = _pattern_targets(grant.resources)
                else:
                    reaches, found = _user_targets(statement)
                if reaches:
                    reaching.append(grant)
                    granted.append(grant.action)
                    targets.extend(t for t in found if t not in targets)
            if not granted:
                continue
            path, key = grant_anchor(statement, granted)
            whom = _whom(targets)
            limit = principal_limiting_condition(statement) or next(
                (e for e in common_conditions(reaching) if names_calling_principal(e)), None
            )  # a condition of its own, or one a Deny of the policy makes it require
            if limit is not None:
                yield Report(
                    path,
                    f"the statement lets callers matching {limit.key} create or re-activate "
                    f"long-term credentials ({summarize_names(granted)}) for {whom}; prefer "
                    "IAM roles with temporary credentials",
                    key=key,
                    severity=Severity.NOTE,
                )
                continue
            yield Report(
                path,
                f"the statement allows creating or re-activating long-term credentials "
                f"({summarize_names(granted)}) for {whom}; use IAM roles with temporary "
                'credentials, or limit it to the caller with "arn:aws:iam::*:user/${aws:username}"',
                key=key,
            )


def _whom(targets: list[str]) -> str:
    if any(t.strip("*") == "" or t.startswith("every resource") for t in targets):
        return "any IAM user"
    if len(targets) == 1:
        return targets[0]
    return summarize_names(targets, 3)
