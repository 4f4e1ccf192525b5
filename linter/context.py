"""What a rule may consult besides the policy: the catalog and the rule settings."""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.catalog import Catalog


@dataclasses.dataclass(frozen=True)
class RuleSettings:
    """Settings the checks read; filled from ``[tool.iamlint]`` configuration."""

    required_tag_keys: tuple[str, ...] = ()
    required_encryption_context_keys: tuple[str, ...] = ()
    trusted_account_ids: tuple[str, ...] = ()
    trusted_oidc_providers: tuple[str, ...] = ()
    key_administrators: tuple[str, ...] = ()
    policy_size_kind: str = "managed"


class Context:
    """Per-run services for rules. The catalog is loaded on first use only."""

    def __init__(self, settings: RuleSettings | None = None) -> None:
        self.settings = settings or RuleSettings()

    @functools.cached_property
    def catalog(self) -> Catalog:
        from linter.catalog import load_catalog

        return load_catalog()
