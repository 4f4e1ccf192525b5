"""Finding input files, and unwrapping the AWS CLI outputs people save instead of bare policies."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from linter.decode import Decoded, decode_embedded
from linter.model import JsonPath, PolicyType

DEFAULT_INCLUDE = ("*.json",)
ALWAYS_SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".hg", ".svn", ".tox", ".venv"})


class InputFile(NamedTuple):
    """A file to lint. ``explicit`` files were named on the command line."""

    path: str
    explicit: bool


class InputError(NamedTuple):
    """A path that could not be walked (missing, broken symlink, loop, unreadable directory)."""

    path: str
    message: str


class PolicySource(NamedTuple):
    """Where the policy document sits inside the decoded file.

    ``decoded`` resolves spans; ``prefix`` is the JSON path of the policy inside ``decoded``'s
    document (empty for a bare policy). ``wrapper`` names the AWS CLI output it came from.
    """

    document: Any
    decoded: Decoded
    prefix: JsonPath
    wrapper: str | None = None
    implied_type: PolicyType | None = None


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


def looks_like_policy(document: Any) -> bool:
    """A policy has a top-level ``Statement`` (any letter case: the grammar rules check case)."""
    return isinstance(document, dict) and any(
        isinstance(k, str) and k.lower() == "statement" for k in document
    )


def _holds_document(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return (isinstance(value, str) and value.lstrip()[:3] in ("%7B", "%7b")) or (
        isinstance(value, str) and value.lstrip().startswith("{")
    )


def _embedded_or_object(
    decoded: Decoded, path: JsonPath, value: Any
) -> tuple[Any, Decoded, JsonPath]:
    if isinstance(value, str):
        url_encoded = value.lstrip()[:3] in ("%7B", "%7b")
        inner = decode_embedded(decoded, path, url_encoded=url_encoded)
        return inner.value, inner, ()
    return value, decoded, path


# AWS CLI output shapes: (container key, document key, wrapper name, implied type).
_WRAPPERS: tuple[tuple[str, str, str, PolicyType | None], ...] = (
    ("PolicyVersion", "Document", "aws iam get-policy-version", None),
    ("Role", "AssumeRolePolicyDocument", "aws iam get-role", PolicyType.TRUST),
    ("Policy", "Content", "aws organizations describe-policy", PolicyType.SCP),
)


def unwrap(decoded: Decoded) -> PolicySource | None:
    """Find the policy in a decoded file: a bare policy or a saved AWS CLI output.

    Returns None for JSON documents that are not policies (e.g. ``package.json``).
    """
    document = decoded.value
    if looks_like_policy(document):
        return PolicySource(document, decoded, ())
    if not isinstance(document, dict):
        return None
    for container, key, wrapper, implied in _WRAPPERS:
        outer = document.get(container)
        if isinstance(outer, dict) and _holds_document(outer.get(key)):
            value, source, prefix = _embedded_or_object(decoded, (container, key), outer[key])
            if source.ok and looks_like_policy(value):
                return PolicySource(value, source, prefix, wrapper, implied)
            if not source.ok:
                return PolicySource(None, source, prefix, wrapper, implied)
    for key, wrapper in (
        ("Policy", "aws kms get-key-policy"),
        ("PolicyDocument", "aws iam get-role-policy"),
    ):
        value = document.get(key)
        if _holds_document(value):
            implied = PolicyType.KMS_KEY if key == "Policy" else None
            value, source, prefix = _embedded_or_object(decoded, (key,), value)
            if source.ok and looks_like_policy(value):
                return PolicySource(value, source, prefix, wrapper, implied)
            if not source.ok:
                return PolicySource(None, source, prefix, wrapper, implied)
    return None
