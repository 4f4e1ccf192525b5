"""Which rules run: ``--select`` / ``--ignore`` by id, id prefix or tag; the longest match wins.

``DEFAULT`` selects the rules that are on by default (``Check.default``): the CLI's selection
when neither ``--select`` nor a configured ``select`` is given, with ``extend-select`` added
to it. ``ALL`` selects every rule, opt-in ones included; so does naming a rule, a prefix or a tag.
An empty ``select`` (the library API's default) also selects every rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from linter.check import Check
    from linter.rule_index import RuleInfo

    # A rule class, or its index record: both answer id, name and tags.
    Rule = TypeVar("Rule", type[Check], RuleInfo)


DEFAULT_SELECTOR = "DEFAULT"


def _match_length(rule: type[Check] | RuleInfo, selector: str) -> int:
    """How specifically ``selector`` names ``rule``: 0 for no match, higher is more specific."""
    selector_upper = selector.upper()
    if selector_upper == "ALL":
        return 1
    if selector_upper == DEFAULT_SELECTOR:
        return 1 if getattr(rule, "default", True) else 0
    if rule.id.upper() == selector_upper or rule.name == selector.lower():
        return 1000
    if rule.id.upper().startswith(selector_upper):
        return 1 + len(selector)
    if selector.lower() in rule.tags:
        return 1
    return 0


def is_selected(rule: type[Check] | RuleInfo, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """flake8's decision: the most specific of the matching select/ignore entries decides.

    With no ``select`` every rule is selected. On a tie, ignore wins.
    """
    best_select = max((_match_length(rule, s) for s in select), default=0) if select else 1
    best_ignore = max((_match_length(rule, s) for s in ignore), default=0)
    if best_select == 0:
        return False
    return best_select > best_ignore


def select_rules(
    rules: Iterable[Rule], select: Sequence[str], ignore: Sequence[str]
) -> tuple[Rule, ...]:
    return tuple(rule for rule in rules if is_selected(rule, select, ignore))


def unknown_selectors(
    rules: Iterable[type[Check] | RuleInfo], selectors: Iterable[str]
) -> list[str]:
    """Selectors that match no rule at all (a typo in --select should not pass silently)."""
    rules = tuple(rules)
    return [s for s in selectors if not any(_match_length(r, s) for r in rules)]
