"""The result cache: keys, layout, every way an entry or a directory can be bad, concurrency."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import cache
from linter.cache import ResultCache
from linter.cli import main
from linter.engine import Linter
from linter.results import LintOptions
from tests.conftest import FIXTURES, ROOT

DATA = b'{"Version": "2012-10-17", "Statement": []}\n'
PAYLOAD = {"status": "linted", "findings": [["GRM001", 1, 1, 1, 2, "message \u00e9 \udc80"]]}


@pytest.fixture(autouse=True)
def _cache_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)


def _open(root: Path, digest: str = "d1", **kwargs) -> ResultCache:
    opened = ResultCache.open(str(root), digest, **kwargs)
    assert opened is not None
    return opened


def _entries(directory: Path) -> list[Path]:
    return sorted(p for p in (directory / cache.ENTRIES_DIR).rglob("*") if p.is_file())


# -- keys and round trips ---------------------------------------------------------------------


def test_a_stored_payload_comes_back_for_the_same_bytes_path_and_settings(tmp_path: Path) -> None:
    store = _open(tmp_path)
    assert store.get("policies/a.json", DATA) is None
    store.put("policies/a.json", DATA, PAYLOAD)
    assert store.get("policies/a.json", DATA) == PAYLOAD
    assert store.get("policies/./a.json", DATA) == PAYLOAD  # the path is normalised
    assert _open(tmp_path).get("policies/a.json", DATA) == PAYLOAD  # a later run


@pytest.mark.parametrize(
    ("path", "data", "digest"),
    [
        ("policies/b.json", DATA, "d1"),  # another path (policy type by file name, globs)
        ("policies/a.json", DATA + b" ", "d1"),  # one more byte
        ("policies/a.json", DATA, "d2"),  # another version, catalog or configuration
    ],
)
def test_anything_in_the_key_that_differs_is_a_miss(
    tmp_path: Path, path: str, data: bytes, digest: str
) -> None:
    _open(tmp_path).put("policies/a.json", DATA, PAYLOAD)
    assert _open(tmp_path, digest).get(path, data) is None


def test_layout_tag_gitignore_and_shards(tmp_path: Path) -> None:
    store = _open(tmp_path)
    assert not (tmp_path / cache.CACHE_DIR_NAME).exists()  # opening writes nothing
    store.put("a.json", DATA, PAYLOAD)
    directory = tmp_path / ".iamlint_cache"
    tag = (directory / "CACHEDIR.TAG").read_text()
    assert tag.splitlines()[0] == "Signature: 8a477f597d28d172789f06886806bc55"
    assert "iamlint" in tag
    assert "*" in (directory / ".gitignore").read_text().splitlines()
    key = store.key("a.json", DATA)
    assert _entries(directory) == [directory / "v2" / key[:2] / key[2:]]
    header = (directory / "v2" / key[:2] / key[2:]).read_bytes().split(b"\n")[0].split()
    assert header[:3] == [b"iamlint-cache", b"2", key.encode()]


def test_the_gitignore_hides_the_cache_from_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _open(tmp_path).put("a.json", DATA, PAYLOAD)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


def test_standard_input_is_never_cached(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.put("-", DATA, PAYLOAD)
    assert store.get("-", DATA) is None
    assert not (tmp_path / cache.CACHE_DIR_NAME).exists()


def test_a_payload_that_is_not_json_is_skipped_and_later_writes_still_work(
    tmp_path: Path,
) -> None:
    store = _open(tmp_path)
    store.put("a.json", DATA, {"x": object()})
    store.put("b.json", DATA, {"x": float("nan")})
    assert store.get("a.json", DATA) is None
    assert store.get("b.json", DATA) is None
    store.put("c.json", DATA, PAYLOAD)
    assert store.get("c.json", DATA) == PAYLOAD


# -- bad entries ------------------------------------------------------------------------------


def _entry(tmp_path: Path) -> tuple[ResultCache, Path]:
    store = _open(tmp_path)
    store.put("a.json", DATA, PAYLOAD)
    key = store.key("a.json", DATA)
    return store, tmp_path / ".iamlint_cache" / "v2" / key[:2] / key[2:]


def _flip_last_payload_byte(raw: bytes) -> bytes:
    return raw[:-2] + bytes([raw[-2] ^ 0x01]) + raw[-1:]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw[:-1], id="last-byte-missing"),
        pytest.param(lambda raw: raw.split(b"\n")[0], id="header-only-no-newline"),
        pytest.param(lambda raw: raw.split(b"\n")[0] + b"\n", id="header-only"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(_flip_last_payload_byte, id="corrupt-payload"),
        pytest.param(lambda raw: raw.replace(b"iamlint-cache 2 ", b"iamlint-cache 3 "), id="v3"),
        pytest.param(lambda raw: raw.replace(b"iamlint-cache 2 ", b"iamlint-cache 1 "), id="v1"),
        pytest.param(lambda raw: raw.replace(b"iamlint-cache", b"other-cache"), id="magic"),
        pytest.param(lambda raw: b"\x00" * len(raw), id="zeros"),
        pytest.param(lambda raw: raw + b"{}", id="appended"),
    ],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage) -> None:
    store, path = _entry(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    assert store.get("a.json", DATA) is None
    store.put("a.json", DATA, PAYLOAD)  # and is replaced by the next write
    assert store.get("a.json", DATA) == PAYLOAD


def test_an_entry_whose_checksum_matches_a_non_object_payload_is_a_miss(tmp_path: Path) -> None:
    import hashlib

    store, path = _entry(tmp_path)
    key = store.key("a.json", DATA)
    body = b"[1, 2]"
    header = f"iamlint-cache 1 {key} {len(body)} {hashlib.sha256(body).hexdigest()}\n"
    path.write_bytes(header.encode() + body)
    assert store.get("a.json", DATA) is None


def test_an_entry_copied_to_another_key_is_a_miss(tmp_path: Path) -> None:
    store, path = _entry(tmp_path)
    other = store.key("b.json", DATA)
    target = tmp_path / ".iamlint_cache" / "v2" / other[:2] / other[2:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
    assert store.get("b.json", DATA) is None


def test_an_entry_that_is_a_directory_is_a_miss(tmp_path: Path) -> None:
    store, path = _entry(tmp_path)
    path.unlink()
    path.mkdir()
    assert store.get("a.json", DATA) is None
    store.put("a.json", DATA, PAYLOAD)  # cannot replace a directory: writes turn off quietly
    assert store.get("a.json", DATA) is None


# -- bad directories --------------------------------------------------------------------------


def test_a_missing_directory_is_created_at_the_first_write(tmp_path: Path) -> None:
    store = _open(tmp_path, directory="deep/er/cache")
    store.put("a.json", DATA, PAYLOAD)
    assert (tmp_path / "deep/er/cache/CACHEDIR.TAG").is_file()
    assert store.get("a.json", DATA) == PAYLOAD


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda tmp: str(tmp / "a-file" / "cache"), id="under-a-file"),
        pytest.param(lambda tmp: "/proc/iamlint-cache-test", id="read-only-file-system"),
    ],
)
def test_a_directory_that_cannot_be_created_stores_nothing_and_fails_nothing(
    tmp_path: Path, where
) -> None:
    (tmp_path / "a-file").write_text("")
    store = _open(tmp_path, directory=where(tmp_path))
    for _ in range(3):
        store.put("a.json", DATA, PAYLOAD)
        assert store.get("a.json", DATA) is None


def test_a_read_only_cache_still_serves_its_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open(tmp_path).put("a.json", DATA, PAYLOAD)
    calls = []

    def read_only(*args, **kwargs):
        calls.append(args)
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(cache.os, "open", read_only)
    store = _open(tmp_path)
    store.put("b.json", DATA, PAYLOAD)
    store.put("c.json", DATA, PAYLOAD)
    assert len(calls) == 1  # the first failure turns writes off for the run
    monkeypatch.undo()
    assert store.get("a.json", DATA) == PAYLOAD
    assert store.get("b.json", DATA) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_directory_stores_nothing(tmp_path: Path) -> None:
    store = _open(tmp_path)
    store.put("a.json", DATA, PAYLOAD)
    (tmp_path / ".iamlint_cache").chmod(0o555)
    try:
        store2 = _open(tmp_path)
        store2.put("b.json", DATA, PAYLOAD)
        assert store2.get("b.json", DATA) is None
        assert store2.get("a.json", DATA) == PAYLOAD
    finally:
        (tmp_path / ".iamlint_cache").chmod(0o755)


def test_a_directory_that_is_not_ours_is_neither_used_nor_cleaned(tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    assert ResultCache.open(str(tmp_path), "d1", directory="mine") is None
    (tmp_path / "file").write_text("")
    assert ResultCache.open(str(tmp_path), "d1", directory="file") is None
    with pytest.raises(cache.NotACacheDirectory):
        cache.clean(str(tmp_path), "mine")
    assert (foreign / "notes.txt").read_text() == "keep me"
    (tmp_path / "empty").mkdir()
    _open(tmp_path, directory="empty").put("a.json", DATA, PAYLOAD)  # an empty one is adopted
    assert cache.is_cache_directory(str(tmp_path / "empty"))


@pytest.mark.parametrize(("value", "disabled"), [("1", True), ("yes", True), ("0", False)])
def test_the_environment_turns_it_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, disabled: bool
) -> None:
    monkeypatch.setenv("IAMLINT_NO_CACHE", value)
    assert (ResultCache.open(str(tmp_path), "d1") is None) is disabled


# -- concurrency ------------------------------------------------------------------------------


def _writer(directory: str, number: int, rounds: int) -> None:
    store = ResultCache.open(directory, "digest")
    assert store is not None
    payload = {"writer": number, "findings": [["X", number] * 200] * 20}
    for _ in range(rounds):
        store.put("same.json", DATA, payload)


def _reader(directory: str, rounds: int, queue) -> None:
    store = ResultCache.open(directory, "digest")
    assert store is not None
    seen = set()
    for _ in range(rounds):
        payload = store.get("same.json", DATA)
        if payload is not None:
            assert payload["findings"] == [["X", payload["writer"]] * 200] * 20
            seen.add(payload["writer"])
    queue.put(sorted(seen))


def test_processes_writing_the_same_key_at_once_leave_one_whole_entry(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn" if sys.platform != "linux" else "fork")
    queue = context.Queue()
    writers = [context.Process(target=_writer, args=(str(tmp_path), n, 150)) for n in range(4)]
    readers = [context.Process(target=_reader, args=(str(tmp_path), 400, queue)) for _ in range(2)]
    for process in writers + readers:
        process.start()
    for process in writers + readers:
        process.join(120)
        assert process.exitcode == 0
    seen = [queue.get(timeout=10) for _ in readers]
    assert all(set(s) <= {0, 1, 2, 3} for s in seen)
    payload = _open(tmp_path, "digest").get("same.json", DATA)
    assert payload is not None
    assert payload["findings"] == [["X", payload["writer"]] * 200] * 20
    directory = tmp_path / ".iamlint_cache"
    assert [p.name.startswith(".tmp-") for p in _entries(directory)] == [False]
    assert cache.is_cache_directory(str(directory))


def test_a_cache_sent_to_a_worker_process_keeps_its_directory_and_digest(tmp_path: Path) -> None:
    import pickle

    store = _open(tmp_path)
    copy = pickle.loads(pickle.dumps(store))
    copy.put("a.json", DATA, PAYLOAD)
    assert store.get("a.json", DATA) == PAYLOAD


# -- settings digest and project root ---------------------------------------------------------


def test_the_settings_digest_is_the_same_in_every_process_and_differs_with_settings() -> None:
    program = (
        "from linter.cache import settings_digest; from linter.results import LintOptions;"
        "from linter.model import PolicyType, Severity;"
        "print(settings_digest(('2025-12-02','src','/x'), LintOptions(select=('KMS',),"
        " severity_overrides={'KMS001': Severity.NOTE, 'ACT002': Severity.ERROR},"
        " policy_type=PolicyType.TRUST), frozenset({'a','b','c','d','e','f'})))"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)},
        ).stdout.strip()
        for seed in (1, 2, 3)
    }
    assert len(digests) == 1
    (digest,) = digests
    assert len(digest) == 64
    base = cache.settings_digest(LintOptions())
    assert cache.settings_digest(LintOptions()) == base
    assert cache.settings_digest(LintOptions(select=("KMS",))) != base
    assert cache.settings_digest(LintOptions(), "ref-content") != base
    assert cache.settings_digest(("2025-12-02", "a", "/x")) != cache.settings_digest(
        ("2025-12-03", "a", "/x")
    )


def test_the_project_root_is_the_configuration_directory_else_the_git_root_else_start(
    tmp_path: Path,
) -> None:
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "sub" / "deeper").mkdir(parents=True)
    deeper = str(repository / "sub" / "deeper")
    assert cache.project_root(deeper) == str(repository)
    (repository / "sub" / ".iamlint.toml").write_text("")
    assert cache.project_root(deeper) == str(repository / "sub")
    assert cache.project_root(deeper, search_config=False) == str(repository)
    assert cache.project_root(deeper, config_file="/etc/x/pyproject.toml") == "/etc/x"
    alone = tmp_path / "alone"
    alone.mkdir()
    assert cache.project_root(str(alone)) in (str(alone), *map(str, alone.parents))


def test_open_for_run_keys_on_the_options(tmp_path: Path) -> None:
    first = cache.open_for_run(LintOptions(), root=str(tmp_path), cwd=str(tmp_path))
    assert first is not None
    first.put("a.json", DATA, PAYLOAD)
    same = cache.open_for_run(LintOptions(), root=str(tmp_path), cwd=str(tmp_path))
    other = cache.open_for_run(LintOptions(ignore=("LPR",)), root=str(tmp_path), cwd=str(tmp_path))
    elsewhere = cache.open_for_run(LintOptions(), root=str(tmp_path), cwd=str(tmp_path / "sub"))
    assert same.get("a.json", DATA) == PAYLOAD
    assert other.get("a.json", DATA) is None
    assert elsewhere.get("a.json", DATA) is None  # displayed paths depend on the directory


# -- clean and the command line ---------------------------------------------------------------


def _invoke(cwd: Path, *args: str):
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(previous)


def test_clean_removes_the_cache_and_counts_its_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    store = _open(tmp_path)
    store.put("a.json", DATA, PAYLOAD)
    store.put("b.json", DATA, PAYLOAD)
    assert cache.clean(str(tmp_path)) == 4  # two entries, CACHEDIR.TAG, .gitignore
    assert not (tmp_path / ".iamlint_cache").exists()
    assert cache.clean(str(tmp_path)) == 0
    store.put("a.json", DATA, PAYLOAD)  # a cache removed under a running process
    (tmp_path / "sub").mkdir()
    outcome = _invoke(tmp_path / "sub", "clean")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output == f"iamlint: removed the cache {tmp_path / '.iamlint_cache'} (3 files)\n"
    outcome = _invoke(tmp_path, "clean")
    assert outcome.output == f"iamlint: no cache at {tmp_path / '.iamlint_cache'}\n"


def test_clean_refuses_a_directory_without_the_tag(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "keep.txt").write_text("x")
    outcome = _invoke(tmp_path, "clean", "--cache-dir", "stuff")
    assert outcome.exit_code == 2
    assert "is not an iamlint cache directory" in outcome.output
    assert (tmp_path / "stuff" / "keep.txt").exists()


def test_clean_uses_cache_dir_from_the_configuration(tmp_path: Path) -> None:
    (tmp_path / ".iamlint.toml").write_text('cache-dir = "build/lint-cache"\n')
    (tmp_path / "sub").mkdir()
    _open(tmp_path, directory="build/lint-cache").put("a.json", DATA, PAYLOAD)
    outcome = _invoke(tmp_path / "sub", "clean")
    assert outcome.exit_code == 0, outcome.output
    assert "build/lint-cache (3 files)" in outcome.output
    assert not (tmp_path / "build" / "lint-cache").exists()


def test_the_configuration_rejects_an_empty_cache_dir(tmp_path: Path) -> None:
    (tmp_path / ".iamlint.toml").write_text('cache-dir = ""\n')
    outcome = _invoke(tmp_path, "clean")
    assert outcome.exit_code == 2
    assert "cache-dir" in outcome.output


def test_check_accepts_the_cache_flags(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "p.json").write_bytes(DATA)
    for flags in ([], ["--no-cache"], ["--cache-dir", "elsewhere"]):
        outcome = _invoke(tmp_path, "check", "--select", "GRM012", *flags, "p.json")
        assert outcome.exit_code == 1, outcome.output
        assert "GRM012" in outcome.output


# -- the cache in a run ---------------------------------------------------------------------------


def _fixture_copy(tmp_path: Path, count: int = 120) -> Path:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    files = sorted(FIXTURES.rglob("*.json"))
    step = max(1, len(files) // count)
    for path in files[::step]:
        target = project / "policies" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    return project


def test_warm_runs_report_what_a_cold_run_reports_even_with_damaged_entries(
    tmp_path: Path,
) -> None:
    project = _fixture_copy(tmp_path)
    args = ("check", "--format", "json", "policies")
    cold = _invoke(project, "check", "--no-cache", "--format", "json", "policies")
    assert not (project / ".iamlint_cache").exists()
    first = _invoke(project, *args)
    entries = _entries(project / ".iamlint_cache")
    assert entries  # the first run stored its results
    warm = _invoke(project, *args)
    for entry in entries[::3]:
        entry.write_bytes(entry.read_bytes()[:-5])
    for pack in (project / ".iamlint_cache" / cache.PACKS_DIR).iterdir():
        pack.unlink()  # so the entries are read
    damaged = _invoke(project, *args)
    in_processes = _invoke(project, *args[:-1], "--jobs", "2", "policies")
    assert cold.exit_code == first.exit_code == warm.exit_code == damaged.exit_code
    assert json.loads(cold.stdout)["findings"]
    assert cold.stdout == first.stdout == warm.stdout == damaged.stdout == in_processes.stdout


def test_a_warm_run_reads_the_cache_instead_of_linting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _fixture_copy(tmp_path, 10)
    root = str(project)
    files = [str(p) for p in sorted((project / "policies").rglob("*.json"))]
    store = cache.open_for_run(LintOptions(), root=root, cwd=root)
    cold = Linter(LintOptions()).lint_paths(files, cache=store)
    calls = []
    original = Linter.lint_bytes

    def counting(self, *args, **kwargs):
        calls.append(args[1] if len(args) > 1 else kwargs.get("path"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Linter, "lint_bytes", counting)
    warm = Linter(LintOptions()).lint_paths(
        files, cache=cache.open_for_run(LintOptions(), root=root, cwd=root)
    )
    assert calls == []
    assert [(r.path, r.status, r.findings) for r in warm.files] == [
        (r.path, r.status, r.findings) for r in cold.files
    ]
    other = cache.open_for_run(LintOptions(select=("GRM",)), root=root, cwd=root)
    Linter(LintOptions(select=("GRM",))).lint_paths(files, cache=other)
    assert len(calls) == len(files)  # other options: nothing to reuse


def _packs(project: Path) -> list[Path]:
    return sorted((project / ".iamlint_cache" / cache.PACKS_DIR).iterdir())


def _run_counting_reads(
    project: Path, monkeypatch: pytest.MonkeyPatch, jobs: int = 1
) -> tuple[list, list[str]]:
    root = str(project)
    files = [str(p) for p in sorted((project / "policies").rglob("*.json"))]
    reads: list[str] = []
    original = cache._read

    def counting(path: str) -> bytes:
        reads.append(path)
        return original(path)

    monkeypatch.setattr(cache, "_read", counting)
    store = cache.open_for_run(LintOptions(), root=root, cwd=root)
    result = Linter(LintOptions()).lint_paths(files, cache=store, jobs=jobs)
    monkeypatch.undo()
    return [(r.path, r.status, r.findings) for r in result.files], reads


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_writes_one_pack_and_the_next_run_reads_only_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    project = _fixture_copy(tmp_path, cache.PACK_MIN_FILES)
    cold, _ = _run_counting_reads(project, monkeypatch, jobs)
    packs = _packs(project)
    assert len(packs) == 1
    written = packs[0].stat().st_mtime_ns
    warm, reads = _run_counting_reads(project, monkeypatch, jobs)
    assert warm == cold
    assert reads == [str(packs[0])]  # one read, no entry file
    assert _packs(project) == packs
    assert packs[0].stat().st_mtime_ns == written  # nothing new: not rewritten


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[:-7], id="truncated"),
        pytest.param(_flip_last_payload_byte, id="corrupt"),
        pytest.param(lambda raw: raw.replace(b'"digest":"', b'"digest":"x'), id="other-digest"),
        pytest.param(lambda raw: b"iamlint-cache-pack 1" + raw[20:], id="other-format"),
        pytest.param(lambda raw: b"", id="empty"),
    ],
)
def test_a_damaged_pack_is_ignored_and_the_entries_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage
) -> None:
    project = _fixture_copy(tmp_path, cache.PACK_MIN_FILES)
    cold, _ = _run_counting_reads(project, monkeypatch)
    (pack,) = _packs(project)
    pack.write_bytes(damage(pack.read_bytes()))
    warm, reads = _run_counting_reads(project, monkeypatch)
    assert warm == cold
    assert len(reads) == 1 + len(_entries(project / ".iamlint_cache"))  # the pack, every entry
    rewritten, reads = _run_counting_reads(project, monkeypatch)
    assert rewritten == cold and len(reads) == 1  # the damaged pack was replaced


def test_a_run_of_few_files_neither_reads_nor_writes_the_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _fixture_copy(tmp_path, cache.PACK_MIN_FILES)
    _run_counting_reads(project, monkeypatch)
    (pack,) = _packs(project)
    written = pack.read_bytes()
    for path in sorted((project / "policies").rglob("*.json"))[1:]:
        path.unlink()
    (project / "policies" / "new.json").write_bytes(DATA)  # a miss: stored as an entry only
    few, reads = _run_counting_reads(project, monkeypatch)
    assert len(few) == 2 and str(pack) not in reads and len(reads) == 2
    assert _packs(project) == [pack] and pack.read_bytes() == written


def test_a_pack_keeps_the_entries_of_files_a_run_did_not_see_and_drops_replaced_ones(
    tmp_path: Path,
) -> None:
    first = _open(tmp_path)
    for name in ("a.json", "b.json"):
        assert first.get(name, DATA) is None
        first.put(name, DATA, {"name": name})
    first.save_pack()
    second = _open(tmp_path)
    assert second.get("a.json", DATA + b" ") is None  # a.json changed
    second.put("a.json", DATA + b" ", {"name": "a2"})
    second.save_pack()
    (pack,) = (tmp_path / ".iamlint_cache" / cache.PACKS_DIR).iterdir()
    entries = json.loads(pack.read_bytes().split(b"\n", 1)[1])["entries"]
    assert sorted(path for path, _ in entries.values()) == ["a.json", "b.json"]
    third = _open(tmp_path)
    assert third.get("b.json", DATA) == {"name": "b.json"}
    assert third.get("a.json", DATA + b" ") == {"name": "a2"}
    assert third.get("a.json", DATA) == {"name": "a.json"}  # its entry file is still there
    assert _open(tmp_path, "d2").get("b.json", DATA) is None  # other settings, other pack


def test_standard_input_is_linted_not_cached_in_a_run(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        outcome = CliRunner().invoke(main, ["check", "--select", "GRM012", "-"], input=DATA)
    finally:
        os.chdir(previous)
    assert outcome.exit_code == 1 and "GRM012" in outcome.output
    assert not (tmp_path / ".iamlint_cache").exists()
