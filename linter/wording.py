"""Wording shared by rule messages: lists of names, and how catalog-dependent findings name the
catalog and the command that refreshes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.catalog import Catalog


def summarize_names(names: Sequence[str], limit: int = 5) -> str:
    """``a``, ``a and b``, ``a, b and c``; more than ``limit`` names end in ``and N more``."""
    names = list(names)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


#: How a user refreshes the offline catalog (named by every catalog-dependent finding).
CATALOG_REFRESH_COMMAND = "iamlint catalog update --from FILE"


def catalog_as_of(catalog: Catalog) -> str:
    """``the IAM catalog of 2025-12-02``: how catalog-dependent findings name their data."""
    return f"the IAM catalog of {catalog.as_of}"
