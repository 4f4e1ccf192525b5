"""Standard input under a file name (``check --stdin-filename PATH``).

Editors and pre-commit-like tools pipe a buffer in and say which file it is: per-file settings
(``per-file-ignores``, ``policy-types`` globs), the name-based policy type (``*trust*.json``) and
the reported path then use that name, while the content comes from standard input, never from the
file on disk.
"""

from __future__ import annotations

import sys
from typing import Any

from linter.discovery import InputFile
from linter.engine import STDIN_NAME, FileResult, Linter


class NamedStdinLinter(Linter):
    """A ``Linter`` that lints standard input (``-``) as the file ``stdin_filename``."""

    def __init__(self, *args: Any, stdin_filename: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stdin_filename = stdin_filename

    def lint_file(self, entry: InputFile, stdin: Any = None) -> FileResult:
        if entry.path != STDIN_NAME:
            return super().lint_file(entry, stdin)
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            data = stream.read(self.options.max_file_size + 1)
        except OSError as error:
            return self._unreadable(self.stdin_filename, error.strerror or str(error))
        return self.lint_bytes(data, self.stdin_filename, explicit=True)
