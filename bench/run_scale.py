#!/usr/bin/env python3
"""``cdk-durable run`` against the testing SDK's own runner on a 640-operation workflow.

    .venv/bin/python bench/run_scale.py [--waits 40] [--steps 15] [--repeat 3]

The workflow (``bench/handlers/scale.py``: 600 steps in 40 waits by default) runs, in this one
process, (a) on ``DurableFunctionTestRunner.run`` alone, the floor, and (b) through
``cdk_durable.local_run.run_handler`` as ``cdk-durable run`` does it: the handler in a worker
process, the history followed live from markers, every event folded and rendered; and (c) the
same loop with the handler in process (no worker), to split the cost. Prints the median wall time
of each, the ratio (a)/(b) (target <= 2x) and the history size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cdk_durable.local_run import FunctionSpec, format_change, load_handler, run_handler  # noqa: E402

HANDLER = ROOT / "bench" / "handlers" / "scale.py"


def sdk_runner(event: dict, handler) -> float:
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

    started = time.perf_counter()
    with DurableFunctionTestRunner(handler=handler, skip_time=True) as runner:
        result = runner.run(input=json.dumps(event), execution_timeout=3600)
    assert result.status.name == "SUCCEEDED", result.status
    return time.perf_counter() - started


def local_run(event: dict, handler=None) -> tuple[float, int, int]:
    """``run_handler`` on the worker path (``handler=None``, what the command does) or in process."""
    lines: list[str] = []

    def on_event(operation, builder) -> None:
        line = format_change(operation, builder)
        if line is not None:
            lines.append(line)

    target = handler if handler is not None else FunctionSpec(name="scale", handler=f"{HANDLER}:handler")
    started = time.perf_counter()
    report = run_handler(target, event, on_event=on_event)
    elapsed = time.perf_counter() - started
    assert report.status == "SUCCEEDED", report.status
    return elapsed, len(report.events), len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waits", type=int, default=40)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    event = {"waits": args.waits, "steps": args.steps}
    handler = load_handler(f"{HANDLER}:handler")
    sdk = [sdk_runner(event, handler) for _ in range(args.repeat)]
    runs = [local_run(event) for _ in range(args.repeat)]
    in_process = [local_run(event, handler)[0] for _ in range(args.repeat)]
    sdk_median = statistics.median(sdk)
    run_median = statistics.median(r[0] for r in runs)
    operations = args.waits * (args.steps + 1)
    print(
        f"workflow: {args.waits} waits x {args.steps} steps = {operations} operations, "
        f"{args.waits + 1} invocations, {runs[0][1]} history events"
    )
    print(f"median of {args.repeat} (wall seconds)")
    print(f"  testing SDK runner (run, in process)    {sdk_median:8.2f}")
    print(f"  cdk-durable run (worker, live history)  {run_median:8.2f}   ({runs[0][2]} lines shown)")
    print(f"  run_handler in process (no worker)      {statistics.median(in_process):8.2f}")
    print(f"ratio run / SDK runner: {run_median / sdk_median:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
