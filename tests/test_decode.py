"""Tests for linter.decode: values, exact spans, and every kind of malformed input."""

from __future__ import annotations

import codecs
import json
import re
import sys
import time
import urllib.parse

import pytest

from linter.decode import (
    Decoded,
    Problem,
    decode_bytes,
    decode_embedded,
    decode_text,
    too_large_problem,
)
from linter.model import FILE_START, Span

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def offset(text: str, line: int, column: int) -> int:
    """The string offset of a 1-based (line, column), with LF, CRLF and CR as line breaks."""
    starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
    return starts[line - 1] + column - 1


def sliced(text: str, span: Span | None) -> str:
    assert span is not None
    return text[offset(text, span.line, span.column) : offset(text, span.end_line, span.end_column)]


def only_problem(decoded: Decoded) -> Problem:
    assert len(decoded.problems) == 1, decoded.problems
    return decoded.problems[0]


POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Admin",
      "Effect": "Allow",
      "Action": ["kms:Encrypt", "kms:Decrypt"],
      "Resource": "*",
      "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    },
    {"Effect": "Deny", "Action": [], "Resource": {}, "Principal": {"AWS": ["a", 1, true, null]}}
  ]
}
"""

VIA_SERVICE = ("Statement", 0, "Condition", "StringEquals", "kms:ViaService")


# -- values and spans -------------------------------------------------------------------------


def test_valid_policy_has_the_json_loads_value_and_no_problems() -> None:
    decoded = decode_text(POLICY)
    assert decoded.ok
    assert decoded.problems == []
    assert decoded.value == json.loads(POLICY)
    assert decoded.text == POLICY


def test_value_and_key_spans() -> None:
    decoded = decode_text(POLICY)
    assert decoded.span(VIA_SERVICE) == Span(9, 56, 9, 84)
    assert decoded.span(VIA_SERVICE, key=True) == Span(9, 38, 9, 54)
    assert sliced(POLICY, decoded.span(VIA_SERVICE)) == '"s3.us-east-1.amazonaws.com"'
    assert sliced(POLICY, decoded.span(VIA_SERVICE, key=True)) == '"kms:ViaService"'
    assert decoded.span(("Version",), key=True) == Span(2, 3, 2, 12)
    assert decoded.span(("Version",)) == Span(2, 14, 2, 26)


def test_container_spans_run_from_bracket_to_bracket() -> None:
    decoded = decode_text(POLICY)
    assert decoded.span(()) == Span(1, 1, 13, 2)
    assert decoded.span(("Statement",)) == Span(3, 16, 12, 4)
    assert decoded.span(("Statement", 0)) == Span(4, 5, 10, 6)
    assert sliced(POLICY, decoded.span(("Statement", 0, "Condition"))).startswith('{"StringEq')


def test_array_elements_and_empty_containers() -> None:
    decoded = decode_text(POLICY)
    assert sliced(POLICY, decoded.span(("Statement", 0, "Action", 1))) == '"kms:Decrypt"'
    principal = ("Statement", 1, "Principal", "AWS")
    assert [sliced(POLICY, decoded.span((*principal, i))) for i in range(4)] == [
        '"a"',
        "1",
        "true",
        "null",
    ]
    assert sliced(POLICY, decoded.span(("Statement", 1, "Action"))) == "[]"
    assert sliced(POLICY, decoded.span(("Statement", 1, "Resource"))) == "{}"
    assert decoded.span(("Statement", 1, "Action", 0)) is None


def test_key_true_on_array_element_and_root_gives_the_value_span() -> None:
    decoded = decode_text(POLICY)
    element = ("Statement", 0, "Action", 0)
    assert decoded.span(element, key=True) == decoded.span(element)
    assert decoded.span((), key=True) == decoded.span(())


@pytest.mark.parametrize(
    "path",
    [
        ("Missing",),
        ("Statement", 2),
        ("Statement", -1),
        ("Statement", "0"),
        ("Version", 0),
        ("Statement", 0, "Action", 0, "x"),
        ("Statement", True),
    ],
)
def test_missing_paths_have_no_span(path: tuple) -> None:
    assert decode_text(POLICY).span(path) is None


def test_nearest_span_falls_back_to_the_longest_existing_prefix() -> None:
    decoded = decode_text(POLICY)
    condition = ("Statement", 0, "Condition")
    assert decoded.nearest_span((*condition, "StringLike", "x")) == decoded.span(condition)
    assert decoded.nearest_span((*condition, "Nope"), key=True) == decoded.span(condition, key=True)
    assert decoded.nearest_span(VIA_SERVICE) == decoded.span(VIA_SERVICE)
    assert decoded.nearest_span(("Nope",)) == decoded.span(())


def test_nearest_span_without_a_value_is_the_file_start() -> None:
    decoded = decode_text("{oops}")
    assert not decoded.ok
    assert decoded.span(()) is None
    assert decoded.nearest_span(("Statement", 0)) == FILE_START


def test_spans_are_the_same_after_a_tolerated_problem() -> None:
    fast = decode_text(POLICY)
    tolerant = decode_text(POLICY.replace('"kms:Decrypt"]', '"kms:Decrypt",]'))
    assert tolerant.ok
    assert [p.code for p in tolerant.problems] == ["trailing-comma"]
    assert tolerant.value == fast.value
    for path in [(), ("Statement", 1, "Principal", "AWS", 3), VIA_SERVICE, ("Version",)]:
        assert tolerant.span(path) == fast.span(path)
        assert tolerant.span(path, key=True) == fast.span(path, key=True)


def test_minified_one_line_policy() -> None:
    text = json.dumps(json.loads(POLICY), separators=(",", ":"))
    decoded = decode_text(text)
    span = decoded.span(VIA_SERVICE)
    assert span is not None and span.line == span.end_line == 1
    assert span.column == text.index('"s3.us-east-1') + 1
    assert sliced(text, span) == '"s3.us-east-1.amazonaws.com"'


# -- line breaks, tabs, non-ASCII, BOM ---------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr_are_line_breaks(newline: str) -> None:
    text = POLICY.replace("\n", newline)
    decoded = decode_text(text)
    assert decoded.value == json.loads(POLICY)
    assert decoded.span(VIA_SERVICE) == Span(9, 56, 9, 84)
    assert decoded.span(()) == Span(1, 1, 13, 2)
    assert sliced(text, decoded.span(VIA_SERVICE, key=True)) == '"kms:ViaService"'


def test_crlf_positions_of_problems() -> None:
    decoded = decode_bytes(b'{\r\n  "a": 1,\r\n}\r\n')
    assert only_problem(decoded) == Problem(
        "trailing-comma", "trailing comma before '}'", Span(2, 9, 2, 10), False
    )


def test_tab_counts_as_one_column() -> None:
    text = '{\n\t\t"Effect":\t"Allow"\n}'
    decoded = decode_text(text)
    assert decoded.span(("Effect",), key=True) == Span(2, 3, 2, 11)
    assert decoded.span(("Effect",)) == Span(2, 13, 2, 20)


def test_columns_count_code_points_not_bytes_or_utf16_units() -> None:
    text = '{"Sid": "Zugriff für Müller 😀 ✓", "Action": "s3:GetObject"}'
    decoded = decode_bytes(text.encode("utf-8"))
    # 8 + 24 characters before ", ", whatever their byte or UTF-16 length.
    assert decoded.span(("Action",), key=True) == Span(1, 35, 1, 43)
    assert decoded.span(("Action",)) == Span(1, 45, 1, 59)


def test_non_ascii_before_a_problem() -> None:
    decoded = decode_bytes('{"Sid": "Ärger 😀", "Action": x}'.encode())
    assert only_problem(decoded).span == Span(1, 30, 1, 31)


def test_utf8_bom_is_removed_and_not_counted() -> None:
    data = codecs.BOM_UTF8 + b'{"Version": "2012-10-17", "a": 1,}'
    decoded = decode_bytes(data)
    assert decoded.ok
    assert decoded.value == {"Version": "2012-10-17", "a": 1}
    assert decoded.text.startswith("{")
    assert decoded.span(("Version",), key=True) == Span(1, 2, 1, 11)
    assert only_problem(decoded).span == Span(1, 33, 1, 34)
    assert decode_text("\ufeff" + '{"a": 1}').span(("a",)) == Span(1, 7, 1, 8)


# -- tolerated problems ------------------------------------------------------------------------

CONFUSED_DEPUTY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "transcribe.amazonaws.com"
      },
      "Action": [
        "sts:AssumeRole",
      ],
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "111122223333"
        },
        "StringLike": {
          "aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"
        }
      }
    }
  ]
}
"""


def test_aws_confused_deputy_example_points_at_the_trailing_comma_on_line_10() -> None:
    decoded = decode_text(CONFUSED_DEPUTY)
    assert only_problem(decoded) == Problem(
        "trailing-comma", "trailing comma before ']'", Span(10, 25, 10, 26), False
    )
    assert decoded.ok
    assert decoded.value == json.loads(
        CONFUSED_DEPUTY.replace('"sts:AssumeRole",', '"sts:AssumeRole"')
    )
    assert decoded.span(("Statement", 0, "Action")) == Span(9, 17, 11, 8)


def test_trailing_comma_in_object() -> None:
    decoded = decode_text('{"a": [1, 2,], "b": {"c": 1,},}')
    assert [(p.code, p.message, p.span) for p in decoded.problems] == [
        ("trailing-comma", "trailing comma before ']'", Span(1, 12, 1, 13)),
        ("trailing-comma", "trailing comma before '}'", Span(1, 28, 1, 29)),
        ("trailing-comma", "trailing comma before '}'", Span(1, 30, 1, 31)),
    ]
    assert decoded.value == {"a": [1, 2], "b": {"c": 1}}


def test_comments_are_reported_and_ignored() -> None:
    text = '// header\n{\n  "a": /* inline\n  two lines */ 1, // tail\n  "b": 2\n}'
    decoded = decode_text(text)
    assert decoded.ok
    assert decoded.value == {"a": 1, "b": 2}
    assert [(p.code, p.span, p.fatal) for p in decoded.problems] == [
        ("comment", Span(1, 1, 1, 10), False),
        ("comment", Span(3, 8, 4, 15), False),
        ("comment", Span(4, 19, 4, 26), False),
    ]
    assert "AWS rejects" in decoded.problems[0].message
    assert decoded.span(("a",)) == Span(4, 16, 4, 17)


def test_duplicate_keys_at_several_depths_keep_the_last_value() -> None:
    text = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Condition": {"StringEquals": {"aws:x": "1"}, "StringEquals": {"aws:y": "2"}},
    "Effect": "Deny"
  }],
  "Version": "2008-10-17"
}"""
    decoded = decode_text(text)
    assert decoded.ok
    assert decoded.value == json.loads(text)
    assert [(p.code, p.message, p.span, p.fatal) for p in decoded.problems] == [
        (
            "duplicate-key",
            'duplicate key "StringEquals" (first at line 5, column 19); the last value is used',
            Span(5, 51, 5, 65),
            False,
        ),
        (
            "duplicate-key",
            'duplicate key "Effect" (first at line 4, column 5); the last value is used',
            Span(6, 5, 6, 13),
            False,
        ),
        (
            "duplicate-key",
            'duplicate key "Version" (first at line 2, column 3); the last value is used',
            Span(8, 3, 8, 12),
            False,
        ),
    ]
    statement = ("Statement", 0)
    assert decoded.span((*statement, "Effect")) == Span(6, 15, 6, 21)
    assert sliced(text, decoded.span((*statement, "Condition", "StringEquals"))) == (
        '{"aws:y": "2"}'
    )
    # The earlier, discarded value has no spans any more.
    assert decoded.span((*statement, "Condition", "StringEquals", "aws:x")) is None


def test_duplicate_key_message_names_unusual_keys_exactly() -> None:
    decoded = decode_text('{"a\\"b": 1,\n "a\\"b": 2}')
    assert only_problem(decoded).message == (
        'duplicate key "a\\"b" (first at line 1, column 2); the last value is used'
    )


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("[NaN]", "nan", Span(1, 2, 1, 5)),
        ('{"a": Infinity}', float("inf"), Span(1, 7, 1, 15)),
        ("[1, -Infinity]", float("-inf"), Span(1, 5, 1, 14)),
    ],
)
def test_non_finite_numbers_are_reported_but_tolerated(
    text: str, value: object, span: Span
) -> None:
    decoded = decode_text(text)
    problem = only_problem(decoded)
    assert (problem.code, problem.span, problem.fatal) == ("non-finite-number", span, False)
    assert "not valid JSON" in problem.message
    assert decoded.ok
    produced = json.loads(text)
    assert repr(decoded.value) == repr(produced)  # NaN != NaN, so compare the repr


def test_huge_integer_does_not_crash() -> None:
    digits = "7" * 5000
    decoded = decode_text(f'{{"n": {digits}, "m": -{digits}}}')
    if hasattr(sys, "get_int_max_str_digits") and 0 < sys.get_int_max_str_digits() < 5000:
        assert decoded.ok
        assert decoded.value == {"n": float("inf"), "m": float("-inf")}
        assert [(p.code, p.span, p.fatal) for p in decoded.problems] == [
            ("non-finite-number", Span(1, 7, 1, 5007), False),
            ("non-finite-number", Span(1, 5014, 1, 10015), False),
        ]
        assert decoded.problems[0].message == (
            "integer with 5000 digits is too large; it is read as Infinity"
        )
    else:  # Python 3.10, or the limit is lifted: an exact int, as json.loads gives
        assert decoded.value == {"n": int(digits), "m": -int(digits)}
    assert decoded.span(("m",)) == Span(1, 5014, 1, 10015)


# -- fatal problems ----------------------------------------------------------------------------

SYNTAX_ERRORS = [
    # text, message, span
    (
        '{"a": 1 "b": 2}',
        "expected ',' or '}' after object member, found string \"b\"",
        (1, 9, 1, 12),
    ),
    ('{"a": 1 x}', "expected ',' or '}' after object member, found 'x'", (1, 9, 1, 10)),
    ("[1 2]", "expected ',' or ']' after array element, found '2'", (1, 4, 1, 5)),
    ('{"a" 1}', "expected ':' after object key, found '1'", (1, 6, 1, 7)),
    ('{"a": }', "expected a value, found '}'", (1, 7, 1, 8)),
    ("[,1]", "expected a value, found ','", (1, 2, 1, 3)),
    ("{,}", "expected a double-quoted key or '}', found ','", (1, 2, 1, 3)),
    ('{"a": 1,,}', "expected a double-quoted key after ',', found ','", (1, 9, 1, 10)),
    ('{"a": 1', "expected ',' or '}' after object member, found end of file", (1, 8, 1, 8)),
    (
        "{Version: 1}",
        "unquoted key 'Version': object keys must be double-quoted strings",
        (1, 2, 1, 9),
    ),
    ("{'a': 1}", "single-quoted key: JSON strings use double quotes", (1, 2, 1, 5)),
    ("['a']", "single-quoted string: JSON strings use double quotes", (1, 2, 1, 5)),
    ('["a\tb"]', "control character U+0009 in string must be escaped as \\t", (1, 4, 1, 5)),
    ('["a\x01"]', "control character U+0001 in string must be escaped as \\u0001", (1, 4, 1, 5)),
    (
        '["abc\n"]',
        "unterminated string: line break before the closing quote "
        "(write a line break inside a string as \\n)",
        (1, 2, 1, 6),
    ),
    ('["abc', "unterminated string: no closing quote before end of file", (1, 2, 1, 3)),
    (
        '["\\x"]',
        "invalid escape '\\x' in string; "
        'valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX',
        (1, 3, 1, 5),
    ),
    ('["\\u12G4"]', "invalid \\u escape: expected 4 hexadecimal digits", (1, 3, 1, 7)),
    (
        '["\\ud83d"]',
        "lone surrogate \\ud83d: "
        "a high surrogate must be followed by a low surrogate escape (\\uDC00-\\uDFFF)",
        (1, 3, 1, 9),
    ),
    (
        '["x\\ude00"]',
        "lone surrogate \\ude00: a low surrogate must follow a high one",
        (1, 4, 1, 10),
    ),
    ("[01]", "leading zeros are not allowed in numbers", (1, 2, 1, 4)),
    ("[-007]", "leading zeros are not allowed in numbers", (1, 2, 1, 6)),
    ("[0x1F]", "hexadecimal numbers are not allowed in JSON", (1, 2, 1, 6)),
    ("[1.]", "invalid number: expected a digit after the decimal point", (1, 2, 1, 4)),
    ("[.5]", "invalid number: a digit is required before the decimal point", (1, 2, 1, 3)),
    ("[+1]", "invalid number: a leading '+' is not allowed", (1, 2, 1, 3)),
    ("[1e+]", "invalid number: expected a digit in the exponent", (1, 2, 1, 5)),
    ("[-]", "invalid number: expected a digit after '-'", (1, 2, 1, 3)),
    ("[True]", "'True' is not a JSON literal; write true", (1, 2, 1, 6)),
    ("[None]", "'None' is not a JSON literal; write null", (1, 2, 1, 6)),
    ("[undefined]", "expected a value, found 'undefined'", (1, 2, 1, 11)),
    ("{} {}", "expected end of file after the JSON value, found '{'", (1, 4, 1, 5)),
    ('{"a": 1}\n]', "expected end of file after the JSON value, found ']'", (2, 1, 2, 2)),
    ("/* open", "unterminated /* comment (no closing */)", (1, 1, 1, 3)),
    ("[1] / 2", "expected end of file after the JSON value, found '/'", (1, 5, 1, 6)),
    ('{"a":\u00a01}', "expected a value, found U+00A0 (NO-BREAK SPACE)", (1, 6, 1, 7)),
]


@pytest.mark.parametrize(("text", "message", "span"), SYNTAX_ERRORS)
def test_syntax_errors_say_what_was_expected_where(text: str, message: str, span: tuple) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert not decoded.ok
    assert decoded.value is None
    assert decoded.problems[-1] == Problem("syntax", message, Span(*span), True)


def test_raw_lone_surrogate_in_a_python_string() -> None:
    decoded = decode_text('["a\ud800"]')
    assert only_problem(decoded) == Problem(
        "syntax", "lone surrogate U+D800 in string", Span(1, 4, 1, 5), True
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file contains no JSON value"),
        (" \r\n\t\n ", "the file contains no JSON value (only whitespace)"),
    ],
)
def test_empty_input(text: str, message: str) -> None:
    decoded = decode_bytes(text.encode())
    assert only_problem(decoded) == Problem("empty", message, FILE_START, True)
    assert decoded.nearest_span(()) == FILE_START


def test_only_comments_is_empty_too() -> None:
    decoded = decode_text("// nothing here\n")
    assert [(p.code, p.fatal) for p in decoded.problems] == [("comment", False), ("empty", True)]
    assert decoded.problems[1].message == "the file contains no JSON value (only comments)"


def test_deep_nesting_is_rejected_quickly_at_the_bracket_over_the_limit() -> None:
    start = time.perf_counter()
    decoded = decode_bytes(b"[" * 100_000)
    assert time.perf_counter() - start < 1.0
    assert only_problem(decoded) == Problem(
        "too-deep",
        "too deeply nested: this '[' opens level 65, the limit is 64",
        Span(1, 65, 1, 66),
        True,
    )
    closed = "[" * 100_000 + "]" * 100_000
    assert only_problem(decode_text(closed)).span == Span(1, 65, 1, 66)


@pytest.mark.parametrize("opener", ['{"a":', "["])
def test_depth_limit_is_exact_on_valid_json(opener: str) -> None:
    closer = "}" if opener.startswith("{") else "]"

    def nested(depth: int) -> str:
        return opener * depth + "1" + closer * depth

    assert decode_text(nested(64)).ok
    assert decode_text(nested(64)).problems == []
    too_deep = decode_text(nested(65))
    problem = only_problem(too_deep)
    assert (problem.code, problem.fatal) == ("too-deep", True)
    assert problem.span.column == 64 * len(opener) + 1
    assert decode_text(nested(3), max_depth=3).ok
    assert only_problem(decode_text(nested(4), max_depth=3)).code == "too-deep"


def test_depth_limit_counts_mixed_containers() -> None:
    text = '{"Statement": [{"Condition": {"StringEquals": {"k": ["v"]}}}]}'
    assert decode_text(text, max_depth=6).ok
    problem = only_problem(decode_text(text, max_depth=5))
    assert problem.span == Span(1, 53, 1, 54)
    assert problem.message == "too deeply nested: this '[' opens level 6, the limit is 5"


# -- encodings ---------------------------------------------------------------------------------


def test_invalid_utf8_points_at_the_first_bad_byte_in_code_points() -> None:
    data = '{\n  "Sid": "Müller'.encode() + b"\xe9" + b'",\n}'
    decoded = decode_bytes(data)
    problem = only_problem(decoded)
    assert (problem.code, problem.span, problem.fatal) == ("encoding", Span(2, 17, 2, 18), True)
    assert problem.message == (
        "invalid UTF-8 (invalid continuation byte: 0xE9); AWS requires policies to be UTF-8 encoded"
    )
    assert decoded.value is None
    assert "\ufffd" in decoded.text


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian)"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian)"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian)"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian)"),
    ],
)
def test_utf16_and_utf32_are_rejected_with_a_clear_message(
    bom: bytes, codec: str, name: str
) -> None:
    decoded = decode_bytes(bom + '{"Version": "2012-10-17"}'.encode(codec))
    assert only_problem(decoded) == Problem(
        "encoding",
        f"file is {name} encoded (it starts with a byte order mark); AWS requires UTF-8",
        Span(1, 1, 1, 2),
        True,
    )
    assert decoded.text == '{"Version": "2012-10-17"}'


def test_utf16_without_bom() -> None:
    problem = only_problem(decode_bytes('{"a": 1}'.encode("utf-16-le")))
    assert (problem.code, problem.span) == ("encoding", Span(1, 2, 1, 3))
    assert "UTF-16" in problem.message


@pytest.mark.parametrize(
    ("data", "code", "span"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "encoding", Span(1, 1, 1, 2)),
        (b"\x00\x00\x00\x00", "encoding", Span(1, 1, 1, 2)),
        (b"MZ\x90\x00\x03", "encoding", Span(1, 3, 1, 4)),
        (b"\x7fELF\x02\x01\x01", "syntax", Span(1, 1, 1, 2)),
    ],
)
def test_binary_garbage(data: bytes, code: str, span: Span) -> None:
    decoded = decode_bytes(data)
    problem = only_problem(decoded)
    assert (problem.code, problem.span, problem.fatal) == (code, span, True)


def test_too_large_problem_and_failed_result() -> None:
    problem = too_large_problem(2_000_000, 1_048_576)
    assert problem == Problem(
        "too-large",
        "file is 2,000,000 bytes, larger than the limit of 1,048,576 bytes; it was not decoded",
        FILE_START,
        True,
    )
    decoded = Decoded.failed(problem)
    assert (decoded.ok, decoded.value, decoded.text, decoded.problems) == (
        False,
        None,
        "",
        [problem],
    )
    assert decoded.nearest_span(("Statement",)) == FILE_START


def test_problems_are_in_source_order() -> None:
    text = '{"a": 1, // c\n "a": [NaN,], "b": tru}'
    decoded = decode_text(text)
    assert [p.code for p in decoded.problems] == [
        "comment",
        "non-finite-number",
        "trailing-comma",
        "duplicate-key",
        "syntax",
    ]
    assert [p.span.column for p in decoded.problems] == [10, 8, 11, 2, 20]


# -- embedded documents ------------------------------------------------------------------------

INNER = """{
  "Version" : "2012-10-17",
  "Id" : "key-consolepolicy-3",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions \u00e9 \U0001f600",
    "Effect" : "Allow",
    "Principal" : {"AWS" : "arn:aws:iam::111122223333:root"},
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}"""


def kms_output(inner: str, *, ensure_ascii: bool = True) -> str:
    """What ``aws kms get-key-policy --output json`` prints, line breaks as escapes."""
    return (
        '{\n    "PolicyName": "default",\n    "Policy": '
        + json.dumps(inner, ensure_ascii=ensure_ascii)
        + "\n}\n"
    )


def test_embedded_document_spans_map_through_json_escapes() -> None:
    outer_text = kms_output(INNER)
    assert "\\u00e9" in outer_text and "\\ud83d\\ude00" in outer_text
    outer = decode_text(outer_text)
    inner = decode_embedded(outer, ("Policy",))
    assert inner.ok
    assert inner.problems == []
    assert inner.value == json.loads(INNER)
    assert inner.text == INNER
    action_key = inner.span(("Statement", 0, "Action"), key=True)
    assert action_key is not None and action_key.line == 3
    assert sliced(outer_text, action_key) == '\\"Action\\"'
    assert sliced(outer_text, inner.span(("Statement", 0, "Action"))) == '\\"kms:*\\"'
    sid = sliced(outer_text, inner.span(("Statement", 0, "Sid")))
    assert sid == '\\"Enable IAM User Permissions \\u00e9 \\ud83d\\ude00\\"'
    # A span over several inner lines maps to one outer line, escapes and all.
    principal = sliced(outer_text, inner.span(("Statement", 0)))
    assert principal.startswith('{\\n    \\"Sid\\"') and principal.endswith("\\n  }")
    # The literal starts at column 15; the document runs from after its quote to before the last.
    assert inner.span(()) == Span(3, 16, 3, 15 + len(json.dumps(INNER)) - 1)


def test_embedded_document_spans_after_non_ascii_are_in_code_points() -> None:
    outer_text = kms_output(INNER, ensure_ascii=False)
    inner = decode_embedded(decode_text(outer_text), ("Policy",))
    assert sliced(outer_text, inner.span(("Statement", 0, "Effect"))) == '\\"Allow\\"'


def test_embedded_problems_are_reported_in_outer_coordinates() -> None:
    broken = (
        '{\n  "Statement": [\n    {"Effect": "Allow",},\n    {"Effect": "Deny"}\n  ],\n'
        '  "Statement": []\n}'
    )
    outer_text = kms_output(broken)
    inner = decode_embedded(decode_text(outer_text), ("Policy",))
    assert inner.ok
    comma, duplicate = inner.problems
    assert comma.code == "trailing-comma"
    assert sliced(outer_text, comma.span) == ","
    assert duplicate.code == "duplicate-key"
    assert sliced(outer_text, duplicate.span) == '\\"Statement\\"'
    assert (
        duplicate.message
        == 'duplicate key "Statement" (first at line 3, column 21); the last value is used'
    )


def test_embedded_fatal_problem_and_fallback_span() -> None:
    outer_text = kms_output('{"Version": "2012-10-17" "Statement": []}')
    outer = decode_text(outer_text)
    inner = decode_embedded(outer, ("Policy",))
    assert not inner.ok
    problem = only_problem(inner)
    assert sliced(outer_text, problem.span) == '\\"Statement\\"'
    assert inner.nearest_span(("Statement",)) == outer.span(("Policy",))


def test_url_encoded_embedded_document() -> None:
    encoded = urllib.parse.quote(INNER, safe="")
    outer_text = (
        '{"PolicyVersion": {"Document": "'
        + encoded
        + '", "VersionId": "v1", "IsDefaultVersion": true}}'
    )
    inner = decode_embedded(
        decode_text(outer_text), ("PolicyVersion", "Document"), url_encoded=True
    )
    assert inner.ok
    assert inner.value == json.loads(INNER)
    assert sliced(outer_text, inner.span(("Statement", 0, "Action"), key=True)) == "%22Action%22"
    sid = sliced(outer_text, inner.span(("Statement", 0, "Sid")))
    assert urllib.parse.unquote(sid) == '"Enable IAM User Permissions \u00e9 \U0001f600"'
    assert "%C3%A9" in sid and "%F0%9F%98%80" in sid


def test_url_encoded_inside_json_escapes_and_plus_stays_plus() -> None:
    inner_text = '{"Sid": "a+b", "Resource": "\u00e9"}'
    # A JSON-escaped percent-encoded string: \u0025 is '%', \/ is '/'.
    literal = urllib.parse.quote(inner_text, safe="+").replace("%C3", "\\u0025C3")
    outer_text = '{"Document": "' + literal + '"}'
    inner = decode_embedded(decode_text(outer_text), ("Document",), url_encoded=True)
    assert inner.value == {"Sid": "a+b", "Resource": "\u00e9"}
    assert sliced(outer_text, inner.span(("Resource",))) == "%22\\u0025C3%A9%22"


def test_url_encoded_invalid_utf8() -> None:
    outer_text = '{"Document": "%7B%22a%22%3A%22%E9%22%7D"}'
    inner = decode_embedded(decode_text(outer_text), ("Document",), url_encoded=True)
    problem = only_problem(inner)
    assert (problem.code, problem.fatal) == ("encoding", True)
    assert sliced(outer_text, problem.span) == "%E9"


def test_embedded_in_a_crlf_file_with_bom_and_an_outer_problem() -> None:
    outer_text = '{\r\n  "Policy": ' + json.dumps('{"Effect": "Allow",}') + ",\r\n}\r\n"
    outer = decode_bytes(codecs.BOM_UTF8 + outer_text.encode())
    assert [p.code for p in outer.problems] == ["trailing-comma"]
    inner = decode_embedded(outer, ("Policy",))
    assert inner.value == {"Effect": "Allow"}
    problem = only_problem(inner)
    assert problem.span == Span(2, 36, 2, 37)
    assert sliced(outer_text, problem.span) == ","
    assert sliced(outer_text, inner.span(("Effect",))) == '\\"Allow\\"'


def test_embedded_bom_inside_the_string() -> None:
    outer_text = '{"Policy": "\\ufeff{\\"a\\": 1}"}'
    inner = decode_embedded(decode_text(outer_text), ("Policy",))
    assert inner.value == {"a": 1}
    assert sliced(outer_text, inner.span(("a",), key=True)) == '\\"a\\"'


def test_embedded_twice() -> None:
    innermost = '{"Action": "s3:*"}'
    middle = json.dumps({"Policy": innermost})
    outer_text = json.dumps({"Wrapped": middle})
    middle_decoded = decode_embedded(decode_text(outer_text), ("Wrapped",))
    innermost_decoded = decode_embedded(middle_decoded, ("Policy",))
    assert innermost_decoded.value == {"Action": "s3:*"}
    assert sliced(outer_text, innermost_decoded.span(("Action",))) == '\\\\\\"s3:*\\\\\\"'


@pytest.mark.parametrize("path", [("PolicyName", "x"), ("Missing",), ()])
def test_embedded_requires_a_string(path: tuple) -> None:
    outer = decode_text('{"PolicyName": {"x": 1}, "Policy": "{}"}')
    with pytest.raises(ValueError, match="no string value"):
        decode_embedded(outer, path)
