"""Command-line options more than one tool takes, spelled once: ``--format`` and the AWS client's
``--region`` / ``--profile`` / ``--endpoint-url`` (:mod:`cdk_durable._aws` reads them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def format_option(formats: Sequence[str]) -> Callable[[F], F]:
    """``--format`` (stored as ``output_format``), checked by the tool so a bad value is its one line."""
    return click.option(
        "--format",
        "output_format",
        default=formats[0],
        show_default=True,
        help=f"Output format: {', '.join(formats)}.",
    )


def count_option(flag: str, dest: str, default: int, metavar: str, help: str) -> Callable[[F], F]:
    """A whole-number option read as text (``dest``), so the tool checks it and says what it wants."""
    return click.option(flag, dest, default=str(default), show_default=True, metavar=metavar, help=help)


def aws_client_options(help_prefix: str = "") -> Callable[[F], F]:
    """``--region``, ``--profile`` and ``--endpoint-url``; ``help_prefix`` says when they apply."""

    def sentence(text: str) -> str:
        return f"{help_prefix}{text}" if help_prefix else text[:1].upper() + text[1:]

    def decorate(function: F) -> F:
        options = (
            click.option("--region", help=sentence("AWS region (default: from the environment/profile).")),
            click.option("--profile", help=sentence("AWS profile.")),
            click.option(
                "--endpoint-url",
                metavar="URL",
                help=sentence("send the Lambda API calls to URL (LocalStack, a VPC endpoint)."),
            ),
        )
        for option in reversed(options):
            function = option(function)
        return function

    return decorate
