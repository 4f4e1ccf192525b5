"""Fixes: what a rule proposes to change, and the exact text edits that make the change.

A rule attaches a :class:`Fix` to a :class:`~linter.check.Report`: a description, an
applicability (``safe``: the policy means the same, or AWS rejected it anyway; ``unsafe``: it
changes what is granted) and edits expressed against JSON paths of the policy document
(:class:`ReplaceValue`, :class:`ReplaceKey`, :class:`Delete`, :class:`InsertMember`), or, for the
decoder rules whose problems have a position but no path, :class:`ReplaceSpan`.

:func:`resolve_fix` turns such a fix into a :class:`FileFix` of :class:`Edit` (code-point
offsets into the file's text, with their spans) using the source's locator. It refuses (returns
None) unless every edit lands on an exact span in a JSON-syntax region whose text decodes to the
value the document holds there: a value that is a template intrinsic, an interpolation or a JSON
string escaped inside another string never gets a fix. Everything outside the edited spans stays
byte-identical: indentation, key order, spacing and line endings.

:func:`apply_edits` applies a set of non-overlapping fixes to a text; :func:`fix_text` runs the
lint, fix, re-lint loop ruff uses (a fix that overlaps another waits for the next pass) and
refuses a pass whose result no longer parses.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from linter.model import JsonPath, Span

if TYPE_CHECKING:
    from linter.engine import FileResult
    from linter.model import Finding
    from linter.sources import Locator

SAFE = "safe"
UNSAFE = "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)
MAX_PASSES = 10


# -- what rules write ----------------------------------------------------------------------------


class ReplaceValue(NamedTuple):
    """Replace the value at ``path`` with ``value`` (written as compact JSON)."""

    path: JsonPath
    value: Any


class ReplaceKey(NamedTuple):
    """Rename the object key at ``path`` (its last element) to ``key``."""

    path: JsonPath
    key: str


class Delete(NamedTuple):
    """Delete the array element or object member at ``path``, with the comma that separates it."""

    path: JsonPath


class InsertMember(NamedTuple):
    """Insert ``"key": value`` as the first member of the object at ``path``."""

    path: JsonPath
    key: str
    value: Any


class ReplaceSpan(NamedTuple):
    """Replace the text at ``span`` (a file position, for decoder problems), which must be
    ``expected``, with ``replacement``."""

    span: Span
    expected: str
    replacement: str


PathEdit = ReplaceValue | ReplaceKey | Delete | InsertMember | ReplaceSpan


class Fix(NamedTuple):
    """A change a rule proposes: ``applicability`` is ``"safe"`` or ``"unsafe"``."""

    description: str
    applicability: str
    edits: tuple[PathEdit, ...]

    @classmethod
    def safe(cls, description: str, *edits: PathEdit) -> Fix:
        return cls(description, SAFE, edits)

    @classmethod
    def unsafe(cls, description: str, *edits: PathEdit) -> Fix:
        return cls(description, UNSAFE, edits)


# -- what the engine attaches to a finding -------------------------------------------------------


class Edit(NamedTuple):
    """Replace ``text[start:end]`` (code-point offsets) with ``replacement``; ``span`` is the
    same range as 1-based line and column (end exclusive; start == end for an insertion)."""

    start: int
    end: int
    replacement: str
    span: Span


class FileFix(NamedTuple):
    """A fix resolved to text edits in the finding's file, sorted and non-overlapping."""

    description: str
    applicability: str
    edits: tuple[Edit, ...]

    @property
    def is_safe(self) -> bool:
        return self.applicability == SAFE

    def as_json(self) -> dict[str, Any]:
        """The ``fix`` object of the JSON output."""
        return {
            "description": self.description,
            "applicability": self.applicability,
            "edits": [
                {
                    "line": e.span.line,
                    "column": e.span.column,
                    "end_line": e.span.end_line,
                    "end_column": e.span.end_column,
                    "content": e.replacement,
                }
                for e in self.edits
            ],
        }


class _Refused(Exception):
    """An edit that cannot be made exactly; the whole fix is dropped."""


class TextIndex:
    """Converts between 1-based (line, code-point column) positions and offsets of one text."""

    __slots__ = ("starts", "text")

    _BREAK = re.compile(r"\r\n|\r|\n")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in self._BREAK.finditer(text)]

    def offset(self, line: int, column: int) -> int:
        if not 1 <= line <= len(self.starts):
            raise _Refused(f"line {line} outside the text")
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        offset = start + column - 1
        if not start <= offset <= end:
            raise _Refused(f"column {column} outside line {line}")
        return offset

    def offsets(self, span: Span) -> tuple[int, int]:
        return self.offset(span.line, span.column), self.offset(span.end_line, span.end_column)

    def position(self, offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        return Span(*self.position(start), *self.position(end))


_last_index: list[TextIndex] = []


def text_index(text: str) -> TextIndex:
    """The TextIndex of ``text``, reused while the findings of one file are resolved."""
    if _last_index and _last_index[0].text is text:
        return _last_index[0]
    index = TextIndex(text)
    _last_index[:] = [index]
    return index


def resolve_fix(
    fix: Fix | None,
    locator: Locator,
    text: str,
    document: Any,
    index: TextIndex | None = None,
) -> FileFix | None:
    """The text edits that make ``fix`` in ``text``, or None when it cannot be made exactly.

    ``locator`` maps paths of ``document`` (the policy the rule saw) to spans in ``text`` (the
    whole file). Never raises.
    """
    if fix is None or fix.applicability not in APPLICABILITIES or not fix.edits:
        return None
    try:
        resolver = _Resolver(locator, text, document, index or text_index(text))
        edits = sorted(
            (edit for path_edit in fix.edits for edit in resolver.edits(path_edit)),
            key=lambda e: (e.start, e.end),
        )
        for before, after in itertools.pairwise(edits):
            if after.start < before.end or (after.start == before.start == after.end):
                raise _Refused("the fix's own edits overlap")
    except (_Refused, LookupError, TypeError, ValueError, RecursionError):
        return None
    return FileFix(fix.description, fix.applicability, tuple(edits))


_WHITESPACE = frozenset(" \t\r\n")
_SEPARATOR = re.compile(r"[ \t\r\n]*,[ \t\r\n]*\Z")
_COLON = re.compile(r"[ \t\r\n]*:[ \t\r\n]*\Z")


class _Resolver:
    def __init__(self, locator: Locator, text: str, document: Any, index: TextIndex) -> None:
        self.locator = locator
        self.text = text
        self.document = document
        self.index = index

    # -- helpers --

    def value_at(self, path: JsonPath) -> Any:
        value = self.document
        for part in path:
            if (isinstance(value, dict) and isinstance(part, str)) or (
                isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
            ):
                value = value[part]
            else:
                raise _Refused(f"no value at {path!r}")
        return value

    def located(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        span = self.locator.span(path, key=key)
        if span is None:
            raise _Refused(f"no span for {path!r}")
        return self.index.offsets(span)

    def exact_value(self, path: JsonPath) -> tuple[int, int]:
        """The offsets of the value at ``path``, checked to be its JSON text."""
        start, end = self.located(path)
        if not _decodes_to(self.text[start:end], self.value_at(path)):
            raise _Refused(f"the text at {path!r} is not the JSON of its value")
        return start, end

    def exact_key(self, path: JsonPath) -> tuple[int, int]:
        start, end = self.located(path, key=True)
        if not path or not _decodes_to(self.text[start:end], path[-1]):
            raise _Refused(f"the text of the key at {path!r} is not its JSON")
        return start, end

    def edit(self, start: int, end: int, replacement: str) -> Edit:
        if "${" in replacement or "%{" in replacement:
            # Template syntax (Terraform interpolation, a heredoc directive) would make the
            # written text mean something else in a template; no fix writes it.
            raise _Refused("the replacement holds template syntax")
        return Edit(start, end, replacement, self.index.span(start, end))

    def gap(self, start: int, end: int, pattern: re.Pattern[str]) -> None:
        if start > end or not pattern.match(self.text[start:end]):
            raise _Refused("unexpected text between JSON tokens")

    # -- edits --

    def edits(self, path_edit: PathEdit) -> list[Edit]:
        if isinstance(path_edit, ReplaceValue):
            start, end = self.exact_value(path_edit.path)
            return [self.edit(start, end, _dumps(path_edit.value))]
        if isinstance(path_edit, ReplaceKey):
            parent = self.value_at(path_edit.path[:-1])
            if not isinstance(parent, dict) or path_edit.key in parent:
                raise _Refused("the new key exists already")
            start, end = self.exact_key(path_edit.path)
            return [self.edit(start, end, _dumps(path_edit.key))]
        if isinstance(path_edit, Delete):
            return [self.delete(path_edit.path)]
        if isinstance(path_edit, InsertMember):
            return [self.insert_first(path_edit)]
        if isinstance(path_edit, ReplaceSpan):
            start, end = self.index.offsets(path_edit.span)
            if self.text[start:end] != path_edit.expected:
                raise _Refused("the text at the span is not what the fix expects")
            return [self.edit(start, end, path_edit.replacement)]
        raise _Refused(f"unknown edit {path_edit!r}")

    def member_range(self, path: JsonPath) -> tuple[int, int]:
        """An array element's value, or an object member from its key to its value."""
        start, end = self.exact_value(path)
        if isinstance(path[-1], str):
            key_start, key_end = self.exact_key(path)
            self.gap(key_end, start, _COLON)
            start = key_start
        return start, end

    def delete(self, path: JsonPath) -> Edit:
        if not path:
            raise _Refused("cannot delete the document")
        parent = self.value_at(path[:-1])
        last = path[-1]
        if isinstance(parent, list) and isinstance(last, int):
            siblings: list[PathElement] = list(range(len(parent)))
        elif isinstance(parent, dict) and isinstance(last, str) and last in parent:
            siblings = list(parent)
        else:
            raise _Refused(f"no element at {path!r}")
        if len(siblings) < 2:
            raise _Refused("deleting the only element would leave an empty container")
        position = siblings.index(last)
        start, end = self.member_range(path)
        if position + 1 < len(siblings):
            next_start, _ = self.member_range((*path[:-1], siblings[position + 1]))
            self.gap(end, next_start, _SEPARATOR)
            return self.edit(start, next_start, "")
        _, previous_end = self.member_range((*path[:-1], siblings[position - 1]))
        self.gap(previous_end, start, _SEPARATOR)
        return self.edit(previous_end, end, "")

    def insert_first(self, insert: InsertMember) -> Edit:
        target = self.value_at(insert.path)
        if not isinstance(target, dict) or not target or insert.key in target:
            raise _Refused("not an object without that key")
        start, _ = self.located(insert.path)
        if self.text[start : start + 1] != "{":
            raise _Refused("the object is not written in JSON syntax")
        first = next(iter(target))
        key_start, key_end = self.exact_key((*insert.path, first))
        value_start, _ = self.located((*insert.path, first))
        leading = self.text[start + 1 : key_start]
        if not set(leading) <= _WHITESPACE:
            raise _Refused("a comment or other text before the first member")
        colon = self.text[key_end:value_start]
        if not _COLON.match(colon):
            raise _Refused("unexpected text between key and value")
        breaks = [i for i, c in enumerate(leading) if c in "\r\n"]
        separator = "," + (leading[breaks[0] :] if breaks else (leading or " "))
        member = _dumps(insert.key) + colon + _dumps(insert.value) + separator
        return self.edit(key_start, key_start, member)


PathElement = str | int


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _decodes_to(text: str, value: Any) -> bool:
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return _same(decoded, value)


def _same(a: Any, b: Any) -> bool:
    # json.loads gives 1 == 1.0 == True; compare types too so "true" text is not True's value.
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# -- applying fixes ------------------------------------------------------------------------------


def choose(fixes: Iterable[FileFix]) -> list[FileFix]:
    """The fixes that can be applied together: in order of their first edit, each one whose
    edits touch none of an already chosen fix's edits (the others wait for the next pass)."""
    chosen: list[FileFix] = []
    taken: list[tuple[int, int]] = []
    for fix in sorted(set(fixes), key=lambda f: (f.edits[0].start, f.edits[0].end, f)):
        if any(_touch(edit, other) for edit in fix.edits for other in taken):
            continue
        chosen.append(fix)
        taken.extend((edit.start, edit.end) for edit in fix.edits)
    return chosen


def _touch(edit: Edit, taken: tuple[int, int]) -> bool:
    start, end = taken
    if edit.start == edit.end or start == end:  # insertions conflict with anything at that point
        return start <= edit.end and edit.start <= end
    return edit.start < end and start < edit.end


def apply_edits(text: str, fixes: Sequence[FileFix]) -> str:
    """``text`` with the edits of ``fixes`` (which must not overlap; see :func:`choose`)."""
    edits = sorted((e for fix in fixes for e in fix.edits), key=lambda e: (e.start, e.end))
    out = []
    position = 0
    for edit in edits:
        if edit.start < position:
            raise ValueError("overlapping edits")
        out.append(text[position : edit.start])
        out.append(edit.replacement)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def wanted(finding: Finding, unsafe: bool) -> bool:
    fix = getattr(finding, "fix", None)
    return fix is not None and (fix.is_safe or unsafe)


class FixOutcome(NamedTuple):
    """What :func:`fix_text` did: the fixed text, how many fixes it applied (by rule id), and
    the final lint of the fixed text."""

    text: str
    applied: dict[str, int]
    result: FileResult


def fix_text(
    text: str,
    lint: Callable[[str], FileResult],
    *,
    unsafe: bool = False,
) -> FixOutcome:
    """Apply the fixes ``lint(text)`` offers, re-lint, repeat until none is left (at most
    MAX_PASSES passes). A pass whose result would not parse, or would parse worse, is undone
    and the loop stops."""
    applied: dict[str, int] = {}
    result = lint(text)
    for _ in range(MAX_PASSES):
        candidates = [f for f in result.findings if wanted(f, unsafe)]
        if not candidates:
            break
        rule_of = {f.fix: f.rule_id for f in candidates}
        chosen = choose(rule_of)
        new_text = apply_edits(text, chosen)
        if new_text == text:
            break
        new_result = lint(new_text)
        if not still_parses(result, new_result):
            break
        for fix in chosen:
            applied[rule_of[fix]] = applied.get(rule_of[fix], 0) + 1
        text, result = new_text, new_result
    return FixOutcome(text, applied, result)


SYNTAX_RULES = ("JSON001", "JSON005", "JSON007", "JSON009", "TPL001")


def still_parses(before: FileResult, after: FileResult) -> bool:
    """Whether a fixed file parses at least as well as the original."""
    if after.status == "undecodable" and before.status != "undecodable":
        return False
    if after.status == "not-a-policy" and before.status == "linted":
        return False

    def syntax(result: FileResult) -> int:
        return sum(1 for f in result.findings if f.rule_id in SYNTAX_RULES)

    return syntax(after) <= syntax(before)


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file, line endings kept as they are in the file."""
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=path if path.startswith("/") else f"a/{path}",
        tofile=path if path.startswith("/") else f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        )
    return "".join(out)


# -- until the engine attaches fixes itself ------------------------------------------------------


class FileChange(NamedTuple):
    """What fixing one file did: its path, text before and after, fixes applied per rule."""

    path: str
    before: str
    after: str
    applied: dict[str, int]


def fix_files(
    paths: Iterable[str],
    linter: Any,
    *,
    unsafe: bool = False,
    write: bool = True,
) -> list[FileChange]:
    """Fix the policy files under ``paths`` (as ``iamlint check`` finds them) in place, or only
    compute the changes with ``write=False``, re-linting with ``linter`` (a
    ``linter.engine.Linter``) after each pass. A file that is not UTF-8 is left alone; a UTF-8
    byte-order mark is kept."""
    from linter.discovery import InputFile, discover

    options = linter.options
    changes = []
    for entry in discover(paths, include=options.include, exclude=options.exclude):
        if not isinstance(entry, InputFile) or entry.path == "-":
            continue
        try:
            with open(entry.path, "rb") as handle:
                data = handle.read(options.max_file_size + 1)
        except OSError:
            continue  # the run that follows reports it (IO001)
        bom = data.startswith(b"\xef\xbb\xbf")
        try:
            text = data.decode("utf-8-sig" if bom else "utf-8")
        except UnicodeDecodeError:
            continue
        path = entry.path

        def lint(candidate: str, path: str = path) -> FileResult:
            return linter.lint_bytes(candidate.encode("utf-8", "surrogatepass"), path)

        outcome = fix_text(text, lint, unsafe=unsafe)
        if outcome.text == text:
            continue
        changes.append(FileChange(path, text, outcome.text, outcome.applied))
        if write:
            encoded = outcome.text.encode("utf-8", "surrogatepass")
            with open(path, "wb") as handle:
                handle.write(b"\xef\xbb\xbf" + encoded if bom else encoded)
    return changes
