"""``cdk-durable lint PATH...``: a thin click command over :func:`cdk_durable.lint.lint_paths`.

Exit codes (like ruff): 0 no findings, 1 findings, 2 usage error (bad path, unknown rule code).
"""

from __future__ import annotations

import sys

import click

from ..errors import safe_text
from . import lint_paths
from .formatters import FORMATTERS
from .rules import RULES

USAGE_ERROR = 2


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [c for c in value.replace(" ", ",").split(",") if c]


def _rules_table() -> str:
    return (
        "\n".join(
            f"{r.code}  {r.severity.value:<7}  {r.summary}{'' if r.default_enabled else ' (opt-in)'}"
            for r in RULES
        )
        + "\n"
    )


@click.command(
    name="lint",
    help="Find replay-model violations in Python durable handlers. "
    "PATHS are files or directories (default: the current directory).",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--select", default=None, help="Only these codes or prefixes, comma-separated (e.g. DUR001,DUR002)."
)
@click.option(
    "--extend-select",
    default=None,
    help="Add these codes or prefixes to the default rules (e.g. DUR009, off by default).",
)
@click.option("--ignore", default=None, help="Skip these codes or prefixes, comma-separated.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--list-rules", is_flag=True, help="Print the rules and exit.")
def command(
    paths: tuple[str, ...],
    output_format: str,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    exit_zero: bool,
    list_rules: bool,
) -> None:
    if list_rules:
        click.echo(_rules_table(), nl=False)
        return
    try:
        findings = lint_paths(
            list(paths) or ["."],
            select=_codes(select),
            ignore=_codes(ignore),
            extend_select=_codes(extend_select),
        )
    except (FileNotFoundError, ValueError) as exc:
        click.echo(f"cdk-durable lint: error: {safe_text(str(exc), multiline=False)}", err=True)
        sys.exit(USAGE_ERROR)
    click.echo(FORMATTERS[output_format](findings), nl=False)
    if findings and not exit_zero:
        sys.exit(1)
