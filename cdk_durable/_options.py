"""Command-line options more than one tool takes, spelled once: ``--format`` and the AWS client's
``--region`` / ``--profile`` / ``--endpoint-url`` (:mod:`cdk_durable._aws` reads them), ``run``'s and
``serve``'s ``--timeout``, and the
checks of ``--format`` and of a whole-number option, each a one-line error of the tool's class."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import click

from .platform import INVOCATION_TIMEOUT_MAX_SECONDS

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


def check_format(output_format: str, formats: Sequence[str], error: type[Exception]) -> None:
    """Refuse a ``--format`` that is not one of ``formats`` (raised as ``error``)."""
    if output_format not in formats:
        raise error(f"--format must be one of {', '.join(formats)}, got {output_format!r}")


def count_option(flag: str, dest: str, default: int, metavar: str, help: str) -> Callable[[F], F]:
    """A whole-number option read as text (``dest``), so the tool checks it and says what it wants."""
    return click.option(flag, dest, default=str(default), show_default=True, metavar=metavar, help=help)


def read_count(text: str, flag: str, what: str, error: type[Exception]) -> int:
    """The whole number given to a :func:`count_option`; ``what`` says what it counts (``"rows (0 for
    all)"``), ``error`` is the tool's error class."""
    if not text.isdigit():
        raise error(f"{flag} must be a whole number of {what}, got {text!r}")
    return int(text)


def invocation_timeout_option(whose: str) -> Callable[[F], F]:
    """``--timeout SECONDS`` (stored as ``invocation_timeout``): how long one invocation may run;
    ``whose`` names the function whose ``Timeout`` is the default ("the function's")."""
    return click.option(
        "--timeout",
        "invocation_timeout",
        type=click.IntRange(1, INVOCATION_TIMEOUT_MAX_SECONDS),
        metavar="SECONDS",
        help=f"Seconds one invocation may run (default: {whose} Timeout, else Lambda's 3).",
    )


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
