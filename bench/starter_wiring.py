"""What each starter adds to a stack: CloudFormation resources (by type) and synthesis time.

For each starter, a stack with one ``DurableFunction`` and the starter is synthesized and compared with a
stack holding the function alone. Prints, per starter, the resources it adds and the median synthesis
time over ``--repeat`` runs (the function alone for reference). ``AsyncStarter`` is there for comparison
(it has a Lambda function in between).

    .venv/bin/python bench/starter_wiring.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_node22 = ROOT / "node_modules" / ".bin" / "node"
if _node22.exists():
    os.environ.setdefault("JSII_NODE", str(_node22))
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
sys.path.insert(0, str(ROOT))

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_apigateway as apigw  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402
from aws_cdk import aws_sqs as sqs  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402

from cdk_durable import ApiStarter, AsyncStarter, DurableFunction, ExecutionName  # noqa: E402
from cdk_durable.durable_function import ReplayLint  # noqa: E402

BUS_ARN = "arn:aws:events:us-east-1:123456789012:event-busv2/orders/abcdefghijklmnopqrstuvwxy"


def _function(stack: cdk.Stack) -> DurableFunction:
    return DurableFunction(
        stack,
        "Orders",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
        handler="index.handler",
        execution_timeout=cdk.Duration.days(7),
        replay_lint=ReplayLint.OFF,
    )


def _users_api(stack: cdk.Stack) -> apigw.RestApi:
    api = apigw.RestApi(stack, "Shop", cloud_watch_role=False)
    api.root.add_method("GET", apigw.MockIntegration())
    return api


SCENARIOS: dict[str, Callable[[cdk.Stack, DurableFunction], object]] = {
    "function alone": lambda s, fn: None,
    "ApiStarter, own API, header name": lambda s, fn: ApiStarter(
        s, "Start", target=fn, execution_name=ExecutionName.from_header("Idempotency-Key")
    ),
    "ApiStarter, own API, body field": lambda s, fn: ApiStarter(
        s, "Start", target=fn, execution_name=ExecutionName.from_body_field("orderId")
    ),
    "ApiStarter, your API (+4), /orders, body field": lambda s, fn: ApiStarter(
        s,
        "Start",
        target=fn,
        execution_name=ExecutionName.from_body_field("orderId"),
        rest_api=_users_api(s),
        path="orders",
    ),
    "add_event_starter (EventsV2 subscriber)": lambda s, fn: fn.add_event_starter(
        "OnOrder", bus=BUS_ARN, execution_name=ExecutionName.from_body_field("detail.orderId")
    ),
    "AsyncStarter (queue, for comparison; +1 queue)": lambda s, fn: AsyncStarter(
        s, "Start", target=fn, queue=sqs.Queue(s, "Inbox")
    ),
}


def _run(build: Callable[[cdk.Stack, DurableFunction], object]) -> tuple[Counter[str], float]:
    started = time.perf_counter()
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    build(stack, _function(stack))
    resources = Template.from_stack(stack).to_json()["Resources"]
    return Counter(r["Type"] for r in resources.values()), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base, _ = _run(SCENARIOS["function alone"])
    print(f"{'scenario':48} {'added':>5}  {'synth s':>7}  resources added")
    for name, build in SCENARIOS.items():
        times = []
        for _ in range(args.repeat):
            types, seconds = _run(build)
            times.append(seconds)
        added = types - base
        shown = ", ".join(
            f"{t.split('::', 1)[1]} x{n}" if n > 1 else t.split("::", 1)[1] for t, n in added.items()
        )
        total = sum(types.values()) - sum(base.values())
        print(f"{name:48} {total:>5}  {statistics.median(times):7.2f}  {shown or '-'}")


if __name__ == "__main__":
    main()
