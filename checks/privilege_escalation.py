"""LPR003 privilege-escalation: the policy allows every action of a known privilege-escalation
method (Rhino Security Labs, cloudsplaining 0.9.1), possibly spread over several statements."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from linter.check import Check, Report, services_of
from linter.conditions import constrains
from linter.context import Context
from linter.data_files import data_file
from linter.grants import (
    constraining_entries,
    grant_anchor,
)
from linter.model import PolicyType, Severity
from linter.policy import ConditionEntry, Policy, Statement
from linter.policy_grants import policy_grants
from linter.wildcards import wildcard_matches
from linter.wording import summarize_names

if TYPE_CHECKING:
    from linter.catalog import Catalog

PASS_ROLE = "iam:PassRole"
_PASS_ROLE_LOWER = PASS_ROLE.lower()


class Method(NamedTuple):
    """One escalation method of ``linter/data/privilege_escalation.json``."""

    id: str
    name: str
    actions: tuple[str, ...]  # canonical spelling
    keys: frozenset[str]  # lower-case action names
    passes_role_to: tuple[str, ...]
    source: str
    administrator: bool  # impact "administrator": the caller can write itself any permission


@functools.cache
def escalation_methods() -> tuple[Method, ...]:
    """The methods LPR003 checks: every entry of the data file without ``covered_by``."""
    return tuple(
        Method(
            entry["id"],
            entry["name"],
            tuple(entry["actions"]),
            frozenset(a.lower() for a in entry["actions"]),
            tuple(entry.get("passes_role_to", ())),
            entry["source"],
            entry["impact"] == "administrator",
        )
        for entry in data_file("privilege_escalation.json")["methods"]
        if "covered_by" not in entry
    )


@functools.cache
def _method_action_names() -> tuple[str, ...]:
    """Every action some method needs, canonical spelling, once."""
    return tuple(dict.fromkeys(name for method in escalation_methods() for name in method.actions))


class Grant(NamedTuple):
    """A statement that allows one method action on every resource of its type. ``passed_to``:
    its constraining ``iam:PassedToService`` entries (iam:PassRole only)."""

    statement: Statement
    passed_to: tuple[ConditionEntry, ...]


def escalation_grants(policy: Policy, catalog: Catalog) -> dict[str, tuple[Grant, ...]]:
    """The index the rule works from: lower-case method action → the Allow statements that grant
    it unrestricted after the policy's Denies (``PolicyGrants.effective``: every resource of its
    type, no constraining condition of its own or required by a Deny, except
    ``iam:PassedToService`` on iam:PassRole), in document order. One pass over the statements,
    through the policy's grants index."""
    grants = policy_grants(policy, catalog)
    index: dict[str, list[Grant]] = {}
    names = _method_action_names()
    for statement in policy.allow_statements():
        if grants.full_admin(statement):
            continue  # LPR001's finding; every method through it says nothing more
        entries = constraining_entries(statement)
        for grant in grants.effective(statement, names):
            name = grant.action
            required = entries + tuple(e for e in grant.conditions if constrains(e))
            passed_to: tuple[ConditionEntry, ...] = ()
            if required:
                if name.lower() != _PASS_ROLE_LOWER:
                    continue
                passed_to = tuple(e for e in required if e.key_lower == "iam:passedtoservice")
                if len(passed_to) != len(required):
                    continue
            action = catalog.action(name)
            if action is None or grants.every_resource_anchor(statement, grant, action) is None:
                continue
            index.setdefault(name.lower(), []).append(Grant(statement, passed_to))
    return {name: tuple(found) for name, found in index.items()}


def _passes_to(grant: Grant, services: tuple[str, ...]) -> bool:
    """Whether the grant's ``iam:PassedToService`` conditions admit one of ``services``."""
    for entry in grant.passed_to:
        like = entry.base_operator.lower().endswith("like")
        if not any(
            wildcard_matches(value, service, case_sensitive=False)
            if like
            else value.lower() == service
            for value in entry.string_values
            for service in services
        ):
            return False
    return True


class Completion(NamedTuple):
    """A method the policy allows, and the statement that supplies its last action."""

    method: Method
    sources: tuple[tuple[str, Statement], ...]  # (action, first statement that grants it)
    statement: Statement


def allowed_methods(policy: Policy, catalog: Catalog) -> list[Completion]:
    """The methods whose every action the policy allows (``escalation_grants``), keeping only
    the smallest: a method whose actions include all those of another allowed method is left out
    (AttachUserPolicyThenCreateAccessKey adds nothing to AttachUserPolicy)."""
    index = escalation_grants(policy, catalog)
    if not index:
        return []
    found = []
    for method in escalation_methods():
        sources = []
        for name in method.actions:
            grants = index.get(name.lower(), ())
            if name == PASS_ROLE:
                grants = tuple(g for g in grants if _passes_to(g, method.passes_role_to))
            if not grants:
                break
            sources.append((name, grants[0].statement))
        else:
            last = max((statement for _, statement in sources), key=lambda s: s.index)
            found.append(Completion(method, tuple(sources), last))
    return [
        completion
        for completion in found
        if not any(other.method.keys < completion.method.keys for other in found)
    ]


class PrivilegeEscalation(Check):
    """## What it does
    Reports an identity policy that allows every action of a known privilege-escalation method: the
    21 methods Rhino Security Labs published in 2018, their later additions, the pathfinding.cloud
    paths cloudsplaining 0.9.1 carries, Bishop Fox iam-vulnerable's 31 paths (adding SSM
    SendCommand/StartSession, CloudFormation UpdateStack, sts:AssumeRole) and the pathfinding.cloud
    paths published since (App Runner UpdateService, CodeBuild buildspec overrides, SSM Automation,
    Batch, EMR, AttachRolePolicy/PutRolePolicy then AssumeRole): 72 methods, each with its source,
    in `linter/data/privilege_escalation.json`. The actions of a method may come from different
    statements (`iam:PassRole` in one, `lambda:CreateFunction` and `lambda:InvokeFunction` in
    another). The finding is on the `Action` value of the statement that completes the method (the
    latest statement the method needs), one finding per completing statement, on its first `Action`
    value that a method needs, naming every method it completes and where the other actions come
    from.

    An action counts when an `Allow` grants it — by name, through a wildcard or through
    `NotAction` — on every resource of its type (`"*"`, `arn:aws:iam::<account>:role/*`,
    `NotResource`; actions without resource types on `"*"`), without a constraining condition.
    Exception: `iam:PassRole` with a constraining `iam:PassedToService` still counts for the
    methods that pass a role to a service it names (`lambda.amazonaws.com` for the Lambda methods).
    The policy is read as a whole (`docs/deny-awareness.md`): an unconditional `Deny` removes the
    actions and resources it covers, and a conditional one that makes the grant require a key
    counts as that condition. A method that contains another allowed method is not listed. The
    methods that only create or reset IAM user credentials (CreateAccessKey, CreateLoginProfile,
    UpdateLoginProfile) are CRD001's, and a full-admin statement (LPR001) is not counted again.

    An error when a completed method lets the caller write itself any permission (a policy
    version, an attached or inline policy: impact `administrator` in the data); a warning when it
    gains the permissions of an existing or passable role, group or policy version, which Rhino
    describes as anything "from no privilege escalation to full administrator access".

    ## Why is this bad?
    Each method turns the allowed actions into more permissions than the policy states: writing
    or attaching a policy, changing a role's trust policy, or running code (Lambda, EC2, Glue,
    CloudFormation, ECS, SageMaker, CodeBuild) under a more privileged role. A policy that allows a
    method is as powerful as the most privileged role or policy in the account.

    ## Example
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
      {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
       "Resource": "*"}]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "iam:PassRole",
       "Resource": "arn:aws:iam::111122223333:role/lambda-transcribe-worker",
       "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
      {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
       "Resource": "arn:aws:lambda:us-west-2:111122223333:function:transcribe-*"}]}
    ```

    ## References
    - [Rhino Security Labs: AWS IAM Privilege Escalation - Methods and Mitigation](https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/)
    - [pathfinding.cloud escalation paths](https://pathfinding.cloud/paths/) (cloudsplaining 0.9.1)
    - [Bishop Fox iam-vulnerable](https://github.com/BishopFox/iam-vulnerable) privilege-escalation
      paths
    - [IAM: grant a user permissions to pass a role](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
    - parliament `PRIVILEGE_ESCALATION` (community, 22 methods, one statement's view); checkov
      `CKV_AWS_110` / `CKV_AWS_286`; cloudsplaining PrivilegeEscalation; Access Analyzer has no
      equivalent
    """

    id = "LPR003"
    name = "privilege-escalation"
    summary = "The policy allows every action of a known privilege-escalation method."
    severity = Severity.ERROR
    policy_types = frozenset({PolicyType.IDENTITY})
    tags = ("security", "least-privilege", "privilege-escalation")
    needs_services = services_of(_method_action_names())

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        groups: dict[int, list[Completion]] = {}
        for completion in allowed_methods(policy, context.catalog):
            groups.setdefault(completion.statement.index, []).append(completion)
        for completions in groups.values():
            statement = completions[0].statement
            here = [name for c in completions for name, src in c.sources if src is statement]
            path, key = grant_anchor(statement, here)
            completions.sort(key=lambda c: not c.method.administrator)
            methods = [_describe(c) for c in completions]
            count = "a method" if len(methods) == 1 else f"{len(methods)} methods"
            administrator = completions[0].method.administrator
            gain = "any permission" if administrator else "the permissions of other roles"
            yield Report(
                path,
                f"the policy allows privilege escalation to {gain} by {count}: "
                f"{summarize_names(methods, 3)}; scope these actions to named resources or add "
                "conditions (iam:PassedToService for iam:PassRole), or split them between roles",
                key=key,
                severity=None if administrator else Severity.WARNING,
            )


def _describe(completion: Completion) -> str:
    """``PassExistingRoleToNewLambdaThenInvoke (iam:PassRole from Statement[0] with
    lambda:CreateFunction and lambda:InvokeFunction here)``; ``AttachRolePolicy
    (iam:AttachRolePolicy)`` when this statement supplies every action."""
    here = [name for name, source in completion.sources if source is completion.statement]
    elsewhere = [
        f"{name} from {statement_label(source)}"
        for name, source in completion.sources
        if source is not completion.statement
    ]
    if not elsewhere:
        return f"{completion.method.name} ({', '.join(here)})"
    return f"{completion.method.name} ({', '.join(elsewhere)} with {summarize_names(here)} here)"


def statement_label(statement: Statement) -> str:
    """How a message names another statement: ``statement "Sid"``, else ``Statement[2]``."""
    if statement.sid:
        return f'statement "{statement.sid}"'
    if len(statement.path) == 1:
        return "the Statement object"
    return f"Statement[{statement.index}]"
