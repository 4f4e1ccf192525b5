"""``.gitignore`` patterns, as git reads them, for directory walks (gitignore(5)).

Each ``.gitignore`` applies to the directory it is in and everything below, with paths relative
to that directory. What is implemented, per gitignore(5):

* Blank lines and lines starting with ``#`` are skipped; ``\\#`` and ``\\!`` start a pattern with
  a literal ``#`` or ``!``; trailing spaces are dropped unless escaped (``\\ ``).
* ``!pattern`` re-includes what an earlier pattern excluded. The last matching pattern decides,
  and patterns of a deeper ``.gitignore`` come after those of the directories above it. A file in
  an excluded directory cannot be re-included: the walk never enters that directory.
* ``pattern/`` matches directories only.
* A pattern with a ``/`` at its start or in its middle is anchored to its ``.gitignore``'s
  directory; otherwise it matches a name at any depth below it.
* ``*`` and ``?`` match anything but ``/``; ``[a-z]``/``[!a-z]`` are character classes;
  ``**/`` at the start matches in every directory, ``/**`` at the end everything inside, ``/**/``
  zero or more directories; other ``**`` are plain ``*``.

Not read: ``.git/info/exclude``, ``core.excludesFile`` and git's index (a tracked file that a
pattern matches is ignored here; git would keep tracking it). Matching is case-sensitive, as git's
default on Linux.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

IGNORE_FILE = ".gitignore"


class Pattern(NamedTuple):
    """One ``.gitignore`` line: the compiled pattern and how it applies."""

    regex: re.Pattern[str]
    negated: bool
    directory_only: bool
    text: str


def parse(text: str) -> list[Pattern]:
    """The patterns of one ``.gitignore`` file, in order."""
    patterns = []
    for raw in text.splitlines():
        pattern = _parse_line(raw)
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def _parse_line(raw: str) -> Pattern | None:
    line = raw.rstrip("\r")
    if not line or line.startswith("#"):
        return None
    line = _strip_trailing_spaces(line)
    negated = False
    if line.startswith("!"):
        negated, line = True, line[1:]
    elif line.startswith(("\\!", "\\#")):
        line = line[1:]
    directory_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    body = _translate(line.lstrip("/"))
    prefix = "" if anchored else "(?:.*/)?"
    return Pattern(re.compile(f"^{prefix}{body}$", re.DOTALL), negated, directory_only, raw)


def _strip_trailing_spaces(line: str) -> str:
    end = len(line)
    while end > 0 and line[end - 1] == " ":
        backslashes = 0
        index = end - 2
        while index >= 0 and line[index] == "\\":
            backslashes += 1
            index -= 1
        if backslashes % 2 == 1:  # an escaped space is kept
            break
        end -= 1
    return line[:end]


def _translate(glob: str) -> str:
    """A gitignore glob (no leading or trailing ``/``) as a regular expression body."""
    segments = glob.split("/")
    parts: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment == "**":
            if index == last:
                parts.append(".*" if index == 0 else "/.*")
            elif index == 0:
                parts.append("(?:.*/)?")
            else:
                parts.append("(?:/.*)?/")
            continue
        if index > 0 and segments[index - 1] != "**":
            parts.append("/")
        parts.append(_translate_segment(segment))
    return "".join(parts)


def _translate_segment(segment: str) -> str:
    out: list[str] = []
    index = 0
    length = len(segment)
    while index < length:
        char = segment[index]
        if char == "\\" and index + 1 < length:
            out.append(re.escape(segment[index + 1]))
            index += 2
            continue
        if char == "*":
            while index + 1 < length and segment[index + 1] == "*":
                index += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = _class_end(segment, index)
            if end is None:
                out.append(re.escape(char))
            else:
                out.append(_character_class(segment[index + 1 : end]))
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _class_end(segment: str, start: int) -> int | None:
    index = start + 1
    if index < len(segment) and segment[index] in "!^":
        index += 1
    if index < len(segment) and segment[index] == "]":
        index += 1
    while index < len(segment):
        if segment[index] == "\\":
            index += 2
            continue
        if segment[index] == "]":
            return index
        index += 1
    return None


def _character_class(body: str) -> str:
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            index += 1
            out.append(re.escape(body[index]))
        elif char in "\\^[]":
            out.append("\\" + char)
        else:
            out.append(char)  # ``-`` stays a range operator
        index += 1
    return f"(?!/)[{'^' if negated else ''}{''.join(out)}]"


class GitIgnore:
    """The ``.gitignore`` files in force below ``top``, read as a walk reaches their directories.

    ``top`` is the outermost directory whose ``.gitignore`` counts: the repository root when the
    walk is inside a git work tree, else the walk's own root. Directories and paths given to the
    methods are absolute and normalised (``os.path.abspath``); a walk derives them from its root
    by string operations, so no per-file system call is spent here.
    """

    def __init__(self, top: str) -> None:
        self.top = os.path.abspath(top)
        self._read: set[str] = set()
        # (directory + separator, its patterns), shallower directories first: the order in which
        # the files of a path's ancestors apply.
        self._bases: list[tuple[str, list[Pattern]]] = []

    def add_directory(self, directory: str) -> None:
        """Read ``directory``'s ``.gitignore`` (once; a missing or unreadable file adds nothing)."""
        if directory in self._read:
            return
        self._read.add(directory)
        try:
            with open(os.path.join(directory, IGNORE_FILE), encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            return
        patterns = parse(text)
        if patterns:
            self._bases.append((directory.rstrip(os.sep) + os.sep, patterns))
            self._bases.sort(key=lambda base: len(base[0]))

    @property
    def has_patterns(self) -> bool:
        """Whether any ``.gitignore`` read so far has a pattern (else nothing is ignored)."""
        return bool(self._bases)

    def add_directories_down_to(self, directory: str) -> None:
        """Read every ``.gitignore`` from ``top`` down to ``directory`` (an ancestor chain)."""
        directory = os.path.abspath(directory)
        chain = []
        current = directory
        while True:
            chain.append(current)
            if current == self.top:
                break
            parent = os.path.dirname(current)
            if parent == current:  # ``directory`` is not below ``top``: only its own file counts
                chain = [directory]
                break
            current = parent
        for entry in reversed(chain):
            self.add_directory(entry)

    def ignored(self, path: str, is_directory: bool) -> bool:
        """Whether the patterns read so far ignore ``path`` (last match wins, deepest file last)."""
        verdict = False
        for prefix, patterns in self._bases:
            if not path.startswith(prefix):
                continue
            relative = path[len(prefix) :]
            if os.sep != "/":
                relative = relative.replace(os.sep, "/")
            for pattern in patterns:
                if pattern.directory_only and not is_directory:
                    continue
                if pattern.regex.match(relative):
                    verdict = not pattern.negated
        return verdict
