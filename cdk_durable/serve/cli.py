"""``cdk-durable serve``: the click command."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from .._options import invocation_timeout_option
from ..local_run.inputs import (
    DEFAULT_REGION,
    FunctionSpec,
    LocalRunError,
    load_env_file,
    parse_env_option,
    parse_function_option,
)
from ..local_run.template import load_template_functions
from ..local_run.worker import Terminated, exit_on_signals
from .service import DEFAULT_PORT, Service

LOOPBACK = "127.0.0.1"


def resolve_serve_functions(
    template: str | None, functions: Sequence[str], env: Sequence[str], env_file: str | None, region: str
) -> tuple[list[FunctionSpec], list[str]]:
    """Every function ``serve`` answers for (template functions, then ``--function``), and warnings."""
    warnings: list[str] = []
    specs: list[FunctionSpec] = []
    if template:
        found = load_template_functions(Path(template), region=region, node=True)
        warnings.extend(found.warnings)
        warnings.extend(f"{logical_id} is not served: {why}" for logical_id, why in found.skipped.items())
        specs.extend(found.functions.values())
    specs.extend(parse_function_option(value) for value in functions)
    if not specs:
        why = "; ".join(warnings) if warnings else "pass --template PATH or --function NAME=HANDLER"
        raise LocalRunError(f"nothing to serve: {why}")
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise LocalRunError(f"function name {spec.name!r} is given twice")
        seen.add(spec.name)
    env_vars = dict(parse_env_option(value) for value in env)
    by_key = load_env_file(env_file, function_names=sorted(seen)) if env_file else {}
    shared = by_key.get("Parameters", {})
    specs = [s.with_environment({**shared, **by_key.get(s.name, {}), **env_vars}) for s in specs]
    return specs, warnings


@click.command(name="serve")
@click.option("--template", metavar="PATH", help="SAM, CloudFormation or CDK template: serve its functions.")
@click.option(
    "--function",
    "functions",
    multiple=True,
    metavar="NAME=HANDLER",
    help="Serve a function (append ,plain for a non-durable one). Repeatable.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--host", default=None, metavar="ADDRESS", help=f"Listen here instead of {LOOPBACK} (a warning)."
)
@click.option(
    "--state", "state_dir", metavar="DIR", help="Keep executions in DIR (sqlite): they survive a restart."
)
@click.option("--skip-time", is_flag=True, help="Skip waits and retry delays (for tests).")
@click.option("--env", multiple=True, metavar="KEY=VALUE", help="An environment variable. Repeatable.")
@click.option("--env-file", metavar="FILE", help='SAM --env-vars JSON: {"Parameters": {...}, "NAME": {...}}.')
@click.option(
    "--region", default=DEFAULT_REGION, show_default=True, help="The region the service stands in for."
)
@invocation_timeout_option("each function's")
def command(
    template: str | None,
    functions: tuple[str, ...],
    port: int,
    host: str | None,
    state_dir: str | None,
    skip_time: bool,
    env: tuple[str, ...],
    env_file: str | None,
    region: str,
    invocation_timeout: int | None,
) -> None:
    """Serve durable functions locally with AWS's Lambda and durable-execution API.

    Point AWS SDKs and the AWS CLI at it with --endpoint-url http://127.0.0.1:PORT or
    AWS_ENDPOINT_URL_LAMBDA. Exit status: 0 when stopped
    (Ctrl-C, SIGTERM), 1 for a bad input.
    """

    def log(line: str) -> None:
        click.echo(line, err=True)

    try:
        specs, warnings = resolve_serve_functions(template, functions, env, env_file, region)
        for warning in warnings:
            log(f"Warning: {warning}")
        if host is not None and host != LOOPBACK:
            log(
                f"Warning: listening on {host}: anyone who can reach it can start executions "
                "and answer callbacks"
            )
        service = Service(
            specs,
            host=host or LOOPBACK,
            port=port,
            state_dir=Path(state_dir) if state_dir else None,
            skip_time=skip_time,
            region=region,
            invocation_timeout=invocation_timeout,
            log=log,
        )
        with exit_on_signals():
            try:
                try:
                    service.start()
                except OSError as e:
                    raise LocalRunError(
                        f"--port {port}: cannot listen on {host or LOOPBACK}:{port}: {e.strerror}"
                    ) from None
                service.check_handlers()
                for arn in service.resume():
                    log(f"resumed execution {arn}")
                names = ", ".join(
                    f"{s.name} ({'durable' if s.durable else 'plain'})" for s in service.functions.values()
                )
                log(f"cdk-durable serve: {service.url}  functions: {names}")
                log(f"  console: {service.url}/")
                log(f"  aws lambda invoke --endpoint-url {service.url} --function-name NAME:$LATEST ...")
                service.serve_forever()
            finally:
                service.close()
    except LocalRunError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    except (Terminated, KeyboardInterrupt):
        log("stopped")
        sys.exit(0)
