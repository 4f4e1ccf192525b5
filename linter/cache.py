"""The result cache: a file's results, kept between runs, keyed by everything that decides them.

A run that lints a file it has linted before, with the same iamlint, catalog and configuration,
reads the stored results instead of decoding and linting it again (as ruff and mypy do).

Key: the SHA-256 of the file's bytes, its path relative to the project root and a *settings
digest* (:func:`settings_digest`: iamlint's version and code, the catalog's identity, the
effective configuration and, for a comparison mode, the reference content). Anything that can
change a file's results is in one of the three; the cache never decides a result.

Layout, under ``.iamlint_cache/`` in the project root (:func:`project_root`) or the directory
given by ``--cache-dir`` / ``cache-dir``::

    .iamlint_cache/
        CACHEDIR.TAG          the standard tag (backup tools skip the directory), naming iamlint
        .gitignore            "*": git never sees the cache
        v2/ab/cdef0123...     one entry per key, sharded by the key's first two hex digits
        packs-v2/0123...      per settings digest, a copy of the entries a run used, in one file

An entry is one header line, ``iamlint-cache <format> <key> <length> <sha256 of payload>``, then
the payload as JSON. A reader checks every header field and the checksum, so a truncated,
corrupt or foreign entry, or one written by another cache format, is a miss. A writer writes a
temporary file in the entry's shard and renames it over the entry (``os.replace`` is atomic),
so two processes writing the same key at once leave one whole entry, never a mix. A cache
directory that cannot be created or written is a cache that stores nothing: no run fails and no
result changes because of the cache. Standard input is never cached.

A pack (``ResultCache.save_pack``, written by the run's main process at the end of a run that had
entries it lacked) holds the same ``key -> payload`` pairs, with the relative path, in one file
with the same kind of header (``iamlint-cache-pack <format> <length> <sha256>``) and the settings
digest inside: a warm run reads one file instead of one per policy file. A lookup in the pack uses
the entry's key; a missing, damaged or foreign pack is empty and the entry files answer.

Library use (one call per file in the run pipeline)::

    cache = ResultCache.open(root, settings_digest(...))      # None: disabled or unusable
    payload = cache.get(relative_path, data) if cache else None
    if payload is None:
        result = lint(data)
        if cache:
            cache.put(relative_path, data, to_payload(result))

``hashlib`` and ``json`` are imported when first needed: a run without a cache imports neither
from here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

CACHE_DIR_NAME = ".iamlint_cache"
FORMAT_VERSION = 2
ENTRIES_DIR = f"v{FORMAT_VERSION}"
TAG_FILE = "CACHEDIR.TAG"
#: The signature line every CACHEDIR.TAG starts with (https://bford.info/cachedir/).
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
TAG_TEXT = (
    f"{TAG_SIGNATURE}\n"
    "# This file is a cache directory tag created by iamlint.\n"
    "# For information about cache directory tags, see: https://bford.info/cachedir/\n"
)
GITIGNORE_TEXT = "# Automatically created by iamlint.\n*\n"
NO_CACHE_ENV = "IAMLINT_NO_CACHE"
STDIN_NAME = "-"
CONFIG_FILES = (".iamlint.toml", "pyproject.toml")
_HEADER_MAGIC = b"iamlint-cache"
_PACK_MAGIC = b"iamlint-cache-pack"
#: One pack file per settings digest (``ResultCache.save_pack``), beside the entries.
PACKS_DIR = f"packs-v{FORMAT_VERSION}"
#: Runs of fewer files neither read nor write the pack (``ResultCache.expect``).
PACK_MIN_FILES = 50
_TEMP_PREFIX = ".tmp-"


class NotACacheDirectory(Exception):
    """A directory named as the cache holds other things: iamlint neither uses nor removes it."""


def cache_disabled_by_environment(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``IAMLINT_NO_CACHE`` is set to anything but "", "0", "false" or "no"."""
    value = (os.environ if environ is None else environ).get(NO_CACHE_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no")


class ResultCache:
    """Results of earlier runs, one entry per (file bytes, relative path, settings digest)."""

    __slots__ = (
        "_created",
        "_digest",
        "_dirty",
        "_keys",
        "_pack",
        "_prefix",
        "_run",
        "_shards",
        "_use_pack",
        "_writable",
        "directory",
    )

    def __init__(self, directory: str, digest: str) -> None:
        self.directory = directory
        self._digest = digest
        self._prefix = os.path.join(directory, ENTRIES_DIR) + os.sep
        self._writable = True
        self._created = False
        self._shards: set[str] = set()
        self._pack: dict[str, Any] | None = None  # the pack's entries, read at the first get
        self._run: dict[str, list] = {}  # key -> [path, payload] of this run's files
        self._keys: dict[str, str] = {}  # normalised path -> key, for the files looked up
        self._dirty = False  # this run has entries the pack lacks
        self._use_pack = True

    def __repr__(self) -> str:
        return f"ResultCache({self.directory!r})"

    def __getstate__(self) -> tuple[str, str]:
        return (self.directory, self._digest)

    def __setstate__(self, state: tuple[str, str]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    @classmethod
    def open(
        cls, root: str, settings_digest: str, *, directory: str | None = None
    ) -> ResultCache | None:
        """The cache of the project at ``root``, or None when it is disabled or unusable.

        ``directory`` (absolute, or relative to ``root``) replaces ``root/.iamlint_cache``.
        Disabled: ``IAMLINT_NO_CACHE``. Unusable: the path is a file, or a directory that is
        neither empty nor tagged as iamlint's cache (iamlint never writes into, or cleans, a
        directory it did not create). A directory that does not exist is created at the first
        write; one that cannot be created or written makes every write a no-op.
        """
        if cache_disabled_by_environment():
            return None
        path = cache_directory(root, directory)
        if not _usable(path):
            return None
        return cls(path, settings_digest)

    # -- reading -------------------------------------------------------------------------------

    def get(self, relative_path: str, data: bytes) -> dict | None:
        """The payload stored for this file's bytes and path, or None (a miss, whatever the
        reason: no entry, unreadable, truncated, corrupt, another format or another key)."""
        if _is_stdin(relative_path):
            return None
        path = _normalise(relative_path)
        key = self._key(path, data)
        self._keys[path] = key
        stored = self._load_pack().get(key)
        if stored is not None and stored[0] == path and type(stored[1]) is dict:
            self._run[key] = stored
            return stored[1]
        try:
            raw = _read(self._entry_path(key))
        except (OSError, ValueError):
            return None
        payload = _parse_entry(raw, key)
        if payload is not None:
            self._run[key] = [path, payload]
            self._dirty = True
        return payload

    def remember(self, relative_path: str, payload: dict) -> None:
        """Record the payload of a file looked up in this process (a miss) but linted and stored
        by a worker process, so that :meth:`save_pack` includes it."""
        path = _normalise(relative_path)
        key = self._keys.get(path)
        if key is not None:
            self._run[key] = [path, payload]
            self._dirty = True

    # -- the pack: this run's entries in one file ------------------------------------------------

    def expect(self, file_count: int) -> None:
        """Say how many files the run looks up: a run of fewer than ``PACK_MIN_FILES`` (a
        pre-commit hook, an editor) reads one entry file per file and leaves the pack alone
        (reading, or rewriting, a whole repository's pack would cost it more)."""
        self._use_pack = file_count >= PACK_MIN_FILES

    def _pack_path(self) -> str:
        import hashlib

        name = hashlib.sha256(self._digest.encode("ascii", "replace")).hexdigest()[:32]
        return os.path.join(self.directory, PACKS_DIR, name)

    def _load_pack(self) -> dict[str, Any]:
        if not self._use_pack:
            return {}
        if self._pack is None:
            try:
                self._pack = _parse_pack(_read(self._pack_path()), self._digest)
            except (OSError, ValueError):
                self._pack = {}
        return self._pack

    def save_pack(self) -> None:
        """Write the pack of this settings digest: the entries of the files this run looked up
        or stored, and those of the previous pack for files this run did not see. The next run
        with the same settings reads it once instead of one entry file per file. Written only
        when this run has entries the pack lacks; never raises. A pack holds copies of entries:
        a lookup in it uses the same key, and a missing or damaged pack only means the entry
        files are read."""
        if not self._dirty or not self._writable or not self._use_pack:
            return
        import hashlib
        import json

        seen = set(self._keys)
        entries = {k: v for k, v in self._load_pack().items() if v[0] not in seen}
        entries.update(self._run)
        try:
            body = json.dumps(
                {"digest": self._digest, "entries": entries},
                separators=(",", ":"),
                allow_nan=False,
            ).encode("ascii")
            checksum = hashlib.sha256(body).hexdigest()
            header = f"iamlint-cache-pack {FORMAT_VERSION} {len(body)} {checksum}\n"
            if not self._created:
                _create_cache_directory(self.directory)
                self._created = True
            _mkdir(os.path.dirname(self._pack_path()))
            _write_atomically(self._pack_path(), header.encode("ascii") + body)
        except Exception:  # a cache write never fails a run
            self._writable = False
            return
        self._pack, self._run, self._dirty = entries, {}, False

    # -- writing -------------------------------------------------------------------------------

    def put(self, relative_path: str, data: bytes, payload: dict) -> None:
        """Store ``payload`` (JSON-serialisable) for this file; never raises.

        A write that fails for a reason of the file system (read-only, full, permissions) turns
        further writes of this run off; a payload that is not JSON-serialisable is skipped.
        """
        if not self._writable or _is_stdin(relative_path):
            return
        try:
            entry = self._encode(self.key(relative_path, data), payload)
        except (TypeError, ValueError, RecursionError):
            return
        key, content = entry
        try:
            self._write(key, content)
        except Exception:  # a cache write never fails a run: it turns the writes off
            self._writable = False
            return
        self._run[key] = [_normalise(relative_path), payload]
        self._dirty = True

    def key(self, relative_path: str, data: bytes) -> str:
        """The entry key: SHA-256 of the settings digest, the normalised path and the bytes."""
        return self._key(_normalise(relative_path), data)

    def _key(self, path: str, data: bytes) -> str:
        import hashlib

        digest = hashlib.sha256(b"iamlint-cache-key\0")
        digest.update(self._digest.encode("ascii", "replace"))
        digest.update(b"\0")
        digest.update(path.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry_path(self, key: str) -> str:
        return f"{self._prefix}{key[:2]}{os.sep}{key[2:]}"

    @staticmethod
    def _encode(key: str, payload: dict) -> tuple[str, bytes]:
        import hashlib
        import json

        if not isinstance(payload, dict):
            raise TypeError("a cache payload is a dict")
        body = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("ascii")
        checksum = hashlib.sha256(body).hexdigest()
        header = f"iamlint-cache {FORMAT_VERSION} {key} {len(body)} {checksum}\n"
        return key, header.encode("ascii") + body

    def _write(self, key: str, content: bytes) -> None:
        shard = os.path.join(self.directory, ENTRIES_DIR, key[:2])
        for attempt in (1, 2):
            try:
                if not self._created:
                    _create_cache_directory(self.directory)
                    self._created = True
                if shard not in self._shards:
                    # mkdir, not makedirs: never re-create the cache directory without its tag
                    _mkdir(os.path.dirname(shard))
                    _mkdir(shard)
                    self._shards.add(shard)
                _write_atomically(os.path.join(shard, key[2:]), content)
                return
            except FileNotFoundError:  # removed under this run (iamlint clean): make it again
                if attempt == 2:
                    raise
                self._created = False
                self._shards.clear()


def _mkdir(path: str) -> None:
    import contextlib

    with contextlib.suppress(FileExistsError):
        os.mkdir(path)


def _read(path: str) -> bytes:
    """A whole file, without a buffered file object (a hit costs two or three system calls)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while True:
            chunk = os.read(descriptor, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(descriptor)


def _parse_entry(raw: bytes, key: str) -> dict | None:
    newline = raw.find(b"\n")
    if newline < 0:
        return None
    fields = raw[:newline].split(b" ")
    if len(fields) != 5 or fields[0] != _HEADER_MAGIC:
        return None
    _, version, stored_key, length, checksum = fields
    body = raw[newline + 1 :]
    if version != str(FORMAT_VERSION).encode() or stored_key != key.encode():
        return None
    if not length.isdigit() or int(length) != len(body):
        return None
    import hashlib

    if hashlib.sha256(body).hexdigest().encode() != checksum:
        return None
    import json

    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _parse_pack(raw: bytes, digest: str) -> dict[str, Any]:
    """The entries of a pack file, or {} when it is truncated, corrupt, of another format or
    of another settings digest."""
    newline = raw.find(b"\n")
    if newline < 0:
        return {}
    fields = raw[:newline].split(b" ")
    if len(fields) != 4 or fields[0] != _PACK_MAGIC or fields[1] != str(FORMAT_VERSION).encode():
        return {}
    body = raw[newline + 1 :]
    if not fields[2].isdigit() or int(fields[2]) != len(body):
        return {}
    import hashlib

    if hashlib.sha256(body).hexdigest().encode() != fields[3]:
        return {}
    import json

    try:
        document = json.loads(body)
    except ValueError:
        return {}
    if type(document) is not dict or document.get("digest") != digest:
        return {}
    entries = document.get("entries")
    if type(entries) is not dict:
        return {}
    return {
        key: value
        for key, value in entries.items()
        if type(value) is list and len(value) == 2 and type(value[0]) is str
    }


def _write_atomically(path: str, content: bytes) -> None:
    """Write ``content`` to a new temporary file beside ``path``, then rename it over ``path``."""
    directory, name = os.path.split(path)
    unique = f"{name[:16]}-{os.getpid()}-{os.urandom(4).hex()}"
    temporary = os.path.join(directory, _TEMP_PREFIX + unique)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def _create_cache_directory(directory: str) -> None:
    """Create the cache directory, whole: built beside its place with its CACHEDIR.TAG and
    .gitignore, then renamed into place, so no process ever sees it untagged. A directory that
    appeared meanwhile is kept when it is a cache (another process made it) or empty (then
    adopted: tagged in place); anything else is not ours and raises OSError."""
    if is_cache_directory(directory):
        return
    parent, name = os.path.split(directory)
    os.makedirs(parent, exist_ok=True)
    staging = os.path.join(parent, f"{name}{_TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}")
    os.mkdir(staging)
    try:
        _write_marker_files(staging)
        os.rename(staging, directory)  # replaces an empty directory; fails on a full one
    except OSError:
        for marker in (TAG_FILE, ".gitignore"):
            if os.path.lexists(os.path.join(staging, marker)):
                os.unlink(os.path.join(staging, marker))
        os.rmdir(staging)
        if is_cache_directory(directory):
            return
        if os.path.isdir(directory) and not os.listdir(directory):
            _write_marker_files(directory)
            return
        raise


def _write_marker_files(directory: str) -> None:
    for name, text in ((".gitignore", GITIGNORE_TEXT), (TAG_FILE, TAG_TEXT)):
        _write_atomically(os.path.join(directory, name), text.encode("ascii"))


def _is_stdin(relative_path: str) -> bool:
    return relative_path == STDIN_NAME


def _normalise(relative_path: str) -> str:
    return os.path.normpath(relative_path).replace(os.sep, "/")


# -- where the cache is ----------------------------------------------------------------------------


def cache_directory(root: str, directory: str | None = None) -> str:
    """The absolute cache directory: ``directory`` (relative to ``root``), else the default."""
    if directory:
        return os.path.abspath(os.path.join(root, os.path.expanduser(directory)))
    return os.path.abspath(os.path.join(root, CACHE_DIR_NAME))


def is_cache_directory(path: str) -> bool:
    """True when ``path`` is a directory tagged by iamlint (its CACHEDIR.TAG names iamlint)."""
    try:
        with open(os.path.join(path, TAG_FILE), "rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.startswith(TAG_SIGNATURE.encode()) and b"iamlint" in head


def _usable(path: str) -> bool:
    if not os.path.lexists(path):
        return True
    if not os.path.isdir(path):
        return False
    if is_cache_directory(path):
        return True
    try:
        return not os.listdir(path)
    except OSError:
        return False


def project_root(start: str, *, config_file: str | None = None, search_config: bool = True) -> str:
    """The project root of a run started in ``start``: the directory of the configuration file
    (``config_file`` when given, else the one the configuration search would find: a
    ``.iamlint.toml`` or a ``pyproject.toml`` naming iamlint, up to the git root; no search with
    ``search_config=False``, as for ``--no-config``), else the git repository root (the nearest
    directory with a ``.git``), else ``start`` itself."""
    start = os.path.abspath(start)
    if config_file:
        return os.path.dirname(os.path.abspath(config_file))
    if search_config:
        from linter.config import find_config

        try:
            found = find_config(start)
        except Exception:  # an unreadable configuration is the CLI's to report, not ours
            found = None
        if found:
            return os.path.dirname(os.path.abspath(found))
    directory = start
    while True:
        if os.path.lexists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return start
        directory = parent


def relative_path(path: str, root: str) -> str:
    """``path`` relative to ``root``, with ``/`` separators (``..`` when outside it)."""
    return _normalise(os.path.relpath(os.path.abspath(path), root))


# -- the settings digest ---------------------------------------------------------------------------


def settings_digest(*parts: object) -> str:
    """A digest of everything besides a file that decides its results.

    Always included: the cache format, iamlint's version and, in a source checkout, a
    fingerprint of its code and data (:func:`code_identity`: a checkout never reads results of
    code it no longer runs). ``parts`` are the rest, e.g.
    :func:`catalog_identity`, the effective options (``LintOptions``), the directory the run
    started in relative to the root (displayed paths and path globs depend on it) and the
    reference content of a comparison mode. Parts may be strings, numbers, None, enums, named
    tuples, mappings, sequences and sets, nested; sets and mappings are ordered, so the digest
    is the same in every process.
    """
    import hashlib
    import json

    from linter import __version__

    document = [FORMAT_VERSION, __version__, code_identity(), [_canonical(p) for p in parts]]
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _canonical(value: Any) -> Any:
    """A JSON value that is the same for equal settings in every process."""
    import enum

    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return [type(value).__name__, _canonical(value.value)]
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return [type(value).__name__, {f: _canonical(getattr(value, f)) for f in value._fields}]
    if isinstance(value, Mapping):
        items = [[_canonical(k), _canonical(v)] for k, v in value.items()]
        return ["mapping", sorted(items, key=_sort_key)]
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((_canonical(v) for v in value), key=_sort_key)]
    if isinstance(value, bytes):
        import hashlib

        return ["bytes", hashlib.sha256(value).hexdigest()]
    if hasattr(value, "__slots__") or hasattr(value, "__dict__"):
        names = getattr(value, "__slots__", None) or sorted(vars(value))
        return [type(value).__name__, {n: _canonical(getattr(value, n, None)) for n in names}]
    return [type(value).__name__, repr(value)]


def _sort_key(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True)


_code_identity: str | None = None


def code_identity() -> str:
    """A fingerprint of iamlint's source files (names, sizes, modification times) when it runs
    from a source checkout or an editable install; "installed" in site-packages, where the
    version identifies the code. The bundled catalog (``linter/data/catalog``) is left to
    :func:`catalog_identity`.
    """
    global _code_identity
    if _code_identity is None:
        import hashlib

        linter_dir = os.path.dirname(os.path.abspath(__file__))
        if os.path.basename(os.path.dirname(linter_dir)) in ("site-packages", "dist-packages"):
            _code_identity = "installed"  # a regular install: the version says it all
            return _code_identity
        checks_dir = os.path.join(os.path.dirname(linter_dir), "checks")  # a sibling package
        digest = hashlib.sha256()
        for base in (linter_dir, checks_dir):
            for line in sorted(_file_stats(base, os.path.join(base, "data", "catalog"))):
                digest.update(line.encode("utf-8", "surrogateescape"))
        _code_identity = digest.hexdigest()
    return _code_identity


def _file_stats(base: str, skip: str) -> list[str]:
    lines: list[str] = []
    pending = [base]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.name == "__pycache__" or entry.path == skip:
                continue
            try:
                if entry.is_dir():
                    pending.append(entry.path)
                    continue
                stat = entry.stat()
            except OSError:
                continue
            if entry.name.endswith((".py", ".json")):
                name = os.path.relpath(entry.path, base)
                lines.append(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    return lines


def catalog_identity(catalog: Any) -> tuple[str, ...]:
    """The catalog's identity for :func:`settings_digest`: its date, source and location, and
    the size and modification time of its index (a catalog rebuilt in place with the same date
    is another catalog)."""
    index = os.path.join(catalog.location, "index.json")
    try:
        stat = os.stat(index)
        stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        stamp = "missing"
    return (catalog.as_of, catalog.source, catalog.location, stamp)


# -- the run's choice ------------------------------------------------------------------------------


def chosen_directory(
    *, no_cache: bool, cache_dir: str | None, configured: str | None
) -> tuple[bool, str | None]:
    """Whether a run uses the cache, and the directory it asked for (None: the default).

    ``--no-cache`` and ``IAMLINT_NO_CACHE`` turn it off; ``--cache-dir`` wins over the
    configuration's ``cache-dir``.
    """
    if no_cache or cache_disabled_by_environment():
        return False, None
    return True, cache_dir or configured


def open_for_run(
    options: object,
    *,
    root: str,
    cwd: str,
    directory: str | None = None,
    references: tuple[object, ...] = (),
) -> ResultCache | None:
    """The cache of a run: :meth:`ResultCache.open` with the digest of ``options`` (the
    effective ``LintOptions``), the catalog in use, the working directory relative to ``root``
    and ``references`` (the reference content of a comparison mode, e.g. the policies at a git
    ref). None when the cache is disabled or unusable."""
    if cache_disabled_by_environment():
        return None
    from linter.catalog import load_catalog

    try:
        catalog = catalog_identity(load_catalog())
    except Exception:  # no catalog: the run reports it; the cache stays out of the way
        return None
    digest = settings_digest(catalog, options, relative_path(cwd, root), *references)
    return ResultCache.open(root, digest, directory=directory)


# -- iamlint clean ---------------------------------------------------------------------------------


def clean(root: str, directory: str | None = None) -> int:
    """Remove the cache directory of ``root`` (or ``directory``); the number of files removed.

    0 when there is none. Raises :class:`NotACacheDirectory` for a directory without iamlint's
    CACHEDIR.TAG (nothing is removed) and OSError when removal fails.
    """
    path = cache_directory(root, directory)
    if not os.path.lexists(path):
        return 0
    if os.path.islink(path) or not os.path.isdir(path) or not is_cache_directory(path):
        raise NotACacheDirectory(f"{path} is not an iamlint cache directory (no CACHEDIR.TAG)")
    removed = 0
    for current, directories, files in os.walk(path, topdown=False):
        for name in files:
            os.unlink(os.path.join(current, name))
            removed += 1
        for name in directories:
            target = os.path.join(current, name)
            if os.path.islink(target):
                os.unlink(target)
                removed += 1
            else:
                os.rmdir(target)
    os.rmdir(path)
    return removed
