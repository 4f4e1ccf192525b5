"""New access since a revision: what a policy's ``Allow`` statements grant that the same policy
at an earlier revision did not (the offline counterpart of Access Analyzer's ``CheckNoNewAccess``).

A statement's grant is cut into *units*, one per ``Action`` value (or its ``NotAction``), per
``Resource`` value (or its ``NotResource``) and per principal. A unit is old access when one old
``Allow`` covers it on every dimension and no old ``Deny`` that may apply to it was dropped:

* actions: an old pattern covers the new one (``s3:*`` covers ``s3:Get*``), else every catalog
  action the new pattern matches is covered by name;
* resources and principals: an old pattern covers the new one (``arn:aws:s3:::b/*`` covers
  ``arn:aws:s3:::b/logs/*``; an account covers its roles; ``*`` covers everything), or an old
  ``NotResource`` excludes no part of it;
* conditions: the new statement's conditions, with what the new policy's conditional Denies make
  it require, imply each old condition entry (same key, operator and qualifier; a positive
  operator with fewer or narrower values, a negative one with more);
* Denies: each old ``Deny`` that may apply is still there (a new ``Deny`` covers what it covered,
  firing at least as often), or the new grant requires what it enforced.

What is not proven old is new, reported at the value that gives it: the ``Action`` value of a
new action, the ``Resource`` value that widened, the principal that was added, the condition
that was weakened or removed. The test is sound for what the catalog knows: it may report what
a closer reading would accept (``may`` access) but never stays silent on a grant it cannot match.

Values known only at deployment are read to stay silent: a new unknown value may equal the old
one, an old unknown may have been as wide as the new value, an old ``Deny`` with an unknown may
have covered nothing and a new one may cover everything. A finding is made only when the new
access holds for every value the unknowns could take.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from linter.access import action_may_act_on
from linter.grant_units import Unit, View, describe, implies, shown_values
from linter.grants import statement_grants
from linter.model import JsonPath, PolicyType
from linter.policy import ConditionEntry
from linter.wildcards import has_wildcard

if TYPE_CHECKING:
    from linter.catalog import Catalog
    from linter.policy import Policy

#: Policy types whose Deny statements limit what other policies grant: dropping one is new
#: access even when no Allow of the same policy overlaps it.
LIMITING_TYPES = frozenset({PolicyType.SCP, PolicyType.RCP})


class NewAccess(NamedTuple):
    """One finding: where (``path``, ``key`` as for ``Report``) and what is new."""

    path: JsonPath
    key: bool
    message: str


# -- the comparison -----------------------------------------------------------------------------


class Comparison:
    """The new policy against the old one: which units of each new Allow are new access."""

    def __init__(self, old: Policy, new: Policy, catalog: Catalog, ref: str) -> None:
        self.catalog = catalog
        self.ref = ref
        self.new = new
        self.old_allows = [View(s) for s in old.statements if s.is_allow]
        self.old_canonical = {v.canonical for v in self.old_allows}
        new_denies = [View(s) for s in new.statements if s.is_deny and s.action_element]
        kept = {d.canonical for d in new_denies}
        # An old Deny with an unknown value may have covered nothing: it guarded nothing.
        self.old_denies = [
            view
            for view in (View(s) for s in old.statements if s.is_deny and s.action_element)
            if not view.has_unknown and view.canonical not in kept
        ]
        self.new_denies = new_denies
        #: Denies of the new policy that remove what they cover, and those that add a condition.
        self.removing = [d for d in new_denies if d.unconditional or d.has_unknown]
        self.enforcing = [d for d in new_denies if d.enforced is not None and not d.has_unknown]
        self._counterparts: dict[int, View | None] = {}
        self._untouched: set[str] = set()  # action names of services nothing old can cover

    def findings(self) -> list[NewAccess]:
        found: dict[tuple[JsonPath, bool, str], _Group] = {}
        for statement in self.new.statements:
            if not statement.is_allow or statement.action_element is None:
                continue
            view = View(statement)
            if view.canonical in self.old_canonical and not self.old_denies:
                continue  # the same statement, and every old Deny is still there
            for anchor, kind, name, resource, principal, detail in self._new_units(view):
                group = found.setdefault((anchor.path, anchor.key, kind), _Group(kind, anchor))
                group.add(name, resource, principal, detail)
        results = [
            NewAccess(path, key, group.message(self.ref, self.catalog))
            for (path, key, _), group in found.items()
        ]
        if self.new.policy_type in LIMITING_TYPES:
            results.extend(self._dropped_denies())
        return results

    # -- per statement ------------------------------------------------------------------------

    def _new_units(self, view: View) -> Iterator[tuple[Unit, str, str, Unit, Unit, str]]:
        for action in view.actions:
            if action.kind == "unknown":
                continue
            for resource in view.resources:
                for principal in view.principals:
                    if self._unit_is_old(view, action, resource, principal, view.conditions):
                        continue
                    for name in self._new_names(view, action, resource, principal):
                        if name in self._untouched:  # no old Allow, no new Deny can touch it
                            yield action, "action", name, resource, principal, ""
                            continue
                        name_unit = Unit("pattern", name.lower(), action.path, action.key, name)
                        if self._removed(name_unit, resource, principal):
                            continue
                        conditions = view.conditions + self._enforced(
                            name_unit, resource, principal
                        )
                        if self._unit_is_old(view, name_unit, resource, principal, conditions):
                            continue
                        for anchor, kind, detail in self._cause(
                            view, action, name_unit, resource, principal, conditions
                        ):
                            yield anchor, kind, name, resource, principal, detail

    def _new_names(
        self, view: View, action: Unit, resource: Unit, principal: Unit
    ) -> Iterator[str]:
        """The names of ``_names``, a service at a time: a service whose every action an old
        Allow covers is skipped; one that no old Allow and no Deny of the new policy can touch
        is new as a whole (its names are added to ``_untouched``)."""
        names = self._names(view, action, resource)
        if len(names) < 2:
            yield from names
            return
        by_service: dict[str, list[str]] = {}
        for name in names:
            by_service.setdefault(name.partition(":")[0].lower(), []).append(name)
        for service, members in by_service.items():
            whole = Unit("pattern", f"{service}:*", action.path, action.key, f"{service}:*")
            if len(members) > 1 and self._unit_is_old(
                view, whole, resource, principal, view.conditions
            ):
                continue
            untouched = not any(old.may_act(whole) for old in self.old_allows) and not any(
                deny.may_act(whole) for deny in (*self.removing, *self.enforcing)
            )
            if untouched:
                self._untouched.update(members)
            yield from members

    def _names(self, view: View, action: Unit, resource: Unit) -> list[str]:
        """The action names a unit grants on ``resource``: the catalog's for a pattern or
        NotAction (the statement's grants index expands it once), the value itself for an exact
        name the catalog does not know; without the actions that cannot act on a resource the
        Resource value names (``s3:DeleteBucket`` on ``arn:aws:s3:::b/*`` grants nothing)."""
        if action.kind == "not":
            covered = statement_grants(view.statement).actions(self.catalog)
            names = [a.full_name for a in covered]
        elif not has_wildcard(action.shown):
            known = self.catalog.action(action.shown)
            names = [known.full_name if known is not None else action.shown]
        else:
            names = [a.full_name for a in self.catalog.match_actions(action.shown)]
        if resource.kind != "pattern":
            return names
        return [n for n in names if action_may_act_on(self.catalog, n, resource.value)]

    def _unit_is_old(
        self,
        view: View,
        action: Unit,
        resource: Unit,
        principal: Unit,
        conditions: tuple[ConditionEntry, ...],
    ) -> bool:
        if not any(
            old.covers(action, resource, principal)
            and self._conditions_imply(view, conditions, old.conditions)
            for old in self.old_allows
        ):
            return False
        return not self._dropped_deny(view, action, resource, principal, conditions)

    @staticmethod
    def _conditions_imply(
        view: View, given: tuple[ConditionEntry, ...], required: tuple[ConditionEntry, ...]
    ) -> bool:
        if view.condition_unknown:
            return True  # the unknown part may require all the old statement did
        return all(implies(given, entry) for entry in required)

    def _dropped_deny(
        self,
        view: View,
        action: Unit,
        resource: Unit,
        principal: Unit,
        conditions: tuple[ConditionEntry, ...],
    ) -> View | None:
        """An old Deny that may apply to the unit and that the new policy no longer has."""
        for deny in self.old_denies:
            if not (
                deny.may_act(action)
                and deny.may_touch_resource(resource)
                and deny.may_touch_principal(principal)
            ):
                continue
            if deny.enforced is not None and (
                view.condition_unknown or implies(conditions, deny.enforced)
            ):
                continue  # the grant requires what the Deny enforced: it never fires here
            if not any(
                _deny_kept(deny, new, action, resource, principal) for new in self.new_denies
            ):
                return deny
        return None

    def _removed(self, action: Unit, resource: Unit, principal: Unit) -> bool:
        """Whether a Deny of the new policy that always applies may remove the unit."""
        return any(deny.covers(action, resource, principal) for deny in self.removing)

    def _enforced(
        self, action: Unit, resource: Unit, principal: Unit
    ) -> tuple[ConditionEntry, ...]:
        return tuple(
            deny.enforced
            for deny in self.enforcing
            if deny.enforced is not None and deny.covers(action, resource, principal)
        )

    # -- why a unit is new ----------------------------------------------------------------------

    def _cause(
        self,
        view: View,
        action: Unit,
        name: Unit,
        resource: Unit,
        principal: Unit,
        conditions: tuple[ConditionEntry, ...],
    ) -> list[tuple[Unit, str, str]]:
        """Where the new access comes from, what kind it is, and a detail for the message: the
        first dimension on which the statement's old counterpart (``_counterpart``), else every
        old Allow, does not cover the unit."""
        counterpart = self._counterpart(view)
        if counterpart is not None:
            if not counterpart.covers_action(name):
                return [(action, "action", "")]
            if not counterpart.covers_resource(resource):
                return [(resource, "resource", "")]
            if not counterpart.covers_principal(principal):
                return [(principal, "principal", "")]
            if not self._conditions_imply(view, conditions, counterpart.conditions):
                return self._condition_cause(view, action, counterpart, conditions)
        candidates = [old for old in self.old_allows if old.covers_action(name)]
        if not candidates:
            return [(action, "action", "")]
        candidates = [old for old in candidates if old.covers_resource(resource)]
        if not candidates:
            return [(resource, "resource", "")]
        candidates = [old for old in candidates if old.covers_principal(principal)]
        if not candidates:
            return [(principal, "principal", "")]
        if not any(self._conditions_imply(view, conditions, o.conditions) for o in candidates):
            return self._condition_cause(view, action, candidates[0], conditions)
        deny = self._dropped_deny(view, name, resource, principal, conditions)
        shown = f"Deny {deny.statement.sid}" if deny and deny.statement.sid else "a Deny"
        return [(action, "deny", shown)]

    def _counterpart(self, view: View) -> View | None:
        """The old Allow this statement most likely is an edit of: the one with the same Sid,
        else the one sharing the most action, resource and principal values (None when no
        old Allow shares any). Findings are placed by comparing with it first, so a resource
        added to a statement is reported at the resource even when another old statement
        granted it under a condition."""
        found = self._counterparts.get(id(view), False)
        if found is not False:
            return found
        sid = view.statement.sid
        best: View | None = None
        if sid:
            best = next((old for old in self.old_allows if old.statement.sid == sid), None)
        if best is None:
            mine = shown_values(view)
            score = 0
            for old in self.old_allows:
                shared = len(mine & shown_values(old))
                if shared > score:
                    best, score = old, shared
        self._counterparts[id(view)] = best
        return best

    def _condition_cause(
        self,
        view: View,
        action: Unit,
        old: View,
        conditions: tuple[ConditionEntry, ...],
    ) -> list[tuple[Unit, str, str]]:
        """Each old condition entry the new statement no longer implies: at the new entry on
        the same key (weakened), else at the Condition key or the Action value (removed)."""
        causes = []
        statement = view.statement
        for missing in (entry for entry in old.conditions if not implies(conditions, entry)):
            same_key = [e for e in view.conditions if e.key_lower == missing.key_lower]
            if same_key:
                entry = same_key[0]
                where = Unit("pattern", None, entry.key_path, True, entry.key)
                old_values = ", ".join(str(item.value) for item in missing.values)
                detail = f"{describe(entry)} (at {self.ref}: {old_values or 'none'})"
                causes.append((where, "weakened", detail))
            elif "Condition" in statement.data:
                where = Unit("pattern", None, (*statement.path, "Condition"), True, "Condition")
                causes.append((where, "condition", describe(missing)))
            else:
                causes.append((action, "condition", describe(missing)))
        return causes

    # -- limiting policies ----------------------------------------------------------------------

    def _dropped_denies(self) -> list[NewAccess]:
        """In an SCP or RCP, each old Deny that no new Deny covers any more is new access by
        itself: at the Deny with the same Sid, else at the Statement key."""
        found = []
        for deny in self.old_denies:
            kept = any(
                all(
                    _deny_kept(deny, new, action, resource, principal)
                    for action in deny.actions
                    for resource in deny.resources
                    for principal in deny.principals
                )
                for new in self.new_denies
            )
            if kept:
                continue
            sid = deny.statement.sid
            same = [d for d in self.new_denies if sid and d.statement.sid == sid]
            what = ", ".join(u.shown for u in deny.actions)
            on = ", ".join(u.shown for u in deny.resources if u.kind != "none")
            scope = f"{what} on {on}" if on else what
            if same:
                statement = same[0].statement
                path: JsonPath = (*statement.path, statement.action_element or "Effect")
                message = f"new access since {self.ref}: Deny {sid} no longer covers all of {scope}"
            else:
                path = ("Statement",)
                label = f" {sid}" if sid else ""
                message = (
                    f"new access since {self.ref}: the Deny{label} of {scope} was removed; "
                    "this policy no longer limits it"
                )
            found.append(NewAccess(path, True, message))
        return found


def _deny_kept(old: View, new: View, action: Unit, resource: Unit, principal: Unit) -> bool:
    """Whether the new Deny ``new`` still denies what the old Deny ``old`` denied of the unit:
    it covers the unit (or all the old Deny covered) on every dimension and fires whenever the
    old one did (its condition entries are implied by the old Deny's)."""
    every_action = bool(old.actions) and all(new.covers_action(a) for a in old.actions)
    if not (new.covers_action(action) or every_action):
        return False
    if not (new.covers_resource(resource) or all(new.covers_resource(r) for r in old.resources)):
        return False
    if not (
        new.covers_principal(principal) or all(new.covers_principal(p) for p in old.principals)
    ):
        return False
    if new.has_unknown:
        return True
    return all(implies(old.conditions, entry) for entry in new.conditions)


class _Group:
    """The new units reported at one place, for one message."""

    def __init__(self, kind: str, anchor: Unit) -> None:
        self.kind = kind
        self.anchor = anchor
        self.names: dict[str, None] = {}
        self.resources: dict[str, None] = {}
        self.principals: dict[str, None] = {}
        self.details: dict[str, None] = {}

    def add(self, name: str, resource: Unit, principal: Unit, detail: str) -> None:
        self.names[name] = None
        if resource.kind != "none":
            self.resources[resource.shown] = None
        if principal.kind != "none":
            self.principals[principal.shown] = None
        if detail:
            self.details[detail] = None

    def message(self, ref: str, catalog: Catalog) -> str:
        actions = summarize_actions(list(self.names), catalog)
        on = f" on {_summarize(list(self.resources), 3)}" if self.resources else ""
        to = f" to {_summarize(list(self.principals), 3)}" if self.principals else ""
        head = f"new access since {ref}:"
        details = "; ".join(self.details)
        if self.kind == "principal":
            return f"{head} {_summarize(list(self.principals), 3)} may now use {actions}{on}"
        if self.kind == "weakened":
            return f"{head} {actions}{on}{to} under the weaker condition {details}"
        if self.kind == "condition":
            return f"{head} {actions}{on}{to} without the condition {details} that {ref} required"
        if self.kind == "deny":
            return f"{head} {actions}{on}{to}, which {details} denied at {ref}"
        return f"{head} {actions}{on}{to}"


def summarize_actions(names: list[str], catalog: Catalog) -> str:
    """Action names for a message: a whole service as ``svc:*``, at most four entries, and a
    count of actions and services for a grant that spans many services."""
    by_service: dict[str, list[str]] = {}
    for name in names:
        by_service.setdefault(name.partition(":")[0].lower(), []).append(name)
    shown: list[str] = []
    for service, members in by_service.items():
        total = len(catalog.match_actions(f"{service}:*")) if ":" in members[0] else 0
        if total > 1 and len({m.lower() for m in members}) >= total:
            shown.append(f"{members[0].partition(':')[0]}:*")
        else:
            shown.extend(members)
    if len(by_service) > 4:
        return f"{len(names):,} actions of {len(by_service)} services ({', '.join(shown[:3])}, ...)"
    return _summarize(shown, 4)


def _summarize(items: list[str], limit: int) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[: limit - 1])} and {len(items) - limit + 1} more"


def new_access(old: Policy, new: Policy, catalog: Catalog, ref: str) -> list[NewAccess]:
    """Where ``new`` grants access ``old`` did not, with messages naming ``ref``."""
    return Comparison(old, new, catalog, ref).findings()
