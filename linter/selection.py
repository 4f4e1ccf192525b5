"""Which rules run: ``--select`` / ``--ignore`` by id, id prefix or tag; the longest match wins."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from linter.check import Check


def _match_length(rule: type[Check], selector: str) -> int:
    """How specifically ``selector`` names ``rule``: 0 for no match, higher is more specific."""
    selector_upper = selector.upper()
    if selector_upper == "ALL":
        return 1
    if rule.id.upper() == selector_upper or rule.name == selector.lower():
        return 1000
    if rule.id.upper().startswith(selector_upper):
        return 1 + len(selector)
    if selector.lower() in rule.tags:
        return 1
    return 0


def is_selected(rule: type[Check], select: Sequence[str], ignore: Sequence[str]) -> bool:
    """flake8's decision: the most specific of the matching select/ignore entries decides.

    With no ``select`` every rule is selected. On a tie, ignore wins.
    """
    best_select = max((_match_length(rule, s) for s in select), default=0) if select else 1
    best_ignore = max((_match_length(rule, s) for s in ignore), default=0)
    if best_select == 0:
        return False
    return best_select > best_ignore


def select_rules(
    rules: Iterable[type[Check]], select: Sequence[str], ignore: Sequence[str]
) -> tuple[type[Check], ...]:
    return tuple(rule for rule in rules if is_selected(rule, select, ignore))


def unknown_selectors(rules: Iterable[type[Check]], selectors: Iterable[str]) -> list[str]:
    """Selectors that match no rule at all (a typo in --select should not pass silently)."""
    rules = tuple(rules)
    return [s for s in selectors if not any(_match_length(r, s) for r in rules)]
