"""One grants analysis: what each statement covers, and what a policy grants after its Denies.

Every rule that says "allows X" asks the per-policy index instead of reading one statement alone:

    grants = policy_grants(policy, context.catalog)
    for statement in policy.allow_statements():
        for grant in grants.effective(statement, names):   # (action, resources, Deny conditions)
            ...
        grants.requires_key(statement, "kms:Decrypt", "kms:EncryptionContext:")

``StatementGrants`` (one per statement, computed once) says which actions a statement's
``Action``/``NotAction`` covers (exact names through a service-keyed pattern index; ``*`` kept
symbolic; the catalog expansion only on request), which resources (``Resource``/``NotResource``
patterns), which principals and under which conditions.

``PolicyGrants`` applies the policy's ``Deny`` statements to an ``Allow``:

- an **unconditional** Deny that covers the action and the Allow's principals removes the
  Allow's resource patterns it covers (``Resource``), or keeps only what lies inside its
  ``NotResource`` (a Deny with ``NotResource`` denies everything outside it). A grant with no
  resource left is gone;
- a **conditional** Deny with one condition entry that fires when the key is missing or has
  another value (``Null`` ``true``, ``StringNotEquals``, ``StringNotLike``, ``ArnNotEquals``,
  ``ArnNotLike``, ``NotIpAddress``, plain or ``IfExists``, no set qualifier), and that covers the
  action, the Allow's principals and every resource it still grants, is a constraint: the grant
  then requires the positive form of that entry (``Null`` ``false``, ``StringEquals``, …), which
  ``Grant.conditions`` holds (``ConditionEntry`` values at the Deny's paths);
- every other Deny (several condition entries, other operators, ``NotPrincipal``, a resource
  overlap that pattern comparison cannot decide) leaves the grant as it is: the analysis reports
  what *may* be granted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from linter.conditions import constrains
from linter.grants import (
    EVERY_ACTION,
    SCOPE_ALL,
    SCOPE_NAMED,
    SCOPE_NONE,
    SCOPE_PATTERN,
    StatementGrants,
    condition_blocks_action,
    constraining_entries,
    covers_every_resource,
    every_resource_anchor,
    is_full_admin,
    may_overlap,
    patterns_scope,
    reaches_every_resource,
    statement_grants,
)
from linter.policy import ConditionEntry, Statement, cached_property
from linter.sources import Unknown
from linter.wildcards import glob_covers, has_wildcard, wildcard_matches

if TYPE_CHECKING:
    from linter.catalog import Action, Catalog
    from linter.model import JsonPath
    from linter.policy import Policy


class Grant(NamedTuple):
    """One action an Allow statement grants after the policy's Denies.

    ``resources``: the Resource patterns still granted (``("*",)`` for a NotResource Allow,
    whose exclusions are in ``excluded``), narrowed to a Deny's NotResource where one applies;
    ``narrowed``: a Deny removed or narrowed some of them; ``conditions``: the entries that
    conditional Denies make the grant require (``StatementGrants.enforced``)."""

    action: str
    resources: tuple[str, ...]
    excluded: tuple[str, ...]
    narrowed: bool
    conditions: tuple[ConditionEntry, ...]

    def requires(self, *key_prefixes: str) -> bool:
        """Whether a Deny makes the grant require a key equal to, or below, one of
        ``key_prefixes`` (present, or with the values the Deny lists)."""
        return any(_requires(e) for e in entries_on_keys(self.conditions, *key_prefixes))


class PolicyGrants:
    """The grants index of one policy: a ``StatementGrants`` per statement and the effective
    grants of its Allow statements after its Deny statements."""

    def __init__(self, policy: Policy, catalog: Catalog) -> None:
        self.policy = policy
        self.catalog = catalog
        denies = [
            self.of(s) for s in policy.statements if s.is_deny and s.action_element is not None
        ]
        #: Deny statements that always apply.
        self.unconditional_denies = tuple(g for g in denies if g.unconditional)
        #: Deny statements whose condition an Allow can be made to require.
        self.enforcing_denies = tuple(g for g in denies if g.enforced is not None)

    @property
    def has_denies(self) -> bool:
        """Whether any Deny of the policy can remove or constrain a grant."""
        return bool(self.unconditional_denies or self.enforcing_denies)

    @cached_property
    def statements(self) -> tuple[StatementGrants, ...]:
        """The per-statement index of every statement, in document order."""
        return tuple(self.of(s) for s in self.policy.statements)

    def of(self, statement: Statement) -> StatementGrants:
        """The per-statement index of ``statement`` (``statement_grants``)."""
        return statement_grants(statement)

    def effective(self, statement: Statement, names: tuple[str, ...] | list[str]) -> list[Grant]:
        """The members of ``names`` (exact action names, or ``EVERY_ACTION`` alone) that the Allow
        ``statement`` grants once the policy's Denies apply, in the order given, each with the
        resources it still reaches and the conditions Denies add. Empty for a non-Allow."""
        if statement.effect != "Allow":
            return []
        allow = self.of(statement)
        if len(names) == 1 and names[0] == EVERY_ACTION:
            covered: tuple[str, ...] = (EVERY_ACTION,) if allow.every_action else ()
        else:
            covered = allow.covered(names)
        if not covered:
            return []
        if allow.resource_negated:
            start: tuple[str, ...] = ("*",)
            excluded = allow.resource_patterns
        else:
            start, excluded = allow.resource_patterns, ()
        if not self.has_denies:  # the common case: tuple.__new__ skips NamedTuple's Python __new__
            return [_new_grant(Grant, (name, start, excluded, False, ())) for name in covered]
        found = []
        for name in covered:
            grant = self._apply_denies(allow, name, start, excluded)
            if grant is not None:
                found.append(grant)
        return found

    def usable(self, statement: Statement, names: tuple[str, ...] | list[str]) -> list[Grant]:
        """``effective``, without the actions the Allow can never grant: only on ARNs of other
        services (``"Action": "*"`` on a QuickSight dataset grants no Transcribe action), or
        because a constraining condition of its own uses a key they never receive
        (``condition_blocks_action``). A Resource known only at deployment may be any."""
        unknown: tuple[str, ...] | None = ()
        if self.of(statement).unknown_resources:
            unknown = _unknown_patterns(statement.data.get(statement.resource_element or ""))
        return [
            grant
            for grant in self.effective(statement, names)
            if (
                unknown is None
                or _may_name_service(grant.resources + unknown, grant.action.partition(":")[0])
            )
            and not condition_blocks_action(statement, grant.action, self.catalog)
        ]

    def granted(self, statement: Statement, names: tuple[str, ...] | list[str]) -> list[str]:
        """The action names of ``effective``."""
        return [grant.action for grant in self.effective(statement, names)]

    def deny_conditions(self, statement: Statement, action: str) -> tuple[ConditionEntry, ...]:
        """The entries the policy's conditional Denies make the Allow's grant of ``action``
        require (empty when the grant is gone or nothing is required)."""
        for grant in self.effective(statement, (action,)):
            return grant.conditions
        return ()

    def requires_key(self, statement: Statement, action: str, *key_prefixes: str) -> bool:
        """Whether the Allow's grant of ``action`` requires a condition key equal to, or below,
        one of ``key_prefixes`` (a prefix ending in ``/`` or ``:`` matches the keys under it):
        through its own condition (a constraining value, or ``Null`` ``false``) or through a
        Deny of the policy (``Grant.conditions``). A grant the Denies remove requires nothing
        more: True."""
        grants = self.effective(statement, (action,))
        if not grants:
            return True
        entries = statement.conditions + grants[0].conditions
        return any(_requires(entry) for entry in entries_on_keys(entries, *key_prefixes))

    def in_scope(
        self, statement: Statement, names: tuple[str, ...] | list[str]
    ) -> tuple[tuple[str, ...], str]:
        """The ``names`` the Allow grants after the Denies on a resource of theirs
        (``grant_scope`` not ``SCOPE_NONE``), with the widest ``SCOPE_*`` among them."""
        granted = []
        widest = SCOPE_NONE
        for grant in self.effective(statement, names):
            scope = grant_scope(grant, self.catalog.action(grant.action))
            if scope == SCOPE_NONE:
                continue
            granted.append(grant.action)
            if _SCOPE_RANK[scope] > _SCOPE_RANK[widest]:
                widest = scope
        return tuple(granted), widest

    def every_resource_anchor(
        self, statement: Statement, grant: Grant, action: Action
    ) -> tuple[JsonPath, bool] | None:
        """Where the Allow reaches every resource of ``action`` through ``grant``
        (``reaches_every_resource`` of a pattern the Denies leave), as ``(path, key)`` for
        ``Report``: the Allow's own anchor (its first such Resource value or its NotResource
        key); None when the granted patterns all name fewer resources."""
        anchor = every_resource_anchor(statement, action)
        if not grant.narrowed or anchor is None:
            return anchor
        if any(reaches_every_resource(p, action) for p in grant.resources):
            return anchor
        return None

    def constrained(self, statement: Statement, grant: Grant) -> bool:
        """Whether the grant is narrowed by a condition: a constraining entry (``constrains``)
        of the Allow itself or one a conditional Deny makes it require."""
        return bool(constraining_entries(statement)) or any(constrains(e) for e in grant.conditions)

    def full_admin(self, statement: Statement) -> bool:
        """LPR001's finding: an Allow of ``*`` on every resource with no constraining condition
        (``is_full_admin``) that the policy's Denies leave as it is: no unconditional Deny of
        ``*`` removes it or narrows its resources below every resource, and no conditional Deny
        makes it require a constraining condition. A Deny of some actions (``iam:*``) leaves the
        statement full administrator access for everything else: still reported."""
        if not is_full_admin(statement):
            return False
        for grant in self.effective(statement, (EVERY_ACTION,)):
            if any(constrains(e) for e in grant.conditions):
                return False
            return not grant.narrowed or any(covers_every_resource(p) for p in grant.resources)
        return False

    def unrestricted(self, statement: Statement, names: tuple[str, ...]) -> list[str]:
        """The members of ``names`` (a data list of exact action names) that the Allow grants
        after the Denies on every resource of their type without a constraining condition,
        among the actions that have resource types; nothing for a full-admin statement
        (``full_admin``, LPR001's finding)."""
        if not statement.is_allow or constraining_entries(statement) or self.full_admin(statement):
            return []
        found = []
        for grant in self.effective(statement, names):
            action = self.catalog.action(grant.action)
            if action is None or not action.has_resource_types:
                continue
            if any(constrains(e) for e in grant.conditions):
                continue
            if self.every_resource_anchor(statement, grant, action) is not None:
                found.append(grant.action)
        return found

    def removed(self, statement: Statement) -> bool:
        """Whether an unconditional Deny of the policy covers everything the Allow ``statement``
        grants: all its actions (``*`` covers any; a Deny's action patterns each Action value
        of the Allow, or its NotAction a subset of the Allow's), all its resources and all its
        principals. Decided by pattern comparison; False when unsure."""
        if statement.effect != "Allow":
            return False
        allow = self.of(statement)
        return any(_covers_statement(deny, allow) for deny in self.unconditional_denies)

    def required(self, statement: Statement) -> tuple[ConditionEntry, ...]:
        """The entries that conditional Denies make every grant of the Allow ``statement``
        require (each such Deny covers all its actions, resources and principals)."""
        if statement.effect != "Allow" or not self.enforcing_denies:
            return ()
        allow = self.of(statement)
        return tuple(
            deny.enforced
            for deny in self.enforcing_denies
            if deny.enforced is not None and _covers_statement(deny, allow)
        )

    # -- internals --------------------------------------------------------------------------------

    def _apply_denies(
        self,
        allow: StatementGrants,
        name: str,
        resources: tuple[str, ...],
        excluded: tuple[str, ...],
    ) -> Grant | None:
        narrowed = False
        for deny in self.unconditional_denies:
            if not deny.may_deny(name) or not deny.covers_principals_of(allow):
                continue
            if deny.every_resource or deny.unknown_resources:
                return None  # a deploy-time Resource value may name every resource: silence
            if allow.statement.resource_element is None:
                # No Resource (a trust policy): the resource the policy is attached to, which a
                # Deny without Resource also means.
                if deny.statement.resource_element is None:
                    return None
                continue
            if deny.resource_negated:
                kept: list[str] = []
                for pattern in resources:
                    inside = deny.resource_patterns
                    if any(glob_covers(n, pattern) for n in inside):
                        kept.append(pattern)
                        continue
                    narrower = [n for n in inside if glob_covers(pattern, n)]
                    narrower = [n for n in narrower if not any(glob_covers(m, n) for m in excluded)]
                    if narrower:
                        kept.extend(narrower)
                    elif any(may_overlap(pattern, n) for n in inside):
                        kept.append(pattern)  # cannot tell: keep what may be granted
                        continue
                    narrowed = True
                resources = tuple(dict.fromkeys(kept))
            else:
                kept = [p for p in resources if not deny.covers_resource(p)]
                if len(kept) != len(resources):
                    narrowed = True
                resources = tuple(kept)
            if not resources:
                return None
        conditions = tuple(
            deny.enforced
            for deny in self.enforcing_denies
            if deny.enforced is not None
            and deny.may_deny(name)
            and deny.covers_principals_of(allow)
            and (deny.unknown_resources or all(deny.covers_resource(p) for p in resources))
        )
        return Grant(name, resources, excluded, narrowed, conditions)


_new_grant = tuple.__new__


def _covers_statement(deny: StatementGrants, allow: StatementGrants) -> bool:
    """Whether ``deny`` (its conditions aside) applies to every request ``allow`` allows."""
    if not deny.covers_principals_of(allow):
        return False
    if allow.statement.resource_element is None:
        if deny.statement.resource_element is not None and not (
            deny.every_resource or deny.unknown_resources
        ):
            return False
    elif allow.resource_negated:
        if not (deny.every_resource or deny.unknown_resources):
            return False
    elif not deny.unknown_resources and not all(
        deny.covers_resource(p) for p in allow.resource_patterns
    ):
        return False
    return _covers_actions(deny, allow)


def _covers_actions(deny: StatementGrants, allow: StatementGrants) -> bool:
    if deny.every_action or deny.unknown_actions:
        return True
    if not allow._has_actions:
        return False
    if allow.negated:
        # Every action but the Allow's NotAction: a Deny NotAction that excepts no more.
        return deny.negated and all(
            any(glob_covers(a.lower(), d.lower()) for a in allow.action_patterns)
            for d in deny.action_patterns
        )
    if deny.negated:
        return all(not has_wildcard(a) and deny.covers(a) for a in allow.action_patterns)
    return all(
        any(glob_covers(d.lower(), a.lower()) for d in deny.action_patterns)
        for a in allow.action_patterns
    )


_SCOPE_RANK = {SCOPE_NONE: 0, SCOPE_NAMED: 1, SCOPE_PATTERN: 2, SCOPE_ALL: 3}


def _unknown_patterns(value: object) -> tuple[str, ...] | None:
    """The patterns of the deploy-time values of a Resource element; None when one of them
    could be anything."""
    values = value if isinstance(value, list) else [value]
    patterns = []
    for item in values:
        if type(item) is Unknown:
            if item.pattern is None:
                return None
            patterns.append(item.pattern)
    return tuple(patterns)


def _may_name_service(patterns: tuple[str, ...], service: str) -> bool:
    """Whether one of the Resource ``patterns`` may name a resource of ``service``: anything
    but ARNs whose service field cannot be ``service`` (``arn:aws:quicksight:...`` for
    ``transcribe``). No pattern (no Resource element: a policy attached to its resource) may."""
    if not patterns:
        return True
    for pattern in patterns:
        fields = pattern.split(":", 3)
        if len(fields) < 3 or fields[0].lower() != "arn":
            return True
        if wildcard_matches(fields[2], service, case_sensitive=False):
            return True
    return False


def grant_scope(grant: Grant, action: Action | None) -> str:
    """How far ``grant`` reaches for ``action`` (``SCOPE_*``, as ``resource_scope`` for a
    statement): ``SCOPE_ALL`` for ``*`` (and a NotResource Allow no Deny narrowed); an action
    without resource types only through ``*``; an action the catalog does not know only on an
    unrestricted grant."""
    return patterns_scope(grant.resources, action)


def policy_grants(policy: Policy, catalog: Catalog) -> PolicyGrants:
    """The grants index of ``policy``, built on first use and kept on ``policy.grants_index``
    (rebuilt if asked with another catalog)."""
    index = policy.grants_index
    if not isinstance(index, PolicyGrants) or index.catalog is not catalog:
        index = PolicyGrants(policy, catalog)
        policy.grants_index = index
    return index


def common_conditions(grants: list[Grant]) -> tuple[ConditionEntry, ...]:
    """The Deny-required entries (``Grant.conditions``) that every one of ``grants`` has: what a
    rule reporting them together may count as a condition of all of them."""
    if not grants:
        return ()
    return tuple(e for e in grants[0].conditions if all(e in g.conditions for g in grants[1:]))


def entries_on_keys(
    entries: tuple[ConditionEntry, ...], *prefixes: str
) -> tuple[ConditionEntry, ...]:
    """The entries whose key equals one of ``prefixes`` (case-insensitive), or lies below one
    that ends in ``/`` or ``:``."""
    wanted = tuple(p.lower() for p in prefixes)
    return tuple(
        entry
        for entry in entries
        if any(
            entry.key_lower == p or (p.endswith(("/", ":")) and entry.key_lower.startswith(p))
            for p in wanted
        )
    )


def _requires(entry: ConditionEntry) -> bool:
    """An Allow-side entry that the request can only meet with the key present: a positive
    operator with values and no IfExists (Like with only ``*`` included, which still needs the
    key), ForAnyValue, or ``Null`` ``false``."""
    base = entry.base_operator.lower()
    if base == "null":
        return (
            entry.qualifier is None
            and bool(entry.values)
            and all(str(v.value).lower() == "false" for v in entry.values)
        )
    if entry.if_exists or "not" in base or not entry.values:
        return False
    return entry.qualifier is None or entry.qualifier.lower() == "foranyvalue"
