"""TRU005 oidc-trust-missing-condition: a role trusts a web-identity (OIDC) provider without
conditions that pin the token's audience and subject."""

from __future__ import annotations

from collections.abc import Iterator

from linter.check import Check, Report
from linter.conditions import constrains
from linter.context import Context
from linter.model import PolicyType, Severity
from linter.policy import Policy
from linter.policy_grants import policy_grants
from linter.principals import oidc_claim_conditions, oidc_provider, oidc_provider_facts
from linter.wildcards import wildcard_matches

_SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING, "note": Severity.NOTE}


def _pinned(claims: dict, names: list[str]) -> bool:
    return any(constrains(entry) for name in names for entry in claims.get(name, ()))


def is_trusted_provider(provider: str, value: str, trusted: tuple[str, ...]) -> bool:
    """Whether the ``trusted_oidc_providers`` setting names this provider (host/path or ARN;
    ``*`` and ``?`` allowed)."""
    return any(
        wildcard_matches(pattern, provider, case_sensitive=False)
        or wildcard_matches(pattern, value, case_sensitive=False)
        for pattern in trusted
    )


class OidcTrustMissingCondition(Check):
    """## What it does
    Reports each web-identity `Federated` principal (an `oidc-provider/...` ARN or
    `cognito-identity.amazonaws.com`, `accounts.google.com`, `graph.facebook.com`,
    `www.amazon.com`) of an `Allow` statement granting `sts:AssumeRoleWithWebIdentity` that
    lacks a constraining condition on the token's audience (`<provider>:aud`, `:app_id` for
    Amazon and Facebook) or, for providers whose tokens identify a workload, its subject
    (`<provider>:sub`). `IfExists`, negated operators and a bare `*` do not count. Per provider
    (`linter/data/trust.json`, with sources):

    | Provider | Missing audience | Missing subject |
    |---|---|---|
    | GitHub Actions (1) | warning | **error**: any repository on GitHub |
    | GitLab.com, HCP Terraform | warning | **error**: any project or organization |
    | Amazon EKS (2) | warning | warning: any service account of the cluster |
    | Cognito, Google, Facebook, Amazon | **error**: any application's users | not required |
    | any other OIDC provider | warning | note |

    (1) `token.actions.githubusercontent.com`; `:repository`, `:repository_id` and
    `:job_workflow_ref` also pin the repository. (2) `oidc.eks.<region>.amazonaws.com/id/<id>`.

    Providers listed in the `trusted_oidc_providers` setting are exempt.

    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` of the same
    policy removes the actions and resources it covers, and a conditional `Deny` that refuses the
    request when a key is missing or differs counts as that condition of the grant.

    ## Why is this bad?
    A role that trusts an identity provider accepts every token that provider signs. Without an
    audience condition any application of the provider can obtain such tokens; for shared CI
    providers such as GitHub Actions, anybody can run a workflow that requests one, so without a
    subject condition anybody on GitHub can assume the role.

    ## Example
    ```json
    {"Effect": "Allow",
     "Principal": {"Federated":
       "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {
       "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Allow",
     "Principal": {"Federated":
       "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {
       "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
       "token.actions.githubusercontent.com:sub": "repo:my-org/my-repo:ref:refs/heads/main"}}}
    ```

    ## References
    - [IAM: configuring a role for the GitHub OIDC identity provider](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub)
    - [IAM and AWS STS condition keys for web identity federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)
    - Access Analyzer `MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL`,
      `MISSING_GITHUB_REPO_CONDITION_KEY`; checkov `CKV_AWS_358` (Terraform)
    """

    id = "TRU005"
    name = "oidc-trust-missing-condition"
    summary = (
        "A role trusts an OIDC provider without conditions on the token's audience and subject."
    )
    severity = Severity.WARNING
    policy_types = frozenset({PolicyType.TRUST})
    tags = ("security", "trust", "oidc", "github")

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        trusted = context.settings.trusted_oidc_providers
        grants = policy_grants(policy, context.catalog)
        for statement in policy.allow_statements():
            effective = grants.effective(statement, ("sts:AssumeRoleWithWebIdentity",))
            if not effective:
                continue  # not granted, or an unconditional Deny removes it
            required = effective[0].conditions  # what Denies of the policy make it require
            for principal in statement.principals:
                provider = oidc_provider(principal.kind, principal.value)
                if provider is None or is_trusted_provider(provider, principal.value, trusted):
                    continue
                facts = oidc_provider_facts(provider)
                claims = oidc_claim_conditions(statement, provider)
                prefix = provider.lower() + ":"
                for entry in required:
                    if entry.key_lower.startswith(prefix):
                        claims.setdefault(entry.key_lower[len(prefix) :], []).append(entry)
                missing = []
                if not _pinned(claims, facts["audience"]):
                    missing.append((facts["audience"][0], _SEVERITY[facts["audience_severity"]]))
                if facts["subject"] and not _pinned(claims, facts["subject"]):
                    missing.append((facts["subject"][0], _SEVERITY[facts["subject_severity"]]))
                if not missing:
                    continue
                keys = " and ".join(f"{provider}:{claim}" for claim, _ in missing)
                fixes = []
                for claim, _ in missing:
                    if facts["subject"] and claim == facts["subject"][0]:
                        example = facts.get("example_subject")
                        hint = f', e.g. "{example}"' if example else ""
                        fixes.append(f"pin the subject with {provider}:{claim}{hint}")
                    else:
                        fixes.append(f"require {facts['audience_hint']} in {provider}:{claim}")
                severity = max((s for _, s in missing), key=lambda s: s.rank)
                yield Report(
                    principal.path,
                    f"the role trusts {facts['name']} tokens without a condition on {keys}, so "
                    f"{facts['anyone']} may assume it; {' and '.join(fixes)}",
                    severity=severity,
                )
