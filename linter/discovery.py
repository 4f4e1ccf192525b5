"""Finding the input files: command-line paths, recursive directory walks, include/exclude globs."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from linter.results import DEFAULT_INCLUDE

ALWAYS_SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".hg", ".svn", ".tox", ".venv"})


class InputFile(NamedTuple):
    """A file to lint. ``explicit`` files were named on the command line."""

    path: str
    explicit: bool


class InputError(NamedTuple):
    """A path that could not be walked (missing, broken symlink, loop, unreadable directory)."""

    path: str
    message: str


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    """Glob match on the path and each of its trailing segments (``policies/*.json`` style)."""
    normalized = path.replace(os.sep, "/")
    parts = normalized.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(normalized, pattern):
            return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(p, pattern) for p in parts):
            return True
        if any(fnmatch.fnmatchcase("/".join(parts[i:]), pattern) for i in range(1, len(parts))):
            return True
    return False


def discover(
    paths: Iterable[str],
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = (),
) -> Iterator[InputFile | InputError]:
    """Expand command-line paths into files, recursively for directories.

    Directory walks skip VCS folders, ``node_modules`` and excluded paths and never follow a
    symlinked directory twice (no loops). Files named explicitly are always linted, unless
    excluded.
    """
    include = tuple(include)
    exclude = tuple(exclude)
    for raw in paths:
        if raw == "-":
            yield InputFile("-", True)
            continue
        if exclude and matches_any(raw, exclude):
            continue
        if os.path.isdir(raw):
            yield from _walk(raw, include, exclude)
        elif os.path.lexists(raw) and not os.path.exists(raw):
            yield InputError(raw, "broken symbolic link")
        elif os.path.exists(raw):
            yield InputFile(raw, True)
        else:
            yield InputError(raw, "no such file or directory")


def _walk(root: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> Iterator[Any]:
    seen_directories: set[tuple[int, int]] = set()
    errors: list[InputError] = []

    def on_error(error: OSError) -> None:
        errors.append(InputError(error.filename or root, error.strerror or str(error)))

    for directory, subdirectories, files in os.walk(root, onerror=on_error, followlinks=True):
        try:
            stat = os.stat(directory)
            identity = (stat.st_dev, stat.st_ino)
        except OSError as error:
            yield InputError(directory, error.strerror or str(error))
            subdirectories[:] = []
            continue
        if identity in seen_directories:
            subdirectories[:] = []
            yield InputError(directory, "symbolic link loop: directory already visited")
            continue
        seen_directories.add(identity)
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if d not in ALWAYS_SKIPPED_DIRECTORIES
            and not (exclude and matches_any(os.path.join(directory, d), exclude))
        )
        for name in sorted(files):
            path = os.path.join(directory, name)
            if not any(fnmatch.fnmatchcase(name, pattern) for pattern in include):
                continue
            if exclude and matches_any(path, exclude):
                continue
            if os.path.islink(path) and not os.path.exists(path):
                yield InputError(path, "broken symbolic link")
                continue
            yield InputFile(path, False)
        yield from errors
        errors.clear()
