"""What a rule may consult besides the policy: the catalog and the rule settings."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from linter.catalog import Catalog
    from linter.policy import Policy
    from linter.revisions import BaseRevision, PreviousPolicy


class RuleSettings(NamedTuple):
    """Settings the checks read; filled from ``[tool.iamlint]`` configuration.

    A field's configuration key is its name in kebab case. Its JSON schema comes from its type,
    or from ``SETTING_METADATA`` where the type alone does not say enough. (A NamedTuple, not a
    dataclass: creating a dataclass costs ~0.8 ms of start-up.)
    """

    required_tag_keys: tuple[str, ...] = ()
    required_encryption_context_keys: tuple[str, ...] = ()
    trusted_account_ids: tuple[str, ...] = ()
    trusted_oidc_providers: tuple[str, ...] = ()
    key_administrators: tuple[str, ...] = ()
    policy_size_kind: str = "managed"
    trust_policy_size_quota: int = 2048
    resource_policy_size_quota: int = 0
    # Entries {"actions": [...], "resources": [...]} (config) or ACTION_OR_ARN strings (CLI).
    access_not_granted: tuple[Any, ...] = ()


SETTING_METADATA: dict[str, dict[str, Any]] = {
    "policy_size_kind": {
        "schema": {"enum": ["managed", "role-inline", "user-inline", "group-inline"]},
        "description": "What identity policies are, for their size quota (POL004): a "
        "managed policy (6,144 characters) or a role's, user's or group's inline policies "
        "(10,240, 2,048 or 5,120 characters in total).",
    },
    "trust_policy_size_quota": {
        "schema": {"type": "integer", "minimum": 1, "maximum": 4096},
        "description": "The account's role trust policy length quota in characters (POL004; "
        "2,048 by default, up to 4,096 through Service Quotas).",
    },
    "resource_policy_size_quota": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "The size quota of resource-based policies in characters, e.g. "
        "20480 for S3 bucket policies (POL004); 0 leaves them unchecked, since the quota "
        "depends on the service.",
    },
    "access_not_granted": {
        "schema": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "properties": {
                    "actions": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "string",
                            "pattern": "^[^:]+:[^:]+$",
                            "examples": ["kms:ScheduleKeyDeletion"],
                        },
                    },
                    "resources": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "string",
                            "pattern": "^(arn:.+|\\*)$",
                            "examples": ["arn:aws:s3:::audit-logs/*"],
                        },
                    },
                },
            },
        },
        "description": "Access no policy may grant (LPR011, like Access Analyzer's "
        "CheckAccessNotGranted): entries with actions (on any resource), resources (any "
        'action) or both, e.g. [{actions = ["kms:ScheduleKeyDeletion"]}, {resources = '
        '["arn:aws:s3:::audit-logs/*"]}]. --access-not-granted adds entries.',
    },
}


class Context:
    """Per-run services for rules. The catalog is loaded on first use only.

    ``revision``: the revision ``--new-access-since`` compares with (None: no comparison);
    ``previous`` finds a policy as it was there."""

    def __init__(
        self,
        settings: RuleSettings | None = None,
        revision: BaseRevision | None = None,
        *,
        max_file_size: int = 10 * 1024 * 1024,
        max_depth: int = 64,
    ) -> None:
        self.settings = settings or RuleSettings()
        self.revision = revision
        self._limits = (max_file_size, max_depth)
        self._previous: Any = None

    def previous(self, policy: Policy) -> PreviousPolicy | None:
        """The policy as it was at ``revision``, found by file and source label; None when no
        comparison was asked for."""
        if self.revision is None:
            return None
        if self._previous is None:
            from linter.revisions import PreviousPolicies

            self._previous = PreviousPolicies(self.revision, *self._limits)
        return self._previous.find(
            policy.source_file, policy.source_label, policy.source_text, policy.document
        )

    @functools.cached_property
    def catalog(self) -> Catalog:
        from linter.catalog import load_catalog

        return load_catalog()
