"""Offline and side-effect free: no network, and no writes beyond the outputs asked for."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from linter.engine import Linter, LintOptions
from tests.conftest import FIXTURES, ROOT


class _NoNetwork(socket.socket):
    def __init__(self, *args, **kwargs) -> None:
        raise AssertionError("iamlint tried to open a socket")


def test_every_fixture_lints_with_sockets_disabled(monkeypatch) -> None:
    from linter.catalog import load_catalog

    load_catalog.cache_clear()
    monkeypatch.setattr(socket, "socket", _NoNetwork)
    monkeypatch.setattr(socket, "create_connection", _NoNetwork)
    monkeypatch.setattr(socket, "getaddrinfo", _NoNetwork)
    result = Linter(LintOptions()).lint_paths([str(FIXTURES), str(ROOT / "examples")])
    assert result.findings
    assert not [f for f in result.findings if f.rule_id == "INT001"]
    # Expanding "*" loads every service of the catalog: that must be offline too.
    assert len(load_catalog().match_actions("*")) > 10_000


def _snapshot(*roots: Path) -> set[str]:
    return {
        os.path.join(directory, name)
        for root in roots
        for directory, _, names in os.walk(root)
        for name in names
    }


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "gitlab"])
def test_a_run_writes_only_the_requested_output(tmp_path, output_format) -> None:
    home, scratch, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for directory in (home, scratch, work):
        directory.mkdir()
    policy = work / "policy.json"
    policy.write_bytes((ROOT / "examples" / "bad-transcribe-key.json").read_bytes())
    before = _snapshot(home, scratch, work)
    environment = {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(scratch),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    report = work / f"report.{output_format}"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "linter",
            "check",
            "--no-config",
            "--format",
            output_format,
            "--output",
            str(report),
            "--jobs",
            "2",
            str(policy),
        ],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    written = _snapshot(home, scratch, work) - before
    # The one write besides the requested output: the result cache in the project root (here
    # the working directory: no configuration, no git repository), tagged and git-ignored.
    cache = work / ".iamlint_cache"
    assert {str(cache / "CACHEDIR.TAG"), str(cache / ".gitignore"), str(report)} <= written
    assert all(path == str(report) or path.startswith(f"{cache}{os.sep}") for path in written)


def test_a_run_without_the_cache_writes_only_the_requested_output(tmp_path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "policy.json").write_bytes((ROOT / "examples" / "bad-transcribe-key.json").read_bytes())
    before = _snapshot(work)
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for flags, extra in ((["--no-cache"], {}), ([], {"IAMLINT_NO_CACHE": "1"})):
        report = work / f"report{len(flags)}.json"
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "linter",
                "check",
                "--no-config",
                *flags,
                "-o",
                str(report),
                "policy.json",
            ],
            cwd=work,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert completed.returncode == 1, completed.stderr
        assert _snapshot(work) - before == {str(report)}
        report.unlink()
