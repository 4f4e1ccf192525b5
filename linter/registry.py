"""The rules as the engine knows them: every rule's ``RuleInfo`` (from the generated index in
``checks/_index.py``), without importing any rule module. The one place ``linter`` reaches into
the ``checks`` package; a rule module is imported only when the engine first runs it
(``RuleInfo.load``)."""

from __future__ import annotations

from checks import RULE_INFO_BY_ID, RULES

__all__ = ["RULES", "RULE_INFO_BY_ID"]
