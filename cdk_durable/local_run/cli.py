"""``cdk-durable run``: the click command. It parses options, calls the library and prints."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from .._options import invocation_timeout_option
from ..errors import error_line, interruption
from ..platform import ExecutionStatus
from . import traces as _traces
from .answers import collect_answers, load_presets, make_prompt
from .inputs import (
    DEFAULT_REGION,
    FunctionSpec,
    LocalRunError,
    load_env_file,
    load_event,
    parse_env_option,
    parse_function_option,
)
from .render import format_answer, format_change, format_crash, format_log, format_suspend, render_history
from .runner import RunReport, run_handler
from .template import load_template_functions
from .worker import Terminated, exit_on_signals

#: Exit status of ``cdk-durable run`` when the execution ended FAILED, TIMED_OUT or STOPPED
#: (1 is a bad input, 2 is click's usage error).
EXIT_EXECUTION_NOT_SUCCEEDED = 3


def _function_name_for(handler_spec: str) -> str:
    target = handler_spec.rpartition(":")[0] or handler_spec
    stem = Path(target).stem if target.endswith(".py") or "/" in target else target.rsplit(".", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9_-]", "-", stem)[:64]
    return name or "local-function"


def resolve_functions(
    target: str,
    *,
    template: str | None,
    functions: Sequence[str],
    env: Sequence[str],
    env_file: str | None,
    region: str,
    warn: Callable[[str], None],
) -> tuple[FunctionSpec, list[FunctionSpec]]:
    """The function to run and its chained-invoke targets, with their environment variables."""
    env_vars = dict(parse_env_option(value) for value in env)
    extra = [parse_function_option(value) for value in functions]
    if template:
        found = load_template_functions(Path(template), region=region)
        spec, targets = found.select(target)
        for warning in found.warnings:
            warn(warning)
        for logical_id, why in found.skipped.items():
            if logical_id != target:
                warn(f"{logical_id} is not a chained-invoke target here: {why}")
        keys_by_spec = {id(s): (k, s.name) for k, s in found.functions.items()}
    else:
        spec = FunctionSpec(name=_function_name_for(target), handler=target)
        targets = []
        keys_by_spec = {id(spec): (spec.name, spec.name)}
    # Without a template the run's own name is only derived from the handler: a target may take it.
    taken = {t.name: "a function of the template" for t in targets}
    if template:
        taken[spec.name] = "the function being run"
    for extra_spec in extra:
        if extra_spec.name in taken:
            raise LocalRunError(
                f"--function {extra_spec.name}=...: the name {extra_spec.name!r} is already "
                f"{taken[extra_spec.name]}; give each --function a different NAME"
            )
        taken[extra_spec.name] = "given by an earlier --function"
    targets = [*targets, *extra]
    for extra_spec in extra:
        keys_by_spec[id(extra_spec)] = (extra_spec.name, extra_spec.name)
    if env_file:
        names = sorted({key for pair in keys_by_spec.values() for key in pair})
        by_key = load_env_file(env_file, function_names=names)
        shared = by_key.get("Parameters", {})

        def with_file(s: FunctionSpec) -> FunctionSpec:
            keys = keys_by_spec.get(id(s), (s.name, s.name))
            own = {**by_key.get(keys[1], {}), **by_key.get(keys[0], {})}
            return s.with_environment({**shared, **own})

        spec, targets = with_file(spec), [with_file(t) for t in targets]
    return spec.with_environment(env_vars), targets


def write_history(path: str, report: RunReport) -> None:
    """The history as ``get-durable-execution-history`` JSON, written whole or not at all."""
    target = Path(path)
    document = json.dumps(report.history_document(), indent=2) + "\n"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
        ) as handle:
            handle.write(document)
        os.replace(handle.name, target)
    except OSError as e:
        raise LocalRunError(f"cannot write --history file {path}: {e.strerror}") from None


def write_timeline(path: str, report: RunReport) -> None:
    """The run's diagnosis as the timeline page of ``cdk-durable diagnose --html``.

    "Now" is the run's last event (a finished local run has nothing open beyond it), so the page
    depends only on the history, never on the wall clock.
    """
    from ..diagnose import diagnose_history, parse_timestamp, write_html

    history = report.history_document()
    events = history.get("Events") or []
    if not events:
        raise LocalRunError("--html: the run recorded no history events")
    now = parse_timestamp(events[-1]["EventTimestamp"], where="--html")
    try:
        write_html(diagnose_history(history, now=now, source="cdk-durable run"), path)
    except OSError as e:
        raise LocalRunError(f"cannot write --html file {path}: {e.strerror or e}") from None


_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


def _check_output_path(path: str, option: str) -> None:
    """Fail before the run when ``path`` cannot be a file to write (the run's output would be lost)."""
    target = Path(path)
    if not path.strip():
        raise LocalRunError(f"{option} must name a file to write, got {path!r}")
    if len(target.name.encode(errors="surrogateescape")) > 255:
        raise LocalRunError(f"{option} {path}: the file name is longer than 255 bytes")
    try:
        is_dir = target.is_dir()
        blocked = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    except OSError as e:
        raise LocalRunError(f"{option} {path}: cannot use this path ({e.strerror or e})") from None
    if is_dir:
        raise LocalRunError(f"{option} {path} is a directory: name a file to write")
    if blocked is not None:
        raise LocalRunError(f"{option} {path}: {blocked} is a file, not a folder")


def _check_html_path(path: str) -> None:
    from .._history import DiagnoseInputError
    from ..diagnose.cli import check_html_path

    try:
        check_html_path(path)
    except DiagnoseInputError as e:
        raise LocalRunError(str(e)) from None


def run_from_options(
    target: str,
    event_value: str,
    *,
    template: str | None = None,
    functions: Sequence[str] = (),
    env: Sequence[str] = (),
    env_file: str | None = None,
    region: str = DEFAULT_REGION,
    callbacks: Sequence[str] = (),
    fail: Sequence[str] = (),
    timeout: Sequence[str] = (),
    answers_file: str | None = None,
    presets_file: str | None = None,
    history_file: str | None = None,
    html_file: str | None = None,
    traces_file: str | None = None,
    real_time: bool = False,
    invocation_timeout: int | None = None,
    interactive: bool = False,
    show_logs: bool = True,
    echo: Callable[[str], None] = click.echo,
    warn: Callable[[str], None] = lambda line: click.echo(f"Warning: {line}", err=True),
) -> RunReport:
    """What ``cdk-durable run`` does, callable from Python (``demo.scenarios`` uses it)."""
    if not _REGION.match(region):
        raise LocalRunError(f"--region must be an AWS region name such as us-east-1, got {region!r}")
    if html_file is not None:
        _check_html_path(html_file)  # before any work, like diagnose --html
    if history_file is not None:
        _check_output_path(history_file, "--history")
    answers = collect_answers(answers_file, callbacks, fail, timeout)
    presets = load_presets(presets_file) if presets_file else None
    event = load_event(event_value)
    spec, targets = resolve_functions(
        target, template=template, functions=functions, env=env, env_file=env_file, region=region, warn=warn
    )
    span_dir = _traces.start(traces_file) if traces_file else None
    if span_dir is not None:
        spec, targets = _traces.with_span_dir(spec, targets, span_dir)
    mode = "real time" if real_time else "skipping waits (--real-time to honour them)"
    names = [t.name + "".join(f" (alias {a})" for a in t.aliases) for t in targets]
    invokable = f"; invoke targets: {', '.join(names)}" if targets else ""
    echo(f"▶ {spec.name} ({spec.handler})  [{mode}]{invokable}")

    def on_event(operation: Any, builder: Any) -> None:
        line = format_change(operation, builder)
        if line is not None:
            echo(line)

    report = run_handler(
        spec,
        event,
        targets=targets,
        answers=answers,
        ask=make_prompt(presets) if interactive else None,
        on_event=on_event,
        on_answer=lambda callback, answer: echo(format_answer(callback, answer)),
        on_log=(lambda level, message: echo(format_log(level, message))) if show_logs else None,
        on_suspend=lambda invocation: echo(format_suspend(invocation)),
        on_crash=lambda crash: echo(format_crash(crash)),
        real_time=real_time,
        region=region,
        invocation_timeout_seconds=invocation_timeout,
    )
    echo("")
    echo(f"Status: {report.status}")
    if report.error:
        echo(f"Error:  {report.error['type']}: {report.error['message']}")
    echo(f"Result: {json.dumps(report.result, indent=2) if report.result is not None else 'null'}")
    echo("")
    echo("History:")
    echo(render_history(report.history))
    if history_file:
        write_history(history_file, report)
        echo(f"\nHistory written to {history_file} (cdk-durable diagnose {history_file})")
    if html_file:
        write_timeline(html_file, report)
        echo(f"Timeline page: {html_file}")
    if traces_file and span_dir is not None:
        spans = _traces.write_otlp_json(span_dir, traces_file)
        echo(f"Traces written to {traces_file} ({spans} spans, OTLP JSON)")
    return report


@click.command(name="run")
@click.argument("target", metavar="HANDLER|LOGICAL_ID")
@click.argument("event_value", metavar="EVENT")
@click.option(
    "--template",
    metavar="PATH",
    help="SAM, CloudFormation or CDK (cdk.out/*.template.json) template: run its function LOGICAL_ID.",
)
@click.option(
    "--function",
    "functions",
    multiple=True,
    metavar="NAME=HANDLER",
    help="Register a chained-invoke target (append ,plain for a non-durable function). Repeatable.",
)
@click.option("--env", multiple=True, metavar="KEY=VALUE", help="An environment variable. Repeatable.")
@click.option("--env-file", metavar="FILE", help='SAM --env-vars JSON: {"Parameters": {...}, "NAME": {...}}.')
@click.option("--region", default=DEFAULT_REGION, show_default=True, help="AWS_REGION the functions see.")
@click.option(
    "--callback",
    "callbacks",
    multiple=True,
    metavar="NAME=JSON|@FILE",
    help="Complete callback NAME (* for any) successfully with this JSON payload.",
)
@click.option(
    "--fail-callback",
    "fail",
    multiple=True,
    metavar="NAME[=JSON]",
    help='Fail callback NAME, optionally with {"ErrorType", "ErrorMessage", "ErrorData"}.',
)
@click.option("--timeout-callback", "timeout", multiple=True, metavar="NAME", help="Time callback NAME out.")
@click.option(
    "--answers",
    "answers_file",
    metavar="FILE",
    help='JSON file: {"NAME" | "*": {"succeed": payload} | {"fail": error} | {"heartbeat": true} | '
    '{"timeout": true}}.',
)
@click.option("--presets", "presets_file", metavar="FILE", help="Prompt choices: JSON of name -> payload.")
@click.option("--history", "history_file", metavar="FILE", help="Write the execution history (JSON) here.")
@click.option(
    "--traces",
    "traces_file",
    metavar="FILE",
    help="Write the OpenTelemetry spans (OTLP JSON) here; plugins come from DURABLE_EXECUTION_PLUGINS.",
)
@click.option(
    "--html", "html_file", metavar="OUT.html", help="Write the timeline page (as diagnose --html) here."
)
@click.option(
    "--real-time", is_flag=True, help="Honour waits, retry delays and timeouts (default: skip them)."
)
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for unanswered callbacks (default: only when stdin is a terminal).",
)
@invocation_timeout_option("the function's")
@click.option("--show-logs/--no-logs", default=True, help="Show the handler's context.logger output.")
def command(
    target: str,
    event_value: str,
    template: str | None,
    functions: tuple[str, ...],
    env: tuple[str, ...],
    env_file: str | None,
    region: str,
    callbacks: tuple[str, ...],
    fail: tuple[str, ...],
    timeout: tuple[str, ...],
    answers_file: str | None,
    presets_file: str | None,
    history_file: str | None,
    html_file: str | None,
    traces_file: str | None,
    real_time: bool,
    invocation_timeout: int | None,
    interactive: bool | None,
    show_logs: bool,
) -> None:
    """Run a durable function locally on EVENT and answer its callbacks.

    HANDLER is module:function or path/to/file.py:function (function defaults to `handler`);
    with --template, LOGICAL_ID names the function in the template. EVENT is a JSON string or
    @file.json. Exit status: 0 if the execution succeeded, 3 if it ended FAILED, TIMED_OUT or
    STOPPED, 1 for a bad input (2: click's own usage errors).
    """
    try:
        with exit_on_signals():
            report = run_from_options(
                target,
                event_value,
                template=template,
                functions=functions,
                env=env,
                env_file=env_file,
                region=region,
                callbacks=callbacks,
                fail=fail,
                timeout=timeout,
                answers_file=answers_file,
                presets_file=presets_file,
                history_file=history_file,
                html_file=html_file,
                traces_file=traces_file,
                real_time=real_time,
                invocation_timeout=invocation_timeout,
                interactive=sys.stdin.isatty() if interactive is None else interactive,
                show_logs=show_logs,
            )
    except LocalRunError as e:
        click.echo(error_line(f"Error: {e.one_line()}"), err=True)
        sys.exit(1)
    except Terminated as e:  # SIGTERM / SIGHUP while running (worker.exit_on_signals): workers stopped
        click.echo(error_line(f"Error: stopped by {e.signal_name}"), err=True)
        sys.exit(128 + e.signum)
    except (KeyboardInterrupt, click.Abort) as e:  # Ctrl-C (also at the prompt), or a signal outside the run
        words, code = interruption(e)
        click.echo(error_line(f"Error: {words}", mid_line=isinstance(e, click.Abort)), err=True)
        sys.exit(code)
    sys.exit(0 if report.status == ExecutionStatus.SUCCEEDED else EXIT_EXECUTION_NOT_SUCCEEDED)
