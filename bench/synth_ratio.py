"""Synthesis cost of ``DurableFunction`` against the same features hand-wired on the L2.

For N = 1 and N = 50 durable functions in one stack, builds and synthesizes (``app.synth()``) two apps
in the same process:

- **L3**: ``DurableFunction`` + ``on_status_change`` (failures) + ``add_recommended_alarms`` +
  ``grant_invoke`` / ``grant_send_callback`` to a shared role, default replay lint (Python asset code);
- **L2**: ``lambda_.Function(durable_config=...)``, ``current_version`` (retained), ``Alias``, an SSE-SQS
  DLQ with 14-day retention and TLS enforced, the same event rule, the same four alarms and the same grants.

Functions go 10 to a stack (CloudFormation's 500-resource limit), each stack with its own shared
grantee role. Prints the median wall time of ``--repeat`` alternating runs, the L3/L2 ratio, and
CloudFormation resources per function. Target: ratio <= 1.10.

    .venv/bin/python bench/synth_ratio.py [--repeat 5] [--sizes 1 50]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_node22 = ROOT / "node_modules" / ".bin" / "node"
if _node22.exists():
    os.environ.setdefault("JSII_NODE", str(_node22))
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
sys.path.insert(0, str(ROOT))

import aws_cdk as cdk  # noqa: E402
from aws_cdk import aws_cloudwatch as cloudwatch  # noqa: E402
from aws_cdk import aws_events as events  # noqa: E402
from aws_cdk import aws_iam as iam  # noqa: E402
from aws_cdk import aws_lambda as lambda_  # noqa: E402
from aws_cdk import aws_sqs as sqs  # noqa: E402

from cdk_durable import platform as p  # noqa: E402
from cdk_durable.durable_function import DurableFunction, _lint_findings  # noqa: E402
from cdk_durable.platform import DurableExecutionStatus  # noqa: E402

HANDLER = """
from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    return context.step(lambda _: {"ok": True}, name="work")
"""


def build_l3(stack: cdk.Stack, n: int, code_dir: str) -> None:
    caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    for i in range(n):
        fn = DurableFunction(
            stack,
            f"Fn{i}",
            code=lambda_.Code.from_asset(code_dir),
            handler="app.handler",
            execution_timeout=cdk.Duration.days(7),
        )
        fn.on_status_change("Failures", statuses=list(p.FAILURE_STATUSES))
        fn.add_recommended_alarms()
        fn.grant_invoke(caller)
        fn.grant_send_callback(caller)


def build_l2(stack: cdk.Stack, n: int, code_dir: str) -> None:
    caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    for i in range(n):
        dlq = sqs.Queue(
            stack,
            f"Dlq{i}",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        fn = lambda_.Function(
            stack,
            f"Fn{i}",
            code=lambda_.Code.from_asset(code_dir),
            handler="app.handler",
            runtime=lambda_.Runtime.PYTHON_3_13,
            durable_config=lambda_.DurableConfig(
                execution_timeout=cdk.Duration.days(7), retention_period=cdk.Duration.days(14)
            ),
            dead_letter_queue=dlq,
            # DurableFunction retains every published version (version_removal_policy=RETAIN).
            current_version_options=lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.RETAIN),
        )
        alias = lambda_.Alias(stack, f"Alias{i}", alias_name="live", version=fn.current_version)
        events.Rule(
            stack,
            f"Failures{i}",
            event_pattern=events.EventPattern(
                source=[p.EVENT_SOURCE],
                detail_type=[p.STATUS_CHANGE_DETAIL_TYPE],
                detail={
                    "functionArn": [{"prefix": f"{fn.function_arn}:"}],
                    "status": [DurableExecutionStatus.FAILED.value, DurableExecutionStatus.TIMED_OUT.value],
                },
            ),
        )
        for metric, threshold, dims in (
            (p.DurableMetric.FAILED, 1, True),
            (p.DurableMetric.TIMED_OUT, 1, True),
            (p.DurableMetric.RUNNING_UTILIZATION, 80, False),
            (p.DurableMetric.STORAGE_WRITTEN_BYTES, p.MAX_STORAGE_WRITTEN_BYTES * 0.8, True),
        ):
            cloudwatch.Metric(
                namespace=p.METRIC_NAMESPACE,
                metric_name=metric.value,
                dimensions_map={p.METRIC_DIMENSION: fn.function_name} if dims else {},
                statistic="Sum" if threshold == 1 else "Maximum",
                period=cdk.Duration.minutes(5),
            ).create_alarm(
                stack,
                f"Alarm{i}{metric.name}",
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
        alias.grant_invoke(caller)
        iam.Grant.add_to_principal(
            grantee=caller, actions=list(p.CALLBACK_ACTIONS), resource_arns=[f"{fn.function_arn}:*"]
        )


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> float:
    """CPU time of this process plus its live children (the jsii Node kernel does most of the work).

    On a shared machine wall time swings with the load; CPU time is what the synth itself costs.
    """
    own = os.times()
    total = own.user + own.system
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:  # ppid
            total += (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    return total


#: Functions per stack (12 resources each; CloudFormation allows 500 per stack).
PER_STACK = 10


def run_once(build: Callable[[cdk.Stack, int, str], None], n: int, code_dir: str) -> tuple[float, float, int]:
    """Build and synthesize ``n`` functions (``PER_STACK`` per stack); (wall s, CPU s, resources)."""
    with tempfile.TemporaryDirectory() as out:
        gc.collect()
        cpu = cpu_seconds()
        start = time.perf_counter()
        app = cdk.App(outdir=out)
        env = cdk.Environment(account="123456789012", region="us-east-1")
        names = []
        for s, first in enumerate(range(0, n, PER_STACK)):
            stack = cdk.Stack(app, f"Bench{s}", env=env)
            build(stack, min(PER_STACK, n - first), code_dir)
            names.append(stack.stack_name)
        assembly = app.synth()
        elapsed = time.perf_counter() - start
        cpu = cpu_seconds() - cpu
        return elapsed, cpu, sum(len(assembly.get_stack_by_name(x).template["Resources"]) for x in names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 50])
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as code_dir:
        Path(code_dir, "app.py").write_text(HANDLER)
        print(f"median of {args.repeat} alternating runs; wall and CPU seconds (process + jsii Node kernel)")
        run_once(build_l2, 1, code_dir)  # warm up jsii and imports
        _lint_findings.cache_clear()
        start = time.perf_counter()
        run_once(build_l3, 1, code_dir)  # includes the one replay lint of the asset directory
        first_l3 = time.perf_counter() - start
        _lint_findings.cache_clear()
        start = time.perf_counter()
        _lint_findings(str(Path(code_dir).resolve()))
        print(f"replay lint of the asset (once per directory, cached): {time.perf_counter() - start:.3f} s")
        print(f"first L3 synth with N=1 including that lint: {first_l3:.3f} s")
        print(
            f"{'N':>4} {'L2 wall':>8} {'L3 wall':>8} {'ratio':>6} {'L2 cpu':>8} {'L3 cpu':>8} {'ratio':>6} "
            f"{'L2 res/fn':>10} {'L3 res/fn':>10}"
        )
        resources: dict[int, tuple[int, int]] = {}
        for n in args.sizes:
            times: dict[str, list[float]] = {"l2": [], "l3": []}
            cpus: dict[str, list[float]] = {"l2": [], "l3": []}
            counts: dict[str, int] = {}
            for r in range(args.repeat):
                order = (
                    (("l2", build_l2), ("l3", build_l3))
                    if r % 2 == 0
                    else (("l3", build_l3), ("l2", build_l2))
                )
                for name, build in order:
                    elapsed, cpu, count = run_once(build, n, code_dir)
                    times[name].append(elapsed)
                    cpus[name].append(cpu)
                    counts[name] = count
            l2, l3 = statistics.median(times["l2"]), statistics.median(times["l3"])
            c2, c3 = statistics.median(cpus["l2"]), statistics.median(cpus["l3"])
            resources[n] = (counts["l2"], counts["l3"])
            print(
                f"{n:>4} {l2:>8.3f} {l3:>8.3f} {l3 / l2:>6.3f} {c2:>8.3f} {c3:>8.3f} {c3 / c2:>6.3f} "
                f"{counts['l2'] / n:>10.2f} {counts['l3'] / n:>10.2f}"
            )
        if len(args.sizes) >= 2:
            lo, hi = min(args.sizes), max(args.sizes)
            (l2_lo, l3_lo), (l2_hi, l3_hi) = resources[lo], resources[hi]
            print(
                f"marginal resources per function (N={lo}->{hi}): "
                f"L2 {(l2_hi - l2_lo) / (hi - lo):.2f}, L3 {(l3_hi - l3_lo) / (hi - lo):.2f}"
            )
    print("target: ratio <= 1.10")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
