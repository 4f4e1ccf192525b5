"""The repository a run is in, read from the files under ``.git`` (git itself is never run).

CI systems want report paths relative to the repository root whatever directory the linter was
started from, and SARIF's ``versionControlProvenance`` names the repository, commit and branch.
Both come from a few small files: ``.git`` (a directory, or a file ``gitdir: PATH`` in a worktree
or submodule), ``commondir`` (a worktree's shared directory), ``HEAD``, the ref it names (a loose
file under ``refs/`` or a line of ``packed-refs``) and the ``[remote "origin"]`` url in ``config``.
Anything unreadable or unusual gives None for that part, never an error: provenance is optional.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

HEX_COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
# ``user@host:path`` (scp-like syntax; git treats it as ssh when the part before ``:`` has no ``/``)
SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>.+)$")


class Provenance(NamedTuple):
    """SARIF ``versionControlDetails``: the revision and branch may be unknown (None).

    ``repository_uri`` is the ``origin`` remote, or the work tree's ``file://`` URI without one.
    """

    repository_uri: str
    revision_id: str | None
    branch: str | None


def find_repository_root(start: str) -> str | None:
    """The nearest directory at or above ``start`` holding ``.git`` (directory or file), or None."""
    directory = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def report_root(cwd: str, config_path: str | None = None) -> str:
    """The directory CI report paths are relative to.

    The git top level above ``cwd``; else the directory of the configuration file in force; else
    ``cwd`` itself. Always absolute.
    """
    repository = find_repository_root(cwd)
    if repository is not None:
        return repository
    if config_path:
        return os.path.dirname(os.path.abspath(config_path))
    return os.path.abspath(cwd)


def git_directory(repository_root: str) -> str | None:
    """The git directory of a work tree: ``.git`` itself, or where a ``.git`` file points."""
    dot_git = os.path.join(repository_root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    text = _read(dot_git)
    if text is None or not text.startswith("gitdir:"):
        return None
    target = text[len("gitdir:") :].strip()
    path = os.path.normpath(os.path.join(repository_root, target))
    return path if os.path.isdir(path) else None


def provenance(repository_root: str) -> Provenance | None:
    """Remote URL, commit and branch of the work tree at ``repository_root``; None if not git."""
    git_dir = git_directory(repository_root)
    if git_dir is None:
        return None
    common = _common_directory(git_dir)
    head = (_read(os.path.join(git_dir, "HEAD")) or "").strip()
    branch = None
    revision = None
    if head.startswith("ref:"):
        ref = head[len("ref:") :].strip()
        if ref.startswith("refs/heads/"):
            branch = ref[len("refs/heads/") :]
        revision = _resolve_ref(ref, git_dir, common)
    elif HEX_COMMIT.match(head):
        revision = head  # detached HEAD, as in most CI checkouts
    url = remote_url(_read(os.path.join(common, "config")) or "", "origin")
    uri = _repository_uri(url) if url else None
    if uri is None:  # no usable origin: the local repository (SARIF requires a repositoryUri)
        from pathlib import Path

        uri = Path(os.path.abspath(repository_root)).as_uri()
    return Provenance(uri, revision, branch)


def _common_directory(git_dir: str) -> str:
    pointer = _read(os.path.join(git_dir, "commondir"))
    if pointer is None:
        return git_dir
    return os.path.normpath(os.path.join(git_dir, pointer.strip()))


def _resolve_ref(ref: str, git_dir: str, common: str, depth: int = 0) -> str | None:
    if depth > 5 or ".." in ref.split("/"):
        return None
    for directory in (git_dir, common):
        text = _read(os.path.join(directory, *ref.split("/")))
        if text is None:
            continue
        value = text.strip()
        if value.startswith("ref:"):  # a symbolic ref pointing at another
            return _resolve_ref(value[len("ref:") :].strip(), git_dir, common, depth + 1)
        return value if HEX_COMMIT.match(value) else None
    for line in (_read(os.path.join(common, "packed-refs")) or "").splitlines():
        if line.startswith(("#", "^")):
            continue
        commit, _, name = line.partition(" ")
        if name.strip() == ref and HEX_COMMIT.match(commit):
            return commit
    return None


def remote_url(config_text: str, remote: str) -> str | None:
    """The ``url`` of ``[remote "NAME"]`` in a git config file (the last one wins, as in git)."""
    section = None
    url = None
    for raw in config_text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            header = re.match(r'^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]', line)
            section = (header.group(1).lower(), header.group(2)) if header else None
            continue
        if section != ("remote", remote):
            continue
        key, equals, value = line.partition("=")
        if equals and key.strip().lower() == "url":
            url = _config_value(value)
    return url


def _config_value(raw: str) -> str:
    value = raw.strip()
    for marker in (" #", " ;", "\t#", "\t;"):
        if marker in value and not value.startswith('"'):
            value = value.split(marker, 1)[0].rstrip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def _repository_uri(url: str) -> str | None:
    """An absolute URI for SARIF, without credentials; None for a relative local path."""
    from urllib.parse import urlsplit, urlunsplit

    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))
    if os.path.isabs(url):
        from pathlib import Path

        return Path(url).as_uri()
    match = SCP_LIKE.match(url)
    if match and "/" not in match.group("host"):
        path = match.group("path").lstrip("/")
        return f"ssh://{match.group('host')}/{path}"
    return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(1 << 20)
    except OSError:
        return None
