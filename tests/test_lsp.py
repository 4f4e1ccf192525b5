"""The language server, driven over stdio as an editor drives it (pytest-lsp's client on a
``python -m linter lsp`` subprocess): initialize, open, change, code actions, hover, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types
from pytest_lsp.client import LanguageClient, make_test_lsp_client

from linter.lsp_convert import UTF8, UTF16, UTF32, Lines, code_points, units
from linter.model import Span
from tests.conftest import ROOT

EMOJI = "\U0001f600"
POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", '
    '"Resource": "arn:aws:s3:::b/' + EMOJI + '", "Action": "s3:getobject"}]}\n'
)
ACT004_MESSAGE = (
    "write s3:GetObject instead of s3:getobject: IAM ignores the letter case of actions, but "
    "the canonical spelling is easier to read and search"
)
HELP = "https://github.com/iamlint/iamlint/blob/main/docs/rules.md#"
TIMEOUT = 30


def _range(line: int, start: int, end_line: int, end: int) -> types.Range:
    return types.Range(
        start=types.Position(line=line, character=start),
        end=types.Position(line=end_line, character=end),
    )


@contextlib.asynccontextmanager
async def _session(
    workspace: Path, encodings: list[str] | None = None, arguments: tuple[str, ...] = ()
) -> AsyncIterator[tuple[LanguageClient, types.InitializeResult]]:
    client = make_test_lsp_client()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = ("-m", "linter", "lsp", *arguments)
    await client.start_io(sys.executable, *command, env=env, cwd=str(workspace))
    general = types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(general=general),
            root_uri=workspace.as_uri(),
        )
    )
    try:
        yield client, result
    finally:
        await client.shutdown_session()
        server = client._server
        assert server is not None and server.returncode == 0
        await client.stop()


async def _open(client: LanguageClient, uri: str, text: str) -> list[types.Diagnostic]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)
        )
    )
    return await _diagnostics(client, uri)


async def _change(
    client: LanguageClient, uri: str, version: int, text: str
) -> list[types.Diagnostic]:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    return await _diagnostics(client, uri)


async def _diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    await asyncio.wait_for(
        client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT
    )
    return list(client.diagnostics[uri])


def _workspace(tmp_path: Path, select: str = '["ACT004", "GRM", "JSON", "POL"]') -> Path:
    (tmp_path / ".iamlint.toml").write_text(f"select = {select}\n")
    return tmp_path


def test_diagnostics_actions_and_hover(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    uri = (workspace / "policy.json").as_uri()

    async def scenario() -> None:
        async with _session(workspace) as (client, initialized):
            capabilities = initialized.capabilities
            assert capabilities.position_encoding == types.PositionEncodingKind.Utf16
            assert capabilities.hover_provider
            assert capabilities.code_action_provider.code_action_kinds == (
                types.CodeActionKind.QuickFix,
                "source.fixAll.iamlint",
            )
            assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Full

            # The finding after an astral character: one code point, two UTF-16 units.
            diagnostics = await _open(client, uri, POLICY)
            assert diagnostics == [
                types.Diagnostic(
                    range=_range(0, 118, 0, 132),
                    message=ACT004_MESSAGE,
                    severity=types.DiagnosticSeverity.Information,
                    code="ACT004",
                    code_description=types.CodeDescription(href=HELP + "act004-action-letter-case"),
                    source="iamlint",
                )
            ]

            # A change: the buffer as typed, not the file on disk (there is none).
            changed = POLICY.replace('"Version": "2012-10-17", ', "").replace(
                '"s3:getobject"', '["s3:GetObject", "s3:GetObject"]'
            )
            diagnostics = await _change(client, uri, 2, changed)
            assert [(d.code, d.range, d.message, d.tags) for d in diagnostics] == [
                (
                    "GRM001",
                    _range(0, 1, 0, 12),
                    'the policy has no "Version": IAM applies the 2008-10-17 rules, in which '
                    'policy variables are not substituted; add "Version": "2012-10-17"',
                    None,
                ),
                (
                    "POL002",
                    _range(0, 110, 0, 124),
                    '"s3:GetObject" is listed twice in Action; remove one',
                    (types.DiagnosticTag.Unnecessary,),
                ),
            ]

            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=_range(0, 112, 0, 112),
                    context=types.CodeActionContext(diagnostics=[]),
                )
            )
            assert [(a.title, a.kind) for a in actions] == [
                ('Remove "s3:GetObject" (POL002)', types.CodeActionKind.QuickFix),
                (
                    'Suppress POL002 for statement "Read" (in .iamlint.toml)',
                    types.CodeActionKind.QuickFix,
                ),
                ("Fix all safe iamlint problems (2)", "source.fixAll.iamlint"),
            ]
            remove, suppress, fix_all = actions
            (change,) = remove.edit.document_changes
            assert change.text_document.version == 2
            assert change.edits == (types.TextEdit(range=_range(0, 108, 0, 124), new_text=""),)
            (change,) = suppress.edit.document_changes
            assert change.text_document.uri == (workspace / ".iamlint.toml").as_uri()
            assert change.edits == (
                types.TextEdit(
                    range=_range(1, 0, 1, 0),
                    new_text='\n[[suppress]]\npath = "policy.json"\nrule = "POL002"\nsid = "Read"\n'
                    'reason = "TODO: say why this finding is acceptable here"\n',
                ),
            )
            (change,) = fix_all.edit.document_changes
            assert change.edits == (
                types.TextEdit(
                    range=_range(0, 0, 1, 0),
                    new_text=POLICY.replace('"s3:getobject"', '["s3:GetObject"]'),
                ),
            )

            # Only the kinds asked for (an editor's fix-all on save).
            only = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=_range(0, 0, 0, 0),
                    context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
                )
            )
            assert [a.kind for a in only] == ["source.fixAll.iamlint"]

            hover = await client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line=0, character=112),
                )
            )
            assert hover is not None and hover.range == _range(0, 110, 0, 124)
            assert hover.contents.kind == types.MarkupKind.Markdown
            assert hover.contents.value.startswith(
                '**POL002**: "s3:GetObject" is listed twice in Action; remove one\n\n'
                "### POL002 redundant-action\n"
            )
            assert "\n#### What it does\n" in hover.contents.value
            nothing = await client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line=0, character=0),
                )
            )
            assert nothing is None

            # A half-typed document is a diagnostic, and the server goes on.
            half = await _change(client, uri, 3, changed[:60])
            assert [(d.code, d.range.start.line) for d in half] == [("JSON001", 0)]
            again = await _change(client, uri, 4, POLICY)
            assert [d.code for d in again] == ["ACT004"]

            client.text_document_did_close(
                types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)
                )
            )
            assert await _diagnostics(client, uri) == []

    asyncio.run(scenario())


def test_utf8_positions_and_configuration_errors(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, select='["ACT004"]')
    uri = (workspace / "policy.json").as_uri()

    async def scenario() -> None:
        async with _session(workspace, encodings=["utf-8"]) as (client, initialized):
            assert initialized.capabilities.position_encoding == types.PositionEncodingKind.Utf8
            (diagnostic,) = await _open(client, uri, POLICY)
            assert diagnostic.range == _range(0, 120, 0, 134)  # the emoji is four UTF-8 bytes
            # A broken configuration is reported on the document; linting goes on without it.
            (workspace / ".iamlint.toml").write_text("select = [\n")
            diagnostics = await _change(client, uri, 2, POLICY + " ")
            assert diagnostics[0].code == "CONFIG"
            assert diagnostics[0].range == _range(0, 0, 0, 0)
            assert ".iamlint.toml" in diagnostics[0].message
            # Without a configuration the default selection runs, as `iamlint check` would.
            from linter.engine import Linter, LintOptions

            default = Linter(LintOptions(select=("DEFAULT",))).lint_text(POLICY + " ", "p.json")
            assert [d.code for d in diagnostics[1:]] == [f.rule_id for f in default.findings]

    asyncio.run(scenario())


def test_a_crash_becomes_a_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.lsp import Document, IamlintServer

    server = IamlintServer()

    def broken(path: str) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(server, "linter_for", broken)
    document = Document("file:///tmp/p.json", POLICY, 1)
    server.lint(document)
    (diagnostic,) = document.diagnostics
    assert diagnostic.code == "INT001"
    assert diagnostic.message.startswith("iamlint crashed on this document: KeyError: 'boom' at ")


# -- position conversion -------------------------------------------------------------------------


def test_units_and_code_points() -> None:
    line = "a" + EMOJI + "é"
    assert [units(line, e) for e in (UTF8, UTF16, UTF32)] == [7, 4, 3]
    assert [code_points(line, 3, e) for e in (UTF8, UTF16, UTF32)] == [1, 2, 3]
    assert code_points(line, 2, UTF16) == 1  # inside the surrogate pair: its start
    lines = Lines("\ufeff{\r\n  " + EMOJI + '"x"\r\n}')
    # The engine drops the byte-order mark: its line-1 column 1 is the buffer's second character.
    assert lines.position(1, 1, UTF16) == (0, 1)
    assert lines.range(Span(2, 4, 2, 7), UTF16) == ((1, 4), (1, 7))
    assert lines.column(1, 5, UTF16) == 5
    assert lines.end(UTF16) == (2, 1)


# -- the suppress edit ---------------------------------------------------------------------------


def _finding(rule_id: str, json_path: tuple) -> object:
    from linter.model import Finding, Severity

    return Finding("p.json", Span(1, 1, 1, 2), rule_id, "m", Severity.NOTE, json_path)


def test_suppression_goes_into_the_pyproject_table(tmp_path: Path) -> None:
    import tomllib

    from linter.lsp_suppress import suppression_edit

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(b'[project]\r\nname = "x"\r\n\r\n[tool.iamlint]\r\nignore = ["LPR"]')
    policies = tmp_path / "policies"
    policies.mkdir()
    path = policies / "app.json"
    text = '{"Statement": [{"Sid": "Read\\"s", "Effect": "Allow"}, {"Effect": "Deny"}]}'
    config, exists, position, insert, title = suppression_edit(
        str(path), text, _finding("GRM005", ("Statement", 0, "Effect")), None, lambda _: None
    )
    assert (config, exists, position) == (str(pyproject), True, (5, 17))
    assert insert == (
        '\r\n\r\n[[tool.iamlint.suppress]]\r\npath = "policies/app.json"\r\nrule = "GRM005"\r\n'
        'sid = "Read\\"s"\r\nreason = "TODO: say why this finding is acceptable here"\r\n'
    )
    assert title == 'Suppress GRM005 for statement "Read"s" (in pyproject.toml)'
    table = tomllib.loads(pyproject.read_text() + insert)["tool"]["iamlint"]
    assert table["suppress"][0]["sid"] == 'Read"s'
    # A statement without a Sid: the entry covers the rule in the file.
    _, _, _, insert, title = suppression_edit(
        str(path), text, _finding("GRM005", ("Statement", 1, "Effect")), None, lambda _: None
    )
    assert "sid" not in insert and title == "Suppress GRM005 in this file (in pyproject.toml)"


def test_no_suppression_when_the_configuration_would_not_parse(tmp_path: Path) -> None:
    from linter.lsp_suppress import suppression_edit

    (tmp_path / ".iamlint.toml").write_text('suppress = [{path = "a", rule = "X", reason = "r"}]\n')
    planned = suppression_edit(
        str(tmp_path / "p.json"), "{}", _finding("GRM005", ()), None, lambda _: None
    )
    assert planned is None  # an inline array cannot take a [[suppress]] table after it


def test_check_does_not_import_the_language_server(tmp_path: Path) -> None:
    import subprocess

    policy = tmp_path / "p.json"
    policy.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*"}]}')
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "linter", "check", "--no-config", str(policy)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()}
    assert "linter.cli" in imported
    assert not {"pygls", "lsprotocol", "linter.lsp", "linter.fixes"} & imported


def test_new_access_since_a_revision_in_the_editor(tmp_path: Path) -> None:
    """``iamlint lsp --new-access-since HEAD``: the buffer against the file at HEAD."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    workspace = _workspace(tmp_path, select='["LPR014"]')
    committed = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}\n'
    )
    (workspace / "policy.json").write_text(committed)
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "policy"]):
        subprocess.run(["git", *identity, *command], cwd=workspace, check=True)
    uri = (workspace / "policy.json").as_uri()
    widened = committed.replace('"s3:GetObject"', '["s3:GetObject", "s3:PutObject"]')

    async def scenario() -> None:
        async with _session(workspace, arguments=("--new-access-since", "HEAD")) as (client, _):
            assert await _open(client, uri, committed) == []
            diagnostics = await _change(client, uri, 2, widened)
            assert [(d.code, d.range, d.message) for d in diagnostics] == [
                (
                    "LPR014",
                    _range(0, 87, 0, 101),
                    "new access since HEAD: s3:PutObject on arn:aws:s3:::b/*",
                )
            ]

    asyncio.run(scenario())
