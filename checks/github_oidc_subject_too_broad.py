"""TRU006 github-oidc-subject-too-broad: a GitHub Actions trust pins the token's subject with a
wildcard that admits other repositories, or every branch of one."""

from __future__ import annotations

from collections.abc import Iterator

from checks.oidc_trust_missing_condition import is_trusted_provider
from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.principals import oidc_claim_conditions, oidc_provider, oidc_provider_facts
from linter.wildcards import has_wildcard

ANY_REPOSITORY = "any"
OWNER_REPOSITORIES = "owner"
ANY_REF = "ref"


def subject_breadth(claim: str, value: str) -> tuple[str, str] | None:
    """How much a wildcard value of the ``sub`` or ``repository`` claim admits:
    (``any``, owner pattern), (``owner``, owner) or (``ref``, owner/repo); None when it pins a
    repository and its ref or environment, or is a custom subject format iamlint does not parse."""
    if not has_wildcard(value):
        return None
    if value.strip("*?") == "":
        return ANY_REPOSITORY, value
    if claim == "repository":
        owner, slash, repo = value.partition("/")
        if not slash or has_wildcard(owner):
            return ANY_REPOSITORY, owner
        return (OWNER_REPOSITORIES, owner) if has_wildcard(repo) else None
    if not value.lower().startswith("repo:"):
        return (ANY_REPOSITORY, value) if value[0] in "*?" else None
    owner, slash, rest = value[len("repo:") :].partition("/")
    if not slash or has_wildcard(owner):
        return ANY_REPOSITORY, owner
    repo, colon, context = rest.partition(":")
    if has_wildcard(repo):
        return OWNER_REPOSITORIES, owner
    if not colon or _context_open(context):
        return ANY_REF, f"{owner}/{repo}"
    return None


_REF_PREFIXES = ("refs/heads/", "refs/tags/", "refs/pull/")


def _context_open(context: str) -> bool:
    """Whether the part after ``repo:<owner>/<repo>:`` admits any branch, tag or environment:
    ``*``, ``ref:*``, ``ref:refs/heads/*``, ``environment:*`` (a wildcard where the name starts).
    ``ref:refs/tags/v*`` and ``ref:refs/heads/release-*`` pin a family of names and pass."""
    kind, _, name = context.partition(":")
    if not kind or has_wildcard(kind):
        return True
    if kind.lower() == "ref":
        for prefix in _REF_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
    elif kind.lower() == "pull_request":
        return False
    return not name or name[0] in "*?"


class GithubOidcSubjectTooBroad(Check):
    """## What it does
    Reports each wildcard value of `token.actions.githubusercontent.com:sub` (or `:repository`)
    under a `...Like` operator in an `Allow` statement that trusts GitHub Actions, by what it
    admits:
    - **error**: any repository, or repositories of any owner matching a pattern (`*`,
      `repo:*`, `repo:my-org*/app:*`): anyone can create such a repository;
    - **warning**: every repository of one owner (`repo:my-org/*`);
    - **note**: every branch, tag, pull request and environment of one repository
      (`repo:my-org/my-repo:*`, `...:ref:refs/heads/*`, `...:environment:*`); pin
      `ref:refs/heads/main` or `environment:prod` (a name prefix such as `ref:refs/tags/v*`
      passes).

    A missing subject condition is TRU005. Providers in `trusted_oidc_providers` are exempt.

    The policy is read as a whole (`docs/deny-awareness.md`): silent when an unconditional `Deny`
    of the same policy covers everything the statement allows; a conditional `Deny` that refuses
    the request when a key is missing or differs counts as that condition of the statement.

    ## Why is this bad?
    The subject is the only part of a GitHub Actions token that says which repository and which
    branch the workflow runs for. A wildcard in the owner admits repositories an attacker can
    create (`my-org*` matches `my-org-attacker`); a wildcard in the ref lets any branch or pull
    request of the repository obtain the role.

    ## Example
    ```json
    "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                  "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringEquals": {
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": "repo:my-org/my-repo:ref:refs/heads/main"}}
    ```

    ## References
    - [IAM: configuring a role for the GitHub OIDC identity provider](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub)
    - [GitHub: OpenID Connect in Amazon Web Services](https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services)
    - Access Analyzer `SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED`; checkov `CKV_AWS_358`
    """

    id = "TRU006"
    name = "github-oidc-subject-too-broad"
    summary = "A GitHub Actions trust uses a subject wildcard that admits other repositories."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("security", "trust", "oidc", "github")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        trusted = context.settings.trusted_oidc_providers
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            if grants.removed(statement):
                continue  # an unconditional Deny of the policy removes the trust
            for principal in statement.principals:
                provider = oidc_provider(principal.kind, principal.value)
                if provider is None or is_trusted_provider(provider, principal.value, trusted):
                    continue
                if oidc_provider_facts(provider).get("subject_format") != "github":
                    continue
                claims = oidc_claim_conditions(statement, provider)
                for claim in ("sub", "repository"):
                    for entry in claims.get(claim, ()):
                        if not constrains(entry) or not entry.base_operator.lower().endswith(
                            "like"
                        ):
                            continue
                        for item in entry.values:
                            if isinstance(item.value, str):
                                yield from _report(claim, item.value, item.path)


def _report(claim: str, value: str, path) -> Iterator[Report]:
    breadth = subject_breadth(claim, value)
    if breadth is None:
        return
    kind, what = breadth
    if kind == ANY_REPOSITORY:
        whose = "" if what.strip("*?") == "" else f' whose owner matches "{what}"'
        yield Report(
            path,
            f'"{value}" admits workflows of any GitHub repository{whose}, including ones '
            "anybody can create; name the owner and repository, e.g. "
            '"repo:my-org/my-repo:ref:refs/heads/main"',
        )
    elif kind == OWNER_REPOSITORIES:
        yield Report(
            path,
            f'"{value}" admits workflows of every repository of {what}; name the repository '
            "and branch or environment",
            severity=Severity.WARNING,
        )
    else:
        yield Report(
            path,
            f'"{value}" admits workflows of {what} on any branch, tag or environment; pin '
            '"ref:refs/heads/<branch>" or "environment:<name>"',
            severity=Severity.NOTE,
        )
