"""How much time DurableChecks adds to a synthesis, in both modes.

Builds one stack with N durable functions, each with an alias, an EventBridge target, an SQS event
source, a status-change rule and a caller function (about 12 resources per durable function), then
times ``app.synth()`` without checks, with the Aspect and with the validation plugin.

    .venv/bin/python bench/checks_overhead.py [N ...]     (default: 5 20 38; at most 38, since
                                                          CloudFormation allows 500 resources a stack)

Each figure is the best of three runs (the machine is shared).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JSII_NODE", str(ROOT / "node_modules" / ".bin" / "node"))
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_events as events  # noqa: E402
from aws_cdk import aws_events_targets as targets  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402
from aws_cdk import aws_lambda_event_sources as sources  # noqa: E402
from aws_cdk import aws_sqs as sqs  # noqa: E402

from cdk_durable import platform as p  # noqa: E402
from cdk_durable.checks import DurableChecks  # noqa: E402

RESOURCES_PER_FUNCTION = 13
MAX_FUNCTIONS = 500 // RESOURCES_PER_FUNCTION
RUNS = 3
CODE = "def handler(event, context):\n    return event\n"


def build(app: cdk.App, n: int) -> cdk.Stack:
    stack = cdk.Stack(app, "Bench")
    for i in range(n):
        fn = lambda_.Function(
            stack,
            f"Fn{i}",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline(CODE),
            durable_config=lambda_.DurableConfig(execution_timeout=cdk.Duration.minutes(10)),
            dead_letter_queue_enabled=True,
        )
        alias = lambda_.Alias(stack, f"Live{i}", alias_name="live", version=fn.current_version)
        events.Rule(
            stack,
            f"Every{i}",
            schedule=events.Schedule.rate(cdk.Duration.hours(1)),
            targets=[targets.LambdaFunction(alias)],
        )
        alias.add_event_source(sources.SqsEventSource(sqs.Queue(stack, f"Queue{i}")))
        events.Rule(
            stack,
            f"Status{i}",
            event_pattern=events.EventPattern(
                source=[p.EVENT_SOURCE], detail_type=[p.STATUS_CHANGE_DETAIL_TYPE]
            ),
        )
        lambda_.Function(
            stack,
            f"Caller{i}",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline(CODE),
            environment={"TARGET": alias.function_arn},
        )
    return stack


def timed(n: int, mode: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        stack = build(app, n)
        if mode == "aspect":
            cdk.Aspects.of(app).add(DurableChecks())
        elif mode == "plugin":
            cdk.Validations.of(app).add_plugins(DurableChecks(app))
        resources = sum(1 for c in stack.node.find_all() if isinstance(c, cdk.CfnResource))
        start = time.perf_counter()
        app.synth()
        return time.perf_counter() - start, resources


def best(n: int, mode: str) -> tuple[float, int]:
    runs = [timed(n, mode) for _ in range(RUNS)]
    return min(t for t, _ in runs), runs[0][1]


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [5, 20, MAX_FUNCTIONS]
    for n in sizes:
        if not 1 <= n <= MAX_FUNCTIONS:
            sys.exit(f"N must be between 1 and {MAX_FUNCTIONS} (500 resources per stack), got {n}")
    timed(1, "none")  # warm up jsii
    print(f"{'functions':>9} {'resources':>9} {'no checks':>10} {'aspect':>10} {'plugin':>10}")
    for n in sizes:
        base, resources = best(n, "none")
        aspect, _ = best(n, "aspect")
        plugin, _ = best(n, "plugin")
        print(f"{n:>9} {resources:>9} {base:>9.2f}s {aspect:>9.2f}s {plugin:>9.2f}s")


if __name__ == "__main__":
    main(sys.argv[1:])
