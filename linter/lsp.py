"""``iamlint lsp``: a language server (LSP 3.17, pygls) over standard input and output.

* Diagnostics for the buffer as typed: on open and save at once, on change after a pause of
  DEBOUNCE_SECONDS; the same engine, rules, configuration (the nearest ``.iamlint.toml`` or
  ``pyproject.toml`` above the file, as ``iamlint check`` run from there finds it),
  suppressions and policy-type detection as ``iamlint check`` for that path. Positions are in
  the encoding the client negotiates (UTF-16 unless it offers UTF-8 or UTF-32).
* ``code`` is the rule id, ``codeDescription.href`` its documentation, severity error / warning /
  information, tag Unnecessary on redundancy findings and Deprecated on the old policy version.
* Code actions: each fix as a ``quickfix`` (unsafe ones say so), ``source.fixAll.iamlint`` for
  the safe fixes of the document, and "suppress" as an edit of the configuration file (a
  ``[[tool.iamlint.suppress]]`` / ``[[suppress]]`` entry for the statement's Sid, or for the file
  when the statement has none).
* Hover on a finding shows the rule's documentation.
* A crash while linting, or a configuration error, becomes a diagnostic; the server goes on.

pygls is imported by this module only, which only the ``lsp`` command imports.
"""

from __future__ import annotations

import asyncio
import os
import traceback
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from linter import __version__
from linter.lsp_convert import UTF16, Lines
from linter.model import Finding, Severity

DEBOUNCE_SECONDS = 0.15
SOURCE = "iamlint"
FIX_ALL_KIND = "source.fixAll.iamlint"
CONFIG_ERROR_CODE = "CONFIG"
INTERNAL_ERROR_CODE = "INT001"
# Findings that mean the flagged text can go: shown faded by editors.
UNNECESSARY_TAG = "redundancy"
DEPRECATED_RULES = frozenset({"GRM003"})

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}
_ENCODINGS = {
    types.PositionEncodingKind.Utf8: "utf-8",
    types.PositionEncodingKind.Utf16: "utf-16",
    types.PositionEncodingKind.Utf32: "utf-32",
}


class Document:
    """An open buffer and the findings of its last lint."""

    __slots__ = ("diagnostics", "fix_all", "lines", "pairs", "path", "text", "uri", "version")

    def __init__(self, uri: str, text: str, version: int | None) -> None:
        self.uri = uri
        self.path = to_fs_path(uri) or uri
        self.text = text
        self.version = version
        self.lines = Lines(text)
        self.pairs: list[tuple[Finding, types.Diagnostic]] = []
        self.diagnostics: list[types.Diagnostic] = []
        # The fix-all action of the text it was computed for (editors ask on every cursor move).
        self.fix_all: tuple[str, types.CodeAction | None] | None = None

    @property
    def findings(self) -> list[Finding]:
        return [finding for finding, _ in self.pairs]

    def update(self, text: str, version: int | None) -> None:
        self.text = text
        self.version = version
        self.lines = Lines(text)


class IamlintServer(LanguageServer):
    """The server: open documents, pending lints, linters per configuration."""

    def __init__(self) -> None:
        super().__init__(
            "iamlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.documents: dict[str, Document] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self._linters: dict[Any, Any] = {}
        self._rule_classes: dict[str, Any] = {}
        #: ``iamlint lsp --new-access-since REF``: the revision buffers are compared with.
        self.new_access_since: str | None = None

    # -- configuration and linting ------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            chosen = self.workspace.position_encoding
        except RuntimeError:
            chosen = None
        return _ENCODINGS.get(chosen, UTF16) if chosen else UTF16  # type: ignore[arg-type]

    def linter_for(self, path: str) -> tuple[Any, str | None, Any]:
        """The linter for a file (configuration as ``iamlint check`` finds it from the file's
        directory), a configuration error message or None, and the options."""
        from linter import config
        from linter.engine import Linter

        directory = os.path.dirname(os.path.abspath(path))
        error = None
        revision, revision_error = self._revision(directory)
        try:
            found = config.find_config(directory)
            stamp = _stamp(found)
            key = (found, stamp, revision)
            cached = self._linters.get(key)
            if cached is not None:
                return cached
            configuration = config.load_nearest_config(directory) if found else None
        except config.ConfigError as problem:
            error, configuration, key = str(problem), None, None
        options, _ = config.resolve(configuration, config.CommandLine())
        if revision is not None:
            select = (*options.select, "new-access") if options.select else options.select
            options = options._replace(new_access_since=revision, select=select)
        entry = (Linter(options), error or revision_error, options)
        if key is not None:
            self._linters[key] = entry
        return entry

    def _revision(self, directory: str) -> tuple[Any, str | None]:
        """The revision of ``--new-access-since`` for a file in ``directory``, resolved anew
        for each lint (a commit moves ``HEAD``), and an error message when it cannot be."""
        if not self.new_access_since:
            return None, None
        from linter.revisions import RevisionError, resolve_revision

        try:
            return resolve_revision(self.new_access_since, directory), None
        except RevisionError as problem:
            return None, f"--new-access-since: {problem}"

    def lint(self, document: Document) -> None:
        """Lint the buffer and remember its findings and diagnostics."""
        findings: list[Finding] = []
        extra: list[types.Diagnostic] = []
        try:
            linter, error, options = self.linter_for(document.path)
            if error is not None:
                extra.append(self._plain_diagnostic(CONFIG_ERROR_CODE, error))
            if not _excluded(document.path, options.exclude):
                data = document.text.encode("utf-8", "surrogatepass")
                result = linter.lint_bytes(data, document.path, explicit=False)
                # A finding in another file (a Terraform file() policy) is not this buffer's.
                findings = [f for f in result.findings if f.path == document.path]
        except Exception as error:  # never a dead server: the crash becomes a diagnostic
            where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
            at = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
            message = f"iamlint crashed on this document: {type(error).__name__}: {error}{at}"
            extra.append(self._plain_diagnostic(INTERNAL_ERROR_CODE, message))
            findings = []
        document.pairs = [(f, self.diagnostic(document, f)) for f in findings]
        document.diagnostics = extra + [diagnostic for _, diagnostic in document.pairs]

    def publish(self, document: Document) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri, version=document.version, diagnostics=document.diagnostics
            )
        )

    def lint_and_publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        document = self.documents.get(uri)
        if document is not None:
            self.lint(document)
            self.publish(document)

    def schedule(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(DEBOUNCE_SECONDS, self.lint_and_publish, uri)

    def current(self, uri: str) -> Document | None:
        """The document with findings for its current text (a pending lint is run now)."""
        if uri in self.pending:
            self.pending.pop(uri).cancel()
            document = self.documents.get(uri)
            if document is not None:
                self.lint(document)
                self.publish(document)
        return self.documents.get(uri)

    # -- conversion -----------------------------------------------------------------------------

    def range(self, document: Document, span: Any) -> types.Range:
        (line, character), (end_line, end_character) = document.lines.range(span, self.encoding)
        return types.Range(
            start=types.Position(line=line, character=character),
            end=types.Position(line=end_line, character=end_character),
        )

    def diagnostic(self, document: Document, finding: Finding) -> types.Diagnostic:
        from checks import RULE_INFO_BY_ID
        from linter.rule_docs import help_uri

        rule = RULE_INFO_BY_ID.get(finding.rule_id)
        tags = []
        if rule is not None and UNNECESSARY_TAG in rule.tags:
            tags.append(types.DiagnosticTag.Unnecessary)
        if finding.rule_id in DEPRECATED_RULES:
            tags.append(types.DiagnosticTag.Deprecated)
        return types.Diagnostic(
            range=self.range(document, finding.span),
            message=finding.message,
            severity=_SEVERITY[finding.severity],
            code=finding.rule_id,
            code_description=(
                types.CodeDescription(href=help_uri(rule)) if rule is not None else None  # type: ignore[arg-type]
            ),
            source=SOURCE,
            tags=tags or None,
        )

    def _plain_diagnostic(self, code: str, message: str) -> types.Diagnostic:
        start = types.Position(line=0, character=0)
        return types.Diagnostic(
            range=types.Range(start=start, end=start),
            message=message,
            severity=types.DiagnosticSeverity.Error,
            code=code,
            source=SOURCE,
        )

    def text_edit(self, document: Document, edit: Any) -> types.TextEdit:
        return types.TextEdit(range=self.range(document, edit.span), new_text=edit.replacement)

    def workspace_edit(
        self, document: Document, edits: list[types.TextEdit]
    ) -> types.WorkspaceEdit:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=document.uri, version=document.version
                    ),
                    edits=edits,  # type: ignore[arg-type]
                )
            ]
        )

    # -- code actions ----------------------------------------------------------------------------

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.current(params.text_document.uri)
        if document is None:
            return []
        only = params.context.only
        actions: list[types.CodeAction] = []
        touched = [(f, d) for f, d in document.pairs if _overlaps(d.range, params.range)]
        if _wanted(types.CodeActionKind.QuickFix, only):
            for finding, diagnostic in touched:
                if finding.fix is not None:
                    actions.append(self.quick_fix(document, finding, diagnostic))
            for finding, diagnostic in touched:
                action = self.suppress_action(document, finding, diagnostic)
                if action is not None:
                    actions.append(action)
        if _wanted(FIX_ALL_KIND, only):
            action = self.fix_all(document)
            if action is not None:
                actions.append(action)
        return actions

    def quick_fix(
        self, document: Document, finding: Finding, diagnostic: types.Diagnostic
    ) -> types.CodeAction:
        fix = finding.fix
        assert fix is not None
        title = fix.description if fix.is_safe else f"{fix.description} (unsafe fix)"
        return types.CodeAction(
            title=f"{title} ({finding.rule_id})",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=fix.is_safe,
            edit=self.workspace_edit(document, [self.text_edit(document, e) for e in fix.edits]),
        )

    def fix_all(self, document: Document) -> types.CodeAction | None:
        if not any(f.fix is not None and f.fix.is_safe for f in document.findings):
            return None
        cached = document.fix_all
        if cached is not None and cached[0] is document.text:
            return cached[1]
        action = self._fix_all(document)
        document.fix_all = (document.text, action)
        return action

    def _fix_all(self, document: Document) -> types.CodeAction | None:
        from linter.fixes import fix_text

        linter, _, _ = self.linter_for(document.path)
        bom = "\ufeff" if document.lines.bom else ""
        text = document.text[len(bom) :]

        def lint(candidate: str) -> Any:
            data = candidate.encode("utf-8", "surrogatepass")
            return linter.lint_bytes(data, document.path, explicit=False)

        outcome = fix_text(text, lint)
        if outcome.text == text:
            return None
        line, character = document.lines.end(self.encoding)
        whole = types.Range(
            start=types.Position(line=0, character=0),
            end=types.Position(line=line, character=character),
        )
        count = sum(outcome.applied.values())
        return types.CodeAction(
            title=f"Fix all safe iamlint problems ({count})",
            kind=FIX_ALL_KIND,
            edit=self.workspace_edit(
                document, [types.TextEdit(range=whole, new_text=bom + outcome.text)]
            ),
        )

    def suppress_action(
        self, document: Document, finding: Finding, diagnostic: types.Diagnostic
    ) -> types.CodeAction | None:
        from linter.lsp_suppress import suppression_edit

        if finding.rule_id in ("INT001", "IO001", "SUP001"):
            return None
        root = self.workspace.root_path if self.workspace.root_path else None
        planned = suppression_edit(document.path, document.text, finding, root, self._open_text)
        if planned is None:
            return None
        config_path, exists, position, insert, title = planned
        config_uri = from_fs_path(config_path) or config_path
        open_config = self.documents.get(config_uri)
        if exists:
            lines = Lines(open_config.text if open_config else _read(config_path))
            line, character = lines.position(position[0], position[1], self.encoding)
            where = types.Position(line=line, character=character)
            changes: list[Any] = []
        else:
            where = types.Position(line=0, character=0)
            changes = [
                types.CreateFile(
                    uri=config_uri,
                    options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True),
                )
            ]
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=config_uri, version=open_config.version if open_config else None
                ),
                edits=[types.TextEdit(range=types.Range(start=where, end=where), new_text=insert)],
            )
        )
        return types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(document_changes=changes),
        )

    def _open_text(self, path: str) -> str | None:
        document = self.documents.get(from_fs_path(path) or path)
        return document.text if document is not None else None

    # -- hover ----------------------------------------------------------------------------------

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        from checks import RULE_INFO_BY_ID
        from linter.rule_docs import rule_markdown

        document = self.current(params.text_document.uri)
        if document is None:
            return None
        position = params.position
        parts = []
        hit: types.Range | None = None
        for finding, diagnostic in document.pairs:
            if not _contains(diagnostic.range, position):
                continue
            rule = RULE_INFO_BY_ID.get(finding.rule_id)
            if rule is None:
                continue
            hit = hit or diagnostic.range
            parts.append(
                f"**{finding.rule_id}**: {finding.message}\n\n{rule_markdown(rule.load(), 3)}"
            )
        if not parts:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
            ),
            range=hit,
        )


def _stamp(path: str | None) -> Any:
    if path is None:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size)


def _excluded(path: str, exclude: tuple[str, ...]) -> bool:
    from linter.discovery import matches_any

    return bool(exclude) and matches_any(path, exclude)


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _key(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def _contains(a: types.Range, position: types.Position) -> bool:
    return _key(a.start) <= _key(position) <= _key(a.end)


def _wanted(kind: str, only: list[str] | None) -> bool:
    if only is None:
        return True
    return any(kind == want or kind.startswith(want + ".") for want in only)


def create_server() -> IamlintServer:
    server = IamlintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: IamlintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        document = Document(item.uri, item.text, item.version)
        ls.documents[item.uri] = document
        ls.lint_and_publish(item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: IamlintServer, params: types.DidChangeTextDocumentParams) -> None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return
        text = document.text
        for change in params.content_changes:
            text = change.text  # full synchronisation: each change is the whole text
        document.update(text, params.text_document.version)
        ls.schedule(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=True))
    async def did_save(ls: IamlintServer, params: types.DidSaveTextDocumentParams) -> None:
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return
        if params.text is not None:
            document.update(params.text, document.version)
        handle = ls.pending.pop(document.uri, None)
        if handle is not None:
            handle.cancel()
        ls.lint_and_publish(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: IamlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.documents.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    async def code_action(
        ls: IamlintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        try:
            return ls.code_actions(params)
        except Exception as error:  # an action that cannot be built is left out
            ls.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=repr(error))
            )
            return []

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: IamlintServer, params: types.HoverParams) -> types.Hover | None:
        try:
            return ls.hover(params)
        except Exception as error:
            ls.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=repr(error))
            )
            return None

    return server


def main(*, new_access_since: str | None = None) -> None:
    """Run the server on standard input and output until the client says exit, then leave at
    once: the streams are closed, so nothing may flush them at interpreter exit.
    ``new_access_since``: a git revision each buffer is compared with (LPR014, LPR015)."""
    code = 0
    try:
        server = create_server()
        server.new_access_since = new_access_since
        server.start_io()
    except SystemExit as request:
        code = request.code if isinstance(request.code, int) else 0
    os._exit(code)
