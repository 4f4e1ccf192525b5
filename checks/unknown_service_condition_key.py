"""CND003 unknown-service-condition-key: a service condition key the catalog does not define."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from linter.catalog import Catalog
from linter.check import Check, Report
from linter.condition_keys import lookup_condition_key, undocumented_condition_key
from linter.conditions import condition_entries
from linter.context import Context
from linter.model import Severity
from linter.placeholders import is_placeholder
from linter.policy import Policy


class UnknownServiceConditionKey(Check):
    """## What it does
    Reports a condition key that is not `aws:…` and that the catalog does not define: a key
    without a `service:` prefix, a key whose service prefix no service uses, or a key the named
    service does not have. Key names are case-insensitive; templates (`s3:ExistingObjectTag/<key>`,
    `kms:EncryptionContext:<context-key>` including context keys with colons), cross-service keys
    (`ec2:SourceInstanceArn`) and federation keys (`saml:sub`, `accounts.google.com:aud`,
    `token.actions.githubusercontent.com:sub`, `<eks-oidc-host>/id/<id>:sub`) are known. Messages
    suggest the closest key and name the catalog's date, because a key newer than the catalog is
    reported too (refresh it with `iamlint catalog update`).

    An OIDC provider key whose claim IAM does not evaluate (`<provider>:groups`) is a **warning**;
    keys AWS uses in its own managed policies without documenting them
    (`linter/data/undocumented_condition_keys.json`) are a **note**.

    ## Why is this bad?
    A key that is not in the request context makes the condition false (or always true under a
    negated operator or `...IfExists`): an Allow grants nothing, a Deny never applies or always
    applies. Access Analyzer rejects the policy.

    ## Example
    ```json
    "Condition": {"StringEquals": {
      "transcribe:OutputEncryptionKmsKey": "arn:aws:kms:us-west-2:111122223333:key/EXAMPLE"}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringEquals": {
      "transcribe:OutputEncryptionKMSKeyId": "arn:aws:kms:us-west-2:111122223333:key/EXAMPLE"}}
    ```

    ## References
    - [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    - [IAM and AWS STS condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html)
    - Access Analyzer `INVALID_SERVICE_CONDITION_KEY`, `INVALID_SERVICE`,
      `INVALID_CONDITION_KEY_FORMAT`; parliament `UNKNOWN_CONDITION_FOR_ACTION`
    """

    id = "CND003"
    name = "unknown-service-condition-key"
    summary = "A service condition key that the catalog does not define."
    severity = Severity.ERROR
    tags = ("condition",)
    needs_elements = frozenset({"condition"})

    def run(self, policy: Policy, context: Context) -> Iterator[Report]:
        catalog = context.catalog
        for _statement, entry in condition_entries(policy):
            key = entry.key
            if entry.key_lower.startswith("aws:") or is_placeholder(key):
                continue  # aws: keys are CND002's, placeholders POL007's
            undocumented = undocumented_condition_key(key)
            if undocumented is not None:
                yield Report(
                    entry.key_path,
                    f"{key} is not a documented condition key (AWS uses it in "
                    f"{undocumented['used_in']}); the Service Authorization Reference does not "
                    "list it, so rely on it knowingly",
                    key=True,
                    severity=Severity.NOTE,
                )
                continue
            if lookup_condition_key(catalog, key) is not None:
                continue
            message, severity, suggestion = _message(catalog, key)
            fix = None
            if suggestion and "${" not in suggestion and "<" not in suggestion:
                from linter.fixes import Fix, ReplaceKey

                fix = Fix.unsafe(f"Write {suggestion}", ReplaceKey(entry.key_path, suggestion))
            yield Report(entry.key_path, message, key=True, severity=severity, fix=fix)


def _message(catalog: Catalog, key: str) -> tuple[str, Severity | None, str | None]:
    """The message, a severity that overrides the rule's, and the key probably meant."""
    prefix, separator, name = key.partition(":")
    if not separator or not prefix or not name:
        return (
            f'"{key}" is not a condition key: write service:name (e.g. s3:prefix) or aws:name',
            None,
            None,
        )
    lowered_prefix = prefix.lower()
    freshness = f"catalog {catalog.as_of}; newer keys need `iamlint catalog update`"
    if "." in lowered_prefix or "/" in lowered_prefix:
        return (
            f"{key}: IAM does not evaluate the claim {name!r} for identity provider {prefix}; "
            "use a claim such as aud, sub or amr",
            Severity.WARNING,
            None,
        )
    service = catalog.service(lowered_prefix)
    key_prefixes = getattr(catalog, "_key_prefixes", {})
    if service is None and lowered_prefix not in key_prefixes:
        suggestion = _suggest_prefix(catalog, lowered_prefix, name)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        return (
            f"{key}: no service uses the prefix {prefix!r} ({freshness}){hint}",
            None,
            suggestion,
        )
    services = [service] if service is not None else []
    services += [catalog.service(p) for p in key_prefixes.get(lowered_prefix, ())]
    suggestion = _suggest_key(tuple(s.prefix for s in services if s is not None), key, catalog)
    owner = service.name if service is not None else prefix
    hint = f"; did you mean {suggestion}?" if suggestion else ""
    return f"{key} is not a condition key of {owner} ({freshness}){hint}", None, suggestion


def _suggest_prefix(catalog: Catalog, prefix: str, name: str) -> str | None:
    import difflib

    close = difflib.get_close_matches(prefix, sorted(catalog.service_prefixes()), n=1, cutoff=0.75)
    if not close:
        return None
    candidate = f"{close[0]}:{name}"
    found = lookup_condition_key(catalog, candidate)
    return found.name if found is not None and not found.is_template else candidate


@functools.lru_cache(maxsize=256)
def _suggest_key(prefixes: tuple[str, ...], key: str, catalog: Catalog) -> str | None:
    import difflib

    lowered = key.lower()
    names: dict[str, str] = {}
    for prefix in prefixes:
        service = catalog.service(prefix)
        if service is None:
            continue
        for condition_key in service.condition_keys():
            name = condition_key.name
            if not name.lower().startswith(f"{prefix}:"):
                continue
            if condition_key.is_template:
                # Compare the fixed head ("kms:EncryptionContext:") with the same part of the key.
                head = re.split(r"\$\{|<", name, maxsplit=1)[0]
                separator = head[-1:] if head[-1:] in ":/" else ""
                key_head, rest = _split_like(key, head, separator)
                if difflib.SequenceMatcher(None, key_head.lower(), head.lower()).ratio() >= 0.85:
                    return head + (rest or "<" + _placeholder(name) + ">")
                continue
            names[name.lower()] = name
    close = difflib.get_close_matches(lowered, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def _split_like(key: str, head: str, separator: str) -> tuple[str, str]:
    """Split ``key`` where ``head`` ends: after as many ``separator`` characters as ``head`` has."""
    if not separator:
        return key, ""
    count = head.count(separator)
    parts = key.split(separator)
    if len(parts) <= count:
        return key + separator, ""
    return separator.join(parts[:count]) + separator, separator.join(parts[count:])


def _placeholder(template: str) -> str:
    match = re.search(r"\$\{([^}]*)\}|<([^>]*)>", template)
    name = (match.group(1) or match.group(2)) if match else "value"
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
