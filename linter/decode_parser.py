"""The precise JSON parser behind ``linter.decode``: every problem at its exact position.

An iterative parser with an explicit stack (no recursion limit), used for every text the C
decoder rejects or that needs reporting: it says what was expected where, tolerates trailing
commas and comments (so the rules can still run), and builds the full span index as it goes.
"""

from __future__ import annotations

import json

from linter.decode_index import _SIMPLE_ESCAPES, _WHITESPACE, _LineIndex, _MappedIndex, _Node
from linter.wildcards import compiled

# -- precise parser -------------------------------------------------------------------------

_PLAIN_STRING = r'"[^"\\\x00-\x1f\ud800-\udfff]*"'
_STRING_RUN = r'[^"\\\x00-\x1f\ud800-\udfff]*'
_HEX4 = r"[0-9a-fA-F]{1,4}"
_NUMBER = r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?"
_WORD = r"[A-Za-z_$][A-Za-z0-9_$]*"
_COMMENT_LINE = r"//[^\r\n]*"
_NUMBER_CHARS = "-0123456789"
_ALPHANUMERIC = r"[0-9A-Za-z]*"
_SHORT_STRING = r'"[^"\\\r\n]{0,40}"'
_LOW_SURROGATE_ESCAPE = r"\\u([dD][c-fC-F][0-9a-fA-F]{2})"
_LITERALS: dict[str, object] = {"true": True, "false": False, "null": None}
_NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_UNTERMINATED_STRING = "unterminated string: no closing quote before end of file"
_ESCAPE_NAMES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


class _SyntaxFailure(Exception):
    """Ends parsing at the first fatal problem (already recorded)."""


class _Frame:
    """An open container on the parser's stack."""

    __slots__ = ("container", "is_object", "key", "key_end", "key_start", "node")

    def __init__(self, node: _Node, container: dict | list, is_object: bool) -> None:
        self.node = node
        self.container = container
        self.is_object = is_object
        self.key = ""
        self.key_start = -1
        self.key_end = -1


class _PreciseParser:
    """An iterative JSON parser that reports problems with exact offsets and builds the index.

    Trailing commas, comments, duplicate keys and non-finite numbers are reported and then
    tolerated; anything else ends the parse with one fatal problem.
    """

    def __init__(self, text: str, max_depth: int, locator: _LineIndex | _MappedIndex) -> None:
        self.text = text
        self.max_depth = max_depth
        self.locator = locator
        # (code, message, start offset, end offset, fatal), in source order
        self.problems: list[tuple[str, str, int, int, bool]] = []
        # the patterns matched at every token, looked up once
        self._match_whitespace = compiled(_WHITESPACE).match
        self._match_plain_string = compiled(_PLAIN_STRING).match

    # problems

    def _report(self, code: str, message: str, start: int, end: int, fatal: bool = False) -> None:
        self.problems.append((code, message, start, end, fatal))

    def _fail(self, message: str, start: int, end: int, code: str = "syntax") -> _SyntaxFailure:
        self._report(code, message, start, end, True)
        return _SyntaxFailure()

    def _found(self, i: int) -> tuple[str, int]:
        """A description of what is at ``i`` for an error message, and where that token ends."""
        text = self.text
        if i >= len(text):
            return "end of file", i
        char = text[i]
        word = compiled(_WORD).match(text, i)
        if word:
            token = word.group()
            shown = token if len(token) <= 30 else token[:27] + "..."
            return f"'{shown}'", word.end()
        if char == '"':
            string = compiled(_SHORT_STRING).match(text, i)
            if string:
                return f"string {string.group()}", string.end()
            return "a string", i + 1
        if char.isprintable() and not char.isspace():
            return f"'{char}'", i + 1
        import unicodedata  # only for messages about invisible characters

        name = unicodedata.name(char, "")
        return (f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"), i + 1

    def _expected(self, expectation: str, i: int) -> _SyntaxFailure:
        found, end = self._found(i)
        return self._fail(f"{expectation}, found {found}", i, end)

    # lexing

    def _skip(self, i: int) -> int:
        """Skip whitespace and comments (each comment is reported and ignored)."""
        text = self.text
        while True:
            i = self._match_whitespace(text, i).end()
            if not text.startswith("/", i):
                return i
            if text.startswith("//", i):
                end = compiled(_COMMENT_LINE).match(text, i).end()
            elif text.startswith("/*", i):
                close = text.find("*/", i + 2)
                if close < 0:
                    raise self._fail("unterminated /* comment (no closing */)", i, i + 2)
                end = close + 2
            else:
                return i  # a lone slash: the caller reports it as unexpected
            self._report("comment", "comment in JSON: AWS rejects comments in policies", i, end)
            i = end

    def _string(self, i: int) -> tuple[str, int]:
        """Parse the string starting at the quote at ``i``; return its value and end offset."""
        text = self.text
        plain = self._match_plain_string(text, i)
        if plain:
            end = plain.end()
            return text[i + 1 : end - 1], end
        pieces: list[str] = []
        j = i + 1
        length = len(text)
        while True:
            run = compiled(_STRING_RUN).match(text, j)
            pieces.append(run.group())
            j = run.end()
            if j >= length:
                raise self._fail(_UNTERMINATED_STRING, i, i + 1)
            char = text[j]
            if char == '"':
                return "".join(pieces), j + 1
            if char == "\\":
                char, j = self._escape(j)
                pieces.append(char)
            elif char in "\r\n":
                raise self._fail(
                    "unterminated string: line break before the closing quote "
                    "(write a line break inside a string as \\n)",
                    i,
                    j,
                )
            elif "\ud800" <= char <= "\udfff":
                raise self._fail(f"lone surrogate U+{ord(char):04X} in string", j, j + 1)
            else:
                escape = _ESCAPE_NAMES.get(char, f"\\u{ord(char):04x}")
                raise self._fail(
                    f"control character U+{ord(char):04X} in string must be escaped as {escape}",
                    j,
                    j + 1,
                )

    def _escape(self, j: int) -> tuple[str, int]:
        """Decode the escape sequence whose backslash is at ``j``."""
        text = self.text
        kind = text[j + 1 : j + 2]
        if kind in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[kind], j + 2
        if kind != "u":
            if not kind:
                raise self._fail(_UNTERMINATED_STRING, j, j + 1)
            shown = kind if kind.isprintable() else f"U+{ord(kind):04X}"
            raise self._fail(
                f"invalid escape '\\{shown}' in string; valid escapes are "
                '\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX',
                j,
                j + 2,
            )
        digits = compiled(_HEX4).match(text, j + 2)
        if digits is None or len(digits.group()) < 4:
            end = digits.end() if digits else j + 2
            raise self._fail("invalid \\u escape: expected 4 hexadecimal digits", j, end)
        code = int(digits.group(), 16)
        if 0xDC00 <= code <= 0xDFFF:
            raise self._fail(
                f"lone surrogate \\u{digits.group()}: a low surrogate must follow a high one",
                j,
                j + 6,
            )
        if 0xD800 <= code <= 0xDBFF:
            low = compiled(_LOW_SURROGATE_ESCAPE).match(text, j + 6)
            if low is None:
                raise self._fail(
                    f"lone surrogate \\u{digits.group()}: a high surrogate must be followed by a "
                    "low surrogate escape (\\uDC00-\\uDFFF)",
                    j,
                    j + 6,
                )
            low_code = int(low.group(1), 16)
            return chr(0x10000 + ((code - 0xD800) << 10) + (low_code - 0xDC00)), j + 12
        return chr(code), j + 6

    def _number(self, i: int) -> tuple[object, int]:
        text = self.text
        match = compiled(_NUMBER).match(text, i)
        if match is None:
            if text.startswith("-Infinity", i):
                return self._non_finite("-Infinity", i)
            raise self._fail("invalid number: expected a digit after '-'", i, i + 1)
        end = match.end()
        token = match.group()
        following = text[end : end + 1]
        fraction, exponent = match.group(1), match.group(2)
        if following and following in "0123456789xX" and token.lstrip("-") == "0":
            token_end = compiled(_ALPHANUMERIC).match(text, end).end()
            if following in "xX":
                raise self._fail("hexadecimal numbers are not allowed in JSON", i, token_end)
            raise self._fail("leading zeros are not allowed in numbers", i, token_end)
        if following == "." and fraction is None and exponent is None:
            raise self._fail("invalid number: expected a digit after the decimal point", i, end + 1)
        if following in ("e", "E") and following and exponent is None:
            end_of_sign = end + 2 if text[end + 1 : end + 2] in ("+", "-") else end + 1
            raise self._fail("invalid number: expected a digit in the exponent", i, end_of_sign)
        if fraction or exponent:
            return float(token), end
        try:
            return int(token), end
        except ValueError:
            # Python refuses to convert integers longer than its digit limit (3.11+); no IAM
            # number is that long, and any such value overflows a double anyway.
            digits = len(token.lstrip("-"))
            self._report(
                "non-finite-number",
                f"integer with {digits} digits is too large; it is read as "
                f"{'-' if token.startswith('-') else ''}Infinity",
                i,
                end,
            )
            return float("-inf" if token.startswith("-") else "inf"), end

    def _non_finite(self, token: str, i: int) -> tuple[float, int]:
        self._report(
            "non-finite-number",
            f"{token} is not valid JSON (AWS rejects it); use a string or a finite number",
            i,
            i + len(token),
        )
        return _NON_FINITE[token], i + len(token)

    def _scalar(self, i: int) -> tuple[object, int]:
        """Parse a value that is not a container at ``i``."""
        text = self.text
        char = text[i : i + 1]
        if char == '"':
            return self._string(i)
        if char and char in _NUMBER_CHARS:
            return self._number(i)
        word = compiled(_WORD).match(text, i)
        if word:
            token = word.group()
            if token in _LITERALS:
                return _LITERALS[token], word.end()
            if token in _NON_FINITE:
                return self._non_finite(token, i)
            lower = token.lower()
            if lower in ("true", "false", "null", "none"):
                spelled = "null" if lower == "none" else lower
                raise self._fail(f"'{token}' is not a JSON literal; write {spelled}", i, word.end())
        if char == "'":
            close = text.find("'", i + 1)
            line_end = min(
                (p for p in (text.find("\n", i), text.find("\r", i)) if p >= 0), default=len(text)
            )
            end = close + 1 if 0 <= close < line_end else i + 1
            raise self._fail("single-quoted string: JSON strings use double quotes", i, end)
        if char == "+":
            raise self._fail("invalid number: a leading '+' is not allowed", i, i + 1)
        if char == "." and text[i + 1 : i + 2].isdigit():
            message = "invalid number: a digit is required before the decimal point"
            raise self._fail(message, i, i + 1)
        raise self._expected("expected a value", i)

    def _key(self, i: int, after_comma: bool) -> tuple[str, int]:
        text = self.text
        char = text[i : i + 1]
        if char == '"':
            return self._string(i)
        word = compiled(_WORD).match(text, i)
        if word:
            raise self._fail(
                f"unquoted key '{word.group()}': object keys must be double-quoted strings",
                i,
                word.end(),
            )
        if char == "'":
            close = text.find("'", i + 1)
            end = close + 1 if close > 0 and "\n" not in text[i:close] else i + 1
            raise self._fail("single-quoted key: JSON strings use double quotes", i, end)
        if after_comma:
            raise self._expected("expected a double-quoted key after ','", i)
        raise self._expected("expected a double-quoted key or '}'", i)

    # structure

    def parse(self) -> tuple[object, _Node | None]:
        """Return (value, root node); the root node is None after a fatal problem."""
        try:
            return self._parse()
        except _SyntaxFailure:
            return None, None

    def _parse(self) -> tuple[object, _Node | None]:
        text = self.text
        length = len(text)
        i = self._skip(0)
        if i >= length:
            what = "the file contains no JSON value"
            if self.problems:
                what += " (only comments)"
            elif text:
                what += " (only whitespace)"
            raise self._fail(what, 0, 0, code="empty")
        stack: list[_Frame] = []
        while True:
            # A value starts at i.
            char = text[i : i + 1]
            if char == "{" or char == "[":
                if len(stack) >= self.max_depth:
                    raise self._fail(
                        f"too deeply nested: this '{char}' opens level {len(stack) + 1}, "
                        f"the limit is {self.max_depth}",
                        i,
                        i + 1,
                        code="too-deep",
                    )
                is_object = char == "{"
                node = _Node(i, -1)
                frame = _Frame(node, {} if is_object else [], is_object)
                node.children = {} if is_object else []
                node.cursor = -1  # the parser indexes every child itself
                stack.append(frame)
                i = self._skip(i + 1)
                closer = "}" if is_object else "]"
                if text.startswith(closer, i):
                    value, end = self._close(stack, i)
                elif is_object:
                    i = self._member_key(frame, i, after_comma=False)
                    continue
                else:
                    continue
            else:
                start = i
                value, end = self._scalar(i)
                node = _Node(start, end)
            # A value ended at `end`: attach it, then move on to the next value.
            while True:
                if not stack:
                    self._check_end(end)
                    return value, node
                frame = stack[-1]
                self._attach(frame, value, node)
                i = self._skip(end)
                char = text[i : i + 1]
                closer = "}" if frame.is_object else "]"
                if char == ",":
                    comma = i
                    i = self._skip(i + 1)
                    if text.startswith(closer, i):
                        self._report(
                            "trailing-comma", f"trailing comma before '{closer}'", comma, comma + 1
                        )
                        value, end = self._close(stack, i)
                        node = frame.node
                        continue
                    if frame.is_object:
                        i = self._member_key(frame, i, after_comma=True)
                    break
                if char == closer:
                    value, end = self._close(stack, i)
                    node = frame.node
                    continue
                if frame.is_object:
                    raise self._expected("expected ',' or '}' after object member", i)
                raise self._expected("expected ',' or ']' after array element", i)

    def _member_key(self, frame: _Frame, i: int, after_comma: bool) -> int:
        """Parse ``"key" :`` at ``i`` into ``frame``; return where the member's value starts."""
        key, key_end = self._key(i, after_comma)
        frame.key, frame.key_start, frame.key_end = key, i, key_end
        colon = self._skip(key_end)
        if not self.text.startswith(":", colon):
            raise self._expected("expected ':' after object key", colon)
        return self._skip(colon + 1)

    def _attach(self, frame: _Frame, value: object, node: _Node) -> None:
        if frame.is_object:
            key = frame.key
            node.key_start, node.key_end = frame.key_start, frame.key_end
            members: dict = frame.node.children  # type: ignore[assignment]
            earlier = members.get(key)
            if earlier is not None:
                line, column = self.locator.position(earlier.key_start)
                self._report(
                    "duplicate-key",
                    f"duplicate key {json.dumps(key, ensure_ascii=False)} (first at line {line}, "
                    f"column {column}); the last value is used",
                    node.key_start,
                    node.key_end,
                )
            members[key] = node
            frame.container[key] = value  # type: ignore[index]
        else:
            frame.node.children.append(node)  # type: ignore[union-attr]
            frame.container.append(value)  # type: ignore[union-attr]

    def _close(self, stack: list[_Frame], i: int) -> tuple[object, int]:
        frame = stack.pop()
        frame.node.end = i + 1
        return frame.container, i + 1

    def _check_end(self, end: int) -> None:
        i = self._skip(end)
        if i < len(self.text):
            raise self._expected("expected end of file after the JSON value", i)
