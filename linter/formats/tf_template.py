"""Terraform templates (``"...${expr}..."``, heredocs) as unknown values and as JSON documents.

Shared by ``.tf`` (tree-sitter finds the holes) and ``.tf.json`` (holes found in the text). A
template is a list of pieces: literal runs ``Literal(text, offsets)`` (escapes already processed,
one character offset in the file per character, so positions survive) and :class:`Hole`
(``${...}`` interpolations and ``%{...}`` directives). No tree-sitter here.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from linter.decode import Problem, decode_mapped
from linter.model import Span
from linter.sources import Locator, SpanTable, Unknown

__all__ = [
    "Hole",
    "Literal",
    "json_document",
    "reference_unknown",
    "split_template",
    "template_unknown",
]


class Literal(NamedTuple):
    text: str
    offsets: list[int]  # file character offset of each character of text


class Hole(NamedTuple):
    """``${expression}`` (``expression`` is its text) or a ``%{...}`` directive (None)."""

    text: str  # as written, with its ${ } or %{ }
    expression: str | None
    start: int  # file character offsets
    end: int
    node: Any = None  # the tree-sitter node, for .tf files


Piece = Literal | Hole

# -- references -------------------------------------------------------------------------------

# The ARN patterns of the ``arn`` attribute of common AWS provider resources (and data sources
# of the same name): every ARN the resource can have matches the pattern.
_ARN_PATTERNS = {
    "aws_s3_bucket": "arn:*:s3:::*",
    "aws_s3_access_point": "arn:*:s3:*:*:accesspoint/*",
    "aws_iam_role": "arn:*:iam::*:role/*",
    "aws_iam_user": "arn:*:iam::*:user/*",
    "aws_iam_group": "arn:*:iam::*:group/*",
    "aws_iam_policy": "arn:*:iam::*:policy/*",
    "aws_iam_instance_profile": "arn:*:iam::*:instance-profile/*",
    "aws_iam_openid_connect_provider": "arn:*:iam::*:oidc-provider/*",
    "aws_iam_saml_provider": "arn:*:iam::*:saml-provider/*",
    "aws_kms_key": "arn:*:kms:*:*:key/*",
    "aws_kms_replica_key": "arn:*:kms:*:*:key/*",
    "aws_kms_alias": "arn:*:kms:*:*:alias/*",
    "aws_sqs_queue": "arn:*:sqs:*:*:*",
    "aws_sns_topic": "arn:*:sns:*:*:*",
    "aws_dynamodb_table": "arn:*:dynamodb:*:*:table/*",
    "aws_lambda_function": "arn:*:lambda:*:*:function:*",
    "aws_secretsmanager_secret": "arn:*:secretsmanager:*:*:secret:*",
    "aws_cloudwatch_log_group": "arn:*:logs:*:*:log-group:*",
    "aws_ecr_repository": "arn:*:ecr:*:*:repository/*",
    "aws_kinesis_stream": "arn:*:kinesis:*:*:stream/*",
    "aws_kinesis_firehose_delivery_stream": "arn:*:firehose:*:*:deliverystream/*",
    "aws_sfn_state_machine": "arn:*:states:*:*:stateMachine:*",
    "aws_ssm_parameter": "arn:*:ssm:*:*:parameter/*",
    "aws_efs_file_system": "arn:*:elasticfilesystem:*:*:file-system/*",
    "aws_ecs_cluster": "arn:*:ecs:*:*:cluster/*",
    "aws_cloudtrail": "arn:*:cloudtrail:*:*:trail/*",
    "aws_codecommit_repository": "arn:*:codecommit:*:*:*",
    "aws_backup_vault": "arn:*:backup:*:*:backup-vault:*",
    "aws_glacier_vault": "arn:*:glacier:*:*:vaults/*",
    "aws_api_gateway_rest_api": "arn:*:apigateway:*::/restapis/*",
    "aws_cloudwatch_event_bus": "arn:*:events:*:*:event-bus/*",
    "aws_cloudwatch_event_rule": "arn:*:events:*:*:rule/*",
    "aws_opensearch_domain": "arn:*:es:*:*:domain/*",
    "aws_elasticsearch_domain": "arn:*:es:*:*:domain/*",
    "aws_acm_certificate": "arn:*:acm:*:*:certificate/*",
    "aws_route53_zone": "arn:*:route53:::hostedzone/*",
}
_REFERENCE = re.compile(
    r"(?:data\.)?(?P<type>[a-z][a-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_-]*"
    r"(?:\[(?:\d+|\"[^\"\]]*\"|[a-z][a-z0-9_.]*)\])?\.(?P<attribute>[a-z_]+)"
)


_TRAVERSAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[^\]]*\])+")


def reference_unknown(text: str) -> Unknown:
    """The unknown value of a Terraform expression written as ``text`` (no ``${}``): typed when
    it is a reference whose attribute has a known shape, untyped otherwise."""
    stripped = text.strip()
    if stripped.endswith(".account_id") and _TRAVERSAL.fullmatch(stripped):
        return Unknown(text, "????????????", "account-id")
    match = _REFERENCE.fullmatch(stripped)
    if match is not None:
        resource_type, attribute = match.group("type"), match.group("attribute")
        if attribute == "account_id":
            return Unknown(text, "????????????", "account-id")
        if resource_type == "aws_partition" and attribute == "partition":
            return Unknown(text, "aws*", "string")
        if attribute == "arn" and resource_type in _ARN_PATTERNS:
            return Unknown(text, _ARN_PATTERNS[resource_type], "arn")
    return Unknown(text)


def hole_pattern(hole: Hole) -> str:
    """What an interpolation contributes to a pattern: its reference's pattern, else ``*``."""
    if hole.expression is not None:
        pattern = reference_unknown(hole.expression).pattern
        if pattern is not None:
            return pattern
    return "*"


def sole_hole(pieces: list[Piece]) -> Hole | None:
    """The interpolation when the template is exactly ``${expr}`` (whitespace aside)."""
    holes = [piece for piece in pieces if isinstance(piece, Hole)]
    if len(holes) != 1 or holes[0].expression is None:
        return None
    if any(piece.text.strip() for piece in pieces if isinstance(piece, Literal)):
        return None
    return holes[0]


def template_unknown(pieces: list[Piece], written: str) -> Unknown:
    """The unknown value of a template with holes: literal parts kept in the pattern, each
    interpolation replaced by its reference's pattern or ``*``, each directive by ``*``."""
    only = sole_hole(pieces)
    if only is not None:
        typed = reference_unknown(only.expression or "")
        return Unknown(written, typed.pattern, typed.kind)
    pattern = "".join(
        piece.text if isinstance(piece, Literal) else hole_pattern(piece) for piece in pieces
    )
    kind = "arn" if pattern.startswith("arn:") else "string"
    return Unknown(written, pattern if pattern.strip("*") else None, kind)


# -- textual templates (tf.json strings) ------------------------------------------------------


def split_template(text: str, offsets: list[int]) -> list[Piece]:
    """Split a Terraform template string (already JSON-unescaped) into literals and holes.

    ``$${`` and ``%%{`` are literal ``${`` and ``%{``. A hole ends at its matching brace,
    skipping braces inside quoted strings of the expression.
    """
    pieces: list[Piece] = []
    chars: list[str] = []
    char_offsets: list[int] = []
    i = 0
    length = len(text)
    while i < length:
        two = text[i : i + 2]
        if two in ("$$", "%%") and text[i + 2 : i + 3] == "{":
            chars.append(text[i + 1 : i + 3])
            char_offsets.extend([offsets[i], offsets[i]])
            i += 3
            continue
        if two in ("${", "%{"):
            end = _matching_brace(text, i + 2)
            if end < 0:
                chars.append(text[i:])
                char_offsets.extend(offsets[i:length])
                break
            if chars:
                pieces.append(Literal("".join(chars), char_offsets))
                chars, char_offsets = [], []
            written = text[i : end + 1]
            expression = written[2:-1].strip().strip("~").strip() if two == "${" else None
            pieces.append(Hole(written, expression, offsets[i], offsets[end + 1]))
            i = end + 1
            continue
        chars.append(text[i])
        char_offsets.append(offsets[i])
        i += 1
    if chars:
        pieces.append(Literal("".join(chars), char_offsets))
    return pieces


def _matching_brace(text: str, i: int) -> int:
    depth = 1
    quote = False
    while i < len(text):
        character = text[i]
        if quote:
            if character == "\\":
                i += 1
            elif character == '"':
                quote = False
        elif character == '"':
            quote = True
        elif character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


# -- JSON written as a template ---------------------------------------------------------------

_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_QUOTE_OR_ESCAPE = re.compile(r'\\.|"', re.DOTALL)


def json_document(
    pieces: list[Piece], file_text: str, end: int, written: str, fallback: Span
) -> tuple[Any, Locator, list[Problem], bool]:
    """A JSON document written as a template (heredoc, quoted string), interpolations and all.

    Each ``${...}`` inside a JSON string becomes a run of placeholder characters; one that
    stands where a JSON value should be (``"Resource": ${jsonencode(var.arns)}``) becomes a
    quoted placeholder. The text is decoded with per-character offsets into the file (so a
    finding lands on its line inside a heredoc), then the placeholders become Unknowns.
    Returns (document, locator, problems, ok).
    """
    chars: list[str] = []
    offsets: list[int] = []
    holes: list[tuple[Hole, bool]] = []
    in_string = False
    has_directive = False
    has_holes = any(isinstance(piece, Hole) for piece in pieces)
    for piece in pieces:
        if isinstance(piece, Literal):
            if has_holes:
                # Only quotes and escapes matter for whether a hole stands inside a string.
                for token in _QUOTE_OR_ESCAPE.findall(piece.text):
                    if token == '"' or (token == '\\"' and not in_string):
                        in_string = not in_string
            chars.append(piece.text)
            offsets.extend(piece.offsets)
            continue
        has_directive = has_directive or piece.expression is None
        token = f"\ue000{len(holes)}\ue001"
        if not in_string:
            token = f'"{token}"'
        holes.append((piece, in_string))
        chars.append(token)
        offsets.extend([piece.start] * len(token))
    offsets.append(end)
    decoded = decode_mapped("".join(chars), file_text, offsets)
    if has_directive and decoded.problems:
        # Directives generate JSON text: ``%{ if }`` around statements or elements is read
        # with one branch taken (as written, like a dynamic block made once), when that gives
        # JSON without a problem; what else they leave in or out cannot be judged here.
        flat = _split_directives(pieces)
        for take_if in (True, False):
            chosen = _take_branches(flat, take_if)
            if chosen is None:
                break
            found = json_document(chosen, file_text, end, written, fallback)
            if found[3] and not found[2] and not isinstance(found[0], Unknown):
                return found
        unknown = Unknown("a template whose %{ } directives write its JSON")
        return unknown, SpanTable({(): fallback}, fallback=fallback), [], True
    if not decoded.ok:
        return None, decoded, list(decoded.problems), False
    document = decoded.value
    if holes:
        document = _fill_holes(document, holes)
    return document, decoded, list(decoded.problems), True


_DIRECTIVE_WORD = re.compile(r"%\{~?\s*([a-z]+)")


def _split_directives(pieces: list[Piece]) -> list[Piece]:
    """``pieces`` with a directive that holds a whole ``%{ if }...%{ endif }`` construct (one
    hole in a ``.tf`` heredoc) split into its directives and the text between them."""
    result: list[Piece] = []
    for piece in pieces:
        if (
            isinstance(piece, Hole)
            and piece.expression is None
            and "%{" in piece.text[2:]
            and len(piece.text) == piece.end - piece.start
        ):
            result.extend(split_template(piece.text, list(range(piece.start, piece.end + 1))))
        else:
            result.append(piece)
    return result


def _take_branches(pieces: list[Piece], take_if: bool) -> list[Piece] | None:
    """The pieces with every ``%{ if }`` taking its first branch (``take_if``) or its
    ``%{ else }`` one; None for other directives (``%{ for }`` repeats text) or a broken
    nesting."""
    taken: list[bool] = []
    result: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, Hole) and piece.expression is None:
            match = _DIRECTIVE_WORD.match(piece.text)
            word = match.group(1) if match else ""
            if word == "if":
                taken.append(take_if)
            elif word == "else" and taken:
                taken[-1] = not taken[-1]
            elif word == "endif" and taken:
                taken.pop()
            else:
                return None
            continue
        if all(taken):
            result.append(piece)
    return result if not taken else None


def _fill_holes(value: Any, holes: list[tuple[Hole, bool]]) -> Any:
    """Replace the placeholders of decoded JSON with Unknowns."""
    if type(value) is str:
        return _hole_unknown(value, holes) if "\ue000" in value else value
    if type(value) is list:
        return [_fill_holes(item, holes) for item in value]
    if type(value) is dict:
        if any("\ue000" in key for key in value):
            # A computed key (a condition operator, a principal type): the object is unknown.
            written = json.dumps(value, ensure_ascii=False)  # str() would escape the marks
            return Unknown(_PLACEHOLDER.sub(lambda m: holes[int(m.group(1))][0].text, written))
        return {key: _fill_holes(item, holes) for key, item in value.items()}
    return value


def _hole_unknown(value: str, holes: list[tuple[Hole, bool]]) -> Unknown:
    parts = _PLACEHOLDER.split(value)
    if len(parts) == 3 and not parts[0] and not parts[2]:
        hole, in_string = holes[int(parts[1])]
        if hole.expression is None:
            return Unknown(hole.text)
        expression = hole.expression
        if not in_string and expression.startswith("jsonencode(") and expression.endswith(")"):
            expression = expression[len("jsonencode(") : -1]  # the JSON of the value itself
        typed = reference_unknown(expression)
        return Unknown(hole.text, typed.pattern, typed.kind)
    written: list[str] = []
    pattern: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            written.append(part)
            pattern.append(part)
        else:
            hole = holes[int(part)][0]
            written.append(hole.text)
            pattern.append(hole_pattern(hole))
    joined = "".join(pattern)
    kind = "arn" if joined.startswith("arn:") else "string"
    return Unknown("".join(written), joined if joined.strip("*") else None, kind)
