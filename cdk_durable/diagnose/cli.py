"""``cdk-durable diagnose``: the click command over the analysis functions."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from .._aws import check_endpoint_url
from .._history import EXECUTION_SHAPE, DiagnoseInputError, load_json, parse_timestamp
from .._options import aws_client_options, check_format, count_option, format_option, read_count
from ..errors import LIMITS, InputLimitError, decode_text, format_bytes, loads_json, read_limited_text
from ._analysis import diagnose_history
from ._html import write_html
from ._live import fetch_execution, lambda_client, split_function
from ._render import DEFAULT_TIMELINE_LIMIT, render_text, to_json_dict

FORMATS = ("text", "json")


def _read(path: str, label: str) -> Any:
    source = "stdin" if path == "-" else path
    limit = LIMITS["history_bytes"]
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
            if len(data) > limit:
                raise DiagnoseInputError(f"{label} stdin is larger than the {format_bytes(limit)} limit")
            text = decode_text(data, what=f"{label} stdin")
        else:
            text = read_limited_text(path, limit=limit, what=f"{label} {path}")
    except OSError as exc:
        raise DiagnoseInputError(f"{label} {source}: cannot read ({exc.strerror or exc})") from None
    except InputLimitError as exc:
        raise DiagnoseInputError(str(exc)) from None
    return load_json(text, source=source)


@click.command(name="diagnose")
@click.argument("history", required=False, metavar="[HISTORY_JSON|-]")
@click.option(
    "--execution",
    "execution_path",
    metavar="FILE",
    help="JSON of `aws lambda get-durable-execution` for the same execution (adds ARN, function, status).",
)
@click.option("--execution-arn", help="Live mode: read this execution through boto3.")
@click.option(
    "--function", "function", metavar="NAME:QUALIFIER", help="Live mode: the function (with alias/version)."
)
@click.option(
    "--execution-name", help="Live mode with --function: the execution's name (latest run is used)."
)
@aws_client_options("Live mode: ")
@format_option(FORMATS)
@click.option(
    "--now", "now_text", metavar="ISO8601", help="Evaluate ages and time left at this instant (default: now)."
)
@count_option(
    "--timeline-limit",
    "timeline_limit_text",
    DEFAULT_TIMELINE_LIMIT,
    "N",
    "Text format: timeline rows before the middle is summarised (0: all rows).",
)
@click.option(
    "--html",
    "html_path",
    metavar="OUT.html",
    help="Also write the timeline page (one self-contained HTML file) to OUT.html.",
)
@click.option(
    "--callback-result",
    metavar="JSON",
    help="Result to put in the printed send-durable-execution-callback-success commands (default: "
    "a placeholder).",
)
def command(**options: Any) -> None:
    """Explain why a durable execution is stuck or failed.

    Reads the JSON of `aws lambda get-durable-execution-history --include-execution-data` from
    HISTORY_JSON (or `-` for stdin), or fetches it live with --execution-arn, or --function
    NAME:QUALIFIER with --execution-name. Prints status, a timeline, pending callbacks (with the
    command that completes them), failures, waits, the slowest operations and a diagnosis.
    With --html OUT.html it also writes the same diagnosis as a timeline page.
    """
    try:
        _run(history_path=options.pop("history"), **options)
    except DiagnoseInputError as exc:
        click.echo(f"cdk-durable diagnose: {exc.one_line()}", err=True)
        sys.exit(1)


def _run(
    *,
    history_path: str | None,
    execution_path: str | None,
    execution_arn: str | None,
    function: str | None,
    execution_name: str | None,
    region: str | None,
    profile: str | None,
    output_format: str,
    now_text: str | None,
    callback_result: str | None,
    timeline_limit_text: str,
    html_path: str | None,
    endpoint_url: str | None,
) -> None:
    check_format(output_format, FORMATS, DiagnoseInputError)
    rows = "rows (0 for all)"
    timeline_limit = read_count(timeline_limit_text, "--timeline-limit", rows, DiagnoseInputError)
    if html_path is not None:
        check_html_path(html_path)
    check_endpoint_url(endpoint_url, DiagnoseInputError)
    now = parse_timestamp(now_text, where="--now") if now_text is not None else datetime.now(UTC)
    if callback_result is not None:
        loads_json(callback_result, what="--callback-result", error=DiagnoseInputError)
    live = execution_arn is not None or function is not None or execution_name is not None
    if live and (history_path is not None or execution_path is not None):
        raise DiagnoseInputError(
            "give either a history file (HISTORY_JSON or -) or live options (--execution-arn / "
            "--function), not both"
        )
    source = "history"
    history: Any
    execution: Any
    if live:
        if execution_arn is None and not (function and execution_name):
            raise DiagnoseInputError("live mode needs --execution-arn, or --function with --execution-name")
        if function is not None:
            split_function(function)  # fail on a malformed --function before looking for credentials
        client = lambda_client(region=region, profile=profile, endpoint_url=endpoint_url)
        history, execution = fetch_execution(
            client, execution_arn=execution_arn, function=function, execution_name=execution_name
        )
        source = execution_arn or f"{function} {execution_name}"
    elif history_path is not None:
        history = _read(history_path, "history")
        execution = _read(execution_path, "execution") if execution_path else None
        if execution_path and not (isinstance(execution, dict) and isinstance(execution.get("Status"), str)):
            raise DiagnoseInputError(f"execution {execution_path}: expected {EXECUTION_SHAPE}")
        source = "stdin" if history_path == "-" else history_path
    else:
        raise DiagnoseInputError(
            "nothing to diagnose: pass a history file (HISTORY_JSON or - for stdin), or --execution-arn, "
            "or --function NAME:QUALIFIER --execution-name NAME"
        )
    diagnosis = diagnose_history(history, execution, now=now, callback_result=callback_result, source=source)
    if html_path is not None:
        try:
            write_html(diagnosis, html_path)
        except OSError as exc:
            raise DiagnoseInputError(f"--html {html_path}: cannot write ({exc.strerror or exc})") from None
    if output_format == "json":
        click.echo(json.dumps(to_json_dict(diagnosis), indent=2))
    else:
        click.echo(render_text(diagnosis, timeline_limit=timeline_limit), nl=False)
    if html_path is not None:
        click.echo(f"timeline page: {html_path}", err=True)


def check_html_path(path: str) -> None:
    """Fail before any work when ``--html`` cannot be written: a directory, or a missing parent folder."""
    target = Path(path)
    parent = target.parent
    if len(target.name.encode(errors="surrogateescape")) > 255:
        raise DiagnoseInputError(f"--html {path}: the file name is longer than 255 bytes")
    try:
        is_dir, exists = target.is_dir(), parent.is_dir()
    except OSError as exc:  # a path too long for the file system, a loop of links
        raise DiagnoseInputError(f"--html {path}: cannot use this path ({exc.strerror or exc})") from None
    if not path.strip() or is_dir:
        raise DiagnoseInputError(f"--html must name a file to write (e.g. timeline.html), got {path!r}")
    if not exists:
        raise DiagnoseInputError(f"--html {path}: folder {str(parent)!r} does not exist")
