"""Property tests for linter.decode: values match json.loads and every span slices its token."""

from __future__ import annotations

import json
import re
import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.decode import Decoded, decode_bytes, decode_embedded, decode_text
from linter.model import Span

LINE_BREAK = re.compile(r"\r\n|\r|\n")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=30,
)
layouts = st.fixed_dictionaries(
    {
        "indent": st.sampled_from([None, 0, 1, 2, 4, "\t", " \t"]),
        "separators": st.sampled_from([(",", ":"), (", ", ": "), (",", " : "), (" ,\t", ":\t")]),
        "ensure_ascii": st.booleans(),
        "newline": st.sampled_from(["\n", "\r\n", "\r"]),
        "padding": st.sampled_from(["", " ", "\n", "\r\n\t "]),
    }
)


def dump(value: object, layout: dict) -> str:
    text = json.dumps(
        value,
        indent=layout["indent"],
        separators=layout["separators"],
        ensure_ascii=layout["ensure_ascii"],
    )
    # json.dumps escapes line breaks inside strings, so every raw LF is layout.
    text = text.replace("\n", layout["newline"])
    return layout["padding"] + text + layout["padding"]


def offset(text: str, line: int, column: int) -> int:
    starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
    return starts[line - 1] + column - 1


def sliced(text: str, span: Span | None) -> str:
    assert span is not None
    return text[offset(text, span.line, span.column) : offset(text, span.end_line, span.end_column)]


def paths_and_values(value: object):
    """Every (path, value, key) in ``value``; key is the member name or None."""
    stack: list[tuple[tuple, object, str | None]] = [((), value, None)]
    while stack:
        path, node, key = stack.pop()
        yield path, node, key
        if isinstance(node, dict):
            stack.extend(((*path, k), child, k) for k, child in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), child, None) for i, child in enumerate(node))


def assert_spans_slice_tokens(decoded: Decoded, text: str, unwrap=lambda token: token) -> None:
    """Each value span slices to text that decodes to that value; key spans to the key."""
    for path, value, key in paths_and_values(decoded.value):
        token = unwrap(sliced(text, decoded.span(path)))
        assert json.loads(token) == value, (path, token)
        key_token = unwrap(sliced(text, decoded.span(path, key=True)))
        if key is None:
            assert key_token == token
        else:
            assert json.loads(key_token) == key, (path, key_token)


@settings(max_examples=300, deadline=None)
@given(json_values, layouts)
def test_value_equals_json_loads_and_spans_slice_tokens(value: object, layout: dict) -> None:
    text = dump(value, layout)
    decoded = decode_text(text)
    assert decoded.ok
    assert decoded.problems == []
    assert decoded.value == json.loads(text)
    assert_spans_slice_tokens(decoded, text)


@settings(max_examples=200, deadline=None)
@given(json_values, layouts)
def test_precise_parser_agrees_with_the_fast_path(value: object, layout: dict) -> None:
    text = dump(value, layout)
    # A leading comment forces the precise parser; it must produce the same value and spans.
    commented = "/**/" + text
    fast, precise = decode_text(text), decode_text(commented)
    assert [p.code for p in precise.problems] == ["comment"]
    assert precise.value == fast.value
    for path, _, _ in paths_and_values(fast.value):
        for key in (False, True):
            expected = fast.span(path, key=key)
            assert expected is not None
            shift = 4 if expected.line == 1 else 0
            end_shift = 4 if expected.end_line == 1 else 0
            assert precise.span(path, key=key) == Span(
                expected.line,
                expected.column + shift,
                expected.end_line,
                expected.end_column + end_shift,
            )


@settings(max_examples=100, deadline=None)
@given(json_values, layouts)
def test_bytes_with_bom_decode_like_text(value: object, layout: dict) -> None:
    text = dump(value, layout)
    decoded = decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.value == json.loads(text)
    assert_spans_slice_tokens(decoded, text)


@settings(max_examples=150, deadline=None)
@given(json_values, layouts, layouts)
def test_embedded_spans_slice_escaped_tokens(value: object, inner: dict, outer: dict) -> None:
    inner_text = dump(value, inner)
    outer_text = dump({"PolicyName": "default", "Policy": inner_text}, outer)
    decoded = decode_embedded(decode_text(outer_text), ("Policy",))
    assert decoded.value == json.loads(inner_text)
    assert decoded.text == inner_text
    assert_spans_slice_tokens(decoded, outer_text, lambda token: json.loads(f'"{token}"'))


@settings(max_examples=100, deadline=None)
@given(json_values, layouts, st.sampled_from(["", "/", "+:"]))
def test_url_encoded_embedded_spans_slice_encoded_tokens(
    value: object, inner: dict, safe: str
) -> None:
    inner_text = dump(value, inner)
    encoded = urllib.parse.quote(inner_text, safe=safe)
    outer_text = json.dumps({"PolicyVersion": {"Document": encoded}}, indent=2)
    decoded = decode_embedded(
        decode_text(outer_text), ("PolicyVersion", "Document"), url_encoded=True
    )
    assert decoded.value == json.loads(inner_text)
    assert_spans_slice_tokens(
        decoded, outer_text, lambda token: urllib.parse.unquote(json.loads(f'"{token}"'))
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='{}[],:"\\ \n0123456789-.eEtrufalsn/*x\u00e9', max_size=40))
def test_arbitrary_text_never_raises(text: str) -> None:
    decoded = decode_text(text)
    if decoded.ok:
        assert all(not problem.fatal for problem in decoded.problems)
    else:
        assert decoded.value is None
        assert sum(problem.fatal for problem in decoded.problems) == 1
    for problem in decoded.problems:
        assert (problem.span.line, problem.span.column) <= (
            problem.span.end_line,
            problem.span.end_column,
        )
        assert offset(text, problem.span.end_line, problem.span.end_column) <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    decoded = decode_bytes(data)
    fatal = [problem for problem in decoded.problems if problem.fatal]
    assert len(fatal) == (0 if decoded.ok else 1)
    if decoded.ok and not decoded.problems:
        assert decoded.value == json.loads(data.decode("utf-8-sig"))
