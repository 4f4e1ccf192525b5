"""Files as they were at a git revision, for ``--new-access-since REF``.

Git is run locally and only to read objects: ``git rev-parse`` resolves the revision once per
run, and one ``git cat-file --batch`` process per worker answers ``COMMIT:PATH`` for every file
that holds a policy. Nothing is written and nothing is fetched: ``GIT_NO_LAZY_FETCH`` keeps a
partial clone from asking its remote for a missing object (the file then reads as absent).

Paths are those of the work tree the run reads, made relative to the repository's top level;
a file outside the repository (or standard input without ``--stdin-filename``) has no earlier
version.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any, NamedTuple

# Keep git offline and quiet: no lazy fetch in a partial clone, no credential prompts, no pager.
_GIT_ENVIRONMENT = {"GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"}


class BaseRevision(NamedTuple):
    """The revision new access is measured against: ``ref`` as the user wrote it (for
    messages), the commit it resolves to, and the repository's top-level directory."""

    ref: str
    commit: str
    root: str


class RevisionError(Exception):
    """The revision cannot be used: no git, not a repository, or an unknown revision."""


def resolve_revision(ref: str, cwd: str) -> BaseRevision:
    """Resolve ``ref`` (a branch, tag, commit or expression such as ``HEAD~1``) in the
    repository that holds ``cwd``. Raises :class:`RevisionError` with a message for the user."""
    if not ref or ref.startswith("-"):
        raise RevisionError(f"{ref!r} is not a revision")
    top = _git(cwd, "rev-parse", "--show-toplevel")
    if top is None:
        raise RevisionError(f"{cwd} is not in a git repository (or git is not installed)")
    commit = _git(cwd, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if commit is None:
        hint = ""
        if _git(cwd, "rev-parse", "--is-shallow-repository") == "true":
            hint = (
                " (the clone is shallow: fetch the revision first, e.g. actions/checkout with "
                "fetch-depth: 0, or git fetch --unshallow)"
            )
        raise RevisionError(f"unknown revision {ref!r} in the repository at {top}{hint}")
    return BaseRevision(ref, commit, os.path.realpath(top))


def _git(cwd: str, *arguments: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", *arguments],
            cwd=cwd,
            capture_output=True,
            env={**os.environ, **_GIT_ENVIRONMENT},
            check=False,
        )
    except OSError:
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout.decode("utf-8", "surrogateescape").strip() or None


class RevisionReader:
    """Reads files at one revision through a long-lived ``git cat-file --batch``."""

    def __init__(self, revision: BaseRevision) -> None:
        self.revision = revision
        self._process: subprocess.Popen[bytes] | None = None
        self._broken = False

    def repository_path(self, path: str) -> str | None:
        """``path`` relative to the repository's top level with ``/`` separators, or None when
        it lies outside the repository."""
        if not path or path == "-":
            return None
        relative = os.path.relpath(os.path.realpath(path), self.revision.root)
        if relative == os.curdir or relative.startswith(os.pardir):
            return None
        return relative.replace(os.sep, "/")

    def read(self, path: str, limit: int) -> bytes | None:
        """The content of ``path`` at the revision; None when the file did not exist there (or
        is not a file, lies outside the repository, or is larger than ``limit`` bytes)."""
        relative = self.repository_path(path)
        if relative is None or "\n" in relative or self._broken:
            return None
        try:
            return self._read_object(f"{self.revision.commit}:{relative}", limit)
        except (OSError, ValueError):
            self._broken = True  # git went away: every later file reads as absent
            self.close()
            return None

    def _read_object(self, name: str, limit: int) -> bytes | None:
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        process.stdin.flush()
        header = process.stdout.readline()
        if not header:
            raise ValueError("git cat-file stopped")
        fields = header.split()
        if len(fields) != 3:  # "<name> missing", "<name> ambiguous"
            return None
        object_type, size = fields[1], int(fields[2])
        content = process.stdout.read(size + 1)[:-1]  # the object, then a newline
        if object_type != b"blob" or size > limit:
            return None
        return content

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            self._process = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.revision.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, **_GIT_ENVIRONMENT},
            )
        return self._process

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()

    def __del__(self) -> None:
        self.close()


class PreviousPolicy(NamedTuple):
    """The same policy at the revision. ``status``: ``unchanged`` (the file's text is the same
    there: nothing to compare), ``no-path`` (standard input without a file name),
    ``found`` (``document`` is the policy),
    ``new-file`` (the file did not exist there), ``new-policy`` (the file did, without a policy
    at this location) or ``unreadable`` (it did not parse there; ``document`` is None)."""

    status: str
    document: Any


class PreviousPolicies:
    """Finds a file's policies as they were at a revision, by file path and source label."""

    def __init__(self, revision: BaseRevision, max_file_size: int, max_depth: int) -> None:
        self.revision = revision
        self._reader = RevisionReader(revision)
        self._max_file_size = max_file_size
        self._max_depth = max_depth
        # (path, current text, ParsedFile or None): the sources of one file share a parse; a
        # language server lints the same path again with another text
        self._last: tuple[str, str | None, Any] | None = None

    def find(
        self, path: str, label: str, text: str | None = None, document: Any = None
    ) -> PreviousPolicy:
        """The policy at ``label`` in ``path`` at the revision; ``text`` is the file's current
        text, when known: a file whose text has not changed is not parsed again. In a list
        (``Policies[2]``), a sibling whose document equals ``document`` is the same policy
        moved: it is the one compared."""
        from linter.sources import is_unknown

        if not path or path == "-":
            return PreviousPolicy("no-path", None)
        parsed = self._parsed(path, text)
        if parsed is _UNCHANGED:
            return PreviousPolicy("unchanged", None)
        if parsed is None:
            return PreviousPolicy("new-file", None)
        for source in parsed.sources:
            if source.label == label:
                if not source.ok or is_unknown(source.document):
                    return PreviousPolicy("unreadable", None)
                if document is not None and "[" in label and source.document != document:
                    moved = _moved_sibling(parsed.sources, label, document)
                    if moved is not None:
                        return PreviousPolicy("found", moved)
                return PreviousPolicy("found", source.document)
        if not parsed.ok:
            return PreviousPolicy("unreadable", None)
        return PreviousPolicy("new-policy", None)

    def _parsed(self, path: str, text: str | None) -> Any:
        if self._last is not None and self._last[:2] == (path, text):
            return self._last[2]
        data = self._reader.read(path, self._max_file_size)
        parsed = None
        if data is not None and text is not None and _same_text(data, text):
            parsed = _UNCHANGED
        elif data is not None:
            from linter.formats import parse_file

            parsed = parse_file(data, path, explicit=True, max_depth=self._max_depth, name=path)
            if parsed is None:  # a file that held no policy then
                from linter.sources import ParsedFile

                parsed = ParsedFile("", "json", (), (), ok=True)
        self._last = (path, text, parsed)
        return parsed


_UNCHANGED = object()
_INDEX = re.compile(r"\[\d+\]")


def _moved_sibling(sources: Any, label: str, document: Any) -> Any:
    """The document of another source in the same list position pattern (``Policies[*]``) that
    equals ``document``: a list reordered since the revision."""
    pattern = _INDEX.sub("[*]", label)
    for source in sources:
        same_list = source.label != label and _INDEX.sub("[*]", source.label) == pattern
        if same_list and source.ok and source.document == document:
            return source.document
    return None


def _same_text(data: bytes, text: str) -> bool:
    """Whether the file's bytes at the revision decode to ``text`` (the decoders keep the text
    as read, after removing a UTF-8 byte order mark)."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return decoded.removeprefix("\ufeff") == text.removeprefix("\ufeff")
