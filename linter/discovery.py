"""Finding the input files: command-line paths, recursive directory walks, include/exclude globs.

Directory walks skip what ``.gitignore`` files ignore (``linter.gitignore``; those of the
repository above the walked directory count too); files named explicitly are always linted. A
file reached twice (named twice, or through a directory and by name, or through a symbolic link)
is linted once, under the first name it was reached by, and counts as explicit if it was named.
"""

from __future__ import annotations

import fnmatch
import os
import stat as stat_module
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from linter.gitignore import GitIgnore

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
    paths: Iterable[str | InputFile | InputError],
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = (),
    respect_gitignore: bool = True,
) -> Iterator[InputFile | InputError]:
    """Expand command-line paths into files, recursively for directories, each file once.

    Directory walks skip VCS folders, ``node_modules``, excluded paths and (unless
    ``respect_gitignore`` is false) what ``.gitignore`` files ignore, and never follow a
    symlinked directory twice (no loops). Files named explicitly are always linted, unless
    excluded. An ``InputFile`` or ``InputError`` among ``paths`` (from an earlier ``discover``)
    passes through as it is.
    """
    entries: list[InputFile | InputError] = []
    positions: dict[object, int] = {}
    for entry, known in _expand(paths, tuple(include), tuple(exclude), respect_gitignore):
        if isinstance(entry, InputError):
            entries.append(entry)
            continue
        identity = known if known is not None else _identity(entry.path)
        position = positions.get(identity)
        if position is None:
            positions[identity] = len(entries)
            entries.append(entry)
        elif entry.explicit and not entries[position].explicit:
            entries[position] = entries[position]._replace(explicit=True)
    yield from entries


def _identity(path: str) -> object:
    """The file itself: device and inode (one ``stat``; symbolic links followed)."""
    if path == "-":
        return path
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return os.path.abspath(path)
    return (stat.st_dev, stat.st_ino)


def _expand(
    paths: Iterable[str | InputFile | InputError],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    respect_gitignore: bool,
) -> Iterator[tuple[InputFile | InputError, object]]:
    """Entries with the file's identity when the walk already knows it (else None)."""
    for raw in paths:
        if isinstance(raw, (InputFile, InputError)):
            yield raw, None
            continue
        if raw == "-":
            yield InputFile("-", True), None
            continue
        if exclude and matches_any(raw, exclude):
            continue
        if os.path.isdir(raw):
            ignore = _gitignore_for(raw) if respect_gitignore else None
            yield from _walk(raw, include, exclude, ignore)
        elif os.path.lexists(raw) and not os.path.exists(raw):
            yield InputError(raw, "broken symbolic link"), None
        elif os.path.exists(raw):
            yield InputFile(raw, True), None
        else:
            yield InputError(raw, "no such file or directory"), None


def _gitignore_for(root: str) -> GitIgnore:
    """The ``.gitignore`` files of the repository above ``root`` (or of ``root`` alone)."""
    from linter.gitignore import GitIgnore
    from linter.vcs import find_repository_root

    top = find_repository_root(root) or root
    ignore = GitIgnore(top)
    ignore.add_directories_down_to(root)
    return ignore


def _walk(
    root: str, include: tuple[str, ...], exclude: tuple[str, ...], ignore: GitIgnore | None
) -> Iterator[Any]:
    seen_directories: set[tuple[int, int]] = set()
    errors: list[InputError] = []
    absolute_root = os.path.abspath(root)

    def on_error(error: OSError) -> None:
        errors.append(InputError(error.filename or root, error.strerror or str(error)))

    for directory, subdirectories, files in os.walk(root, onerror=on_error, followlinks=True):
        try:
            stat = os.stat(directory)
            identity = (stat.st_dev, stat.st_ino)
        except OSError as error:
            yield InputError(directory, error.strerror or str(error)), None
            subdirectories[:] = []
            continue
        if identity in seen_directories:
            subdirectories[:] = []
            yield InputError(directory, "symbolic link loop: directory already visited"), None
            continue
        seen_directories.add(identity)
        # The absolute form for .gitignore matching, by string: os.walk extends the root's text.
        below = directory[len(root) :].lstrip(os.sep)
        absolute = os.path.join(absolute_root, below) if below else absolute_root
        if ignore is not None:
            ignore.add_directory(absolute)
        ignoring = ignore if ignore is not None and ignore.has_patterns else None
        prefix = absolute.rstrip(os.sep) + os.sep
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if d not in ALWAYS_SKIPPED_DIRECTORIES
            and not (exclude and matches_any(os.path.join(directory, d), exclude))
            and not (ignoring is not None and ignoring.ignored(prefix + d, True))
        )
        for name in sorted(files):
            path = os.path.join(directory, name)
            if not any(fnmatch.fnmatchcase(name, pattern) for pattern in include):
                continue
            if exclude and matches_any(path, exclude):
                continue
            if ignoring is not None and ignoring.ignored(prefix + name, False):
                continue
            try:  # one lstat per file: the identity, and a stat more for a symbolic link
                status = os.lstat(path)
            except OSError as error:
                yield InputError(path, error.strerror or str(error)), None
                continue
            if stat_module.S_ISLNK(status.st_mode):
                try:
                    status = os.stat(path)
                except OSError:
                    yield InputError(path, "broken symbolic link"), None
                    continue
            yield InputFile(path, False), (status.st_dev, status.st_ino)
        for error in errors:
            yield error, None
        errors.clear()
