#!/usr/bin/env python3
"""How long ``cdk-durable run`` takes for the demo's three scenarios, by history poll interval.

    .venv/bin/python bench/local_run.py [--repeat N]

Prints the median wall time per scenario (and in total) for the runner's default poll interval
(``DEFAULT_POLL_INTERVAL``) and for the testing SDK's own default of 1 s, with the number of
callbacks each scenario answers. No output from the handler is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cdk_durable.local_run import DEFAULT_POLL_INTERVAL, load_answers, load_event, load_handler, run_handler  # noqa: E402
from demo.scenarios import HANDLER, SCENARIOS  # noqa: E402


def measure(poll_interval: float, repeat: int) -> dict[str, tuple[float, int]]:
    handler = load_handler(f"{HANDLER}:handler")
    results: dict[str, tuple[float, int]] = {}
    for scenario in SCENARIOS:
        times = []
        callbacks = 0
        for _ in range(repeat):
            started = time.perf_counter()
            report = run_handler(
                handler,
                load_event(f"@{scenario.event}"),
                answers=load_answers(scenario.answers),
                poll_interval=poll_interval,
            )
            times.append(time.perf_counter() - started)
            assert report.result["status"] == scenario.expected_status, report
            callbacks = len(report.answered)
        results[scenario.name] = (statistics.median(times), callbacks)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["TRIAGE_ANALYZER"] = "local"
    intervals = (DEFAULT_POLL_INTERVAL, 1.0)
    table = {interval: measure(interval, args.repeat) for interval in intervals}
    print(f"cdk-durable run, demo scenarios, median of {args.repeat} runs (wall seconds)")
    print(
        f"{'scenario':<12} {'callbacks':>9} "
        + " ".join(f"{'poll ' + format(i, 'g') + ' s':>14}" for i in intervals)
    )
    for scenario in SCENARIOS:
        callbacks = table[intervals[0]][scenario.name][1]
        cells = " ".join(f"{table[i][scenario.name][0]:>14.3f}" for i in intervals)
        print(f"{scenario.name:<12} {callbacks:>9} {cells}")
    totals = [sum(t for t, _ in table[i].values()) for i in intervals]
    print(f"{'total':<12} {'':>9} " + " ".join(f"{t:>14.3f}" for t in totals))
    print(f"speed-up with poll {intervals[0]:g} s: {totals[1] / totals[0]:.1f}x")


if __name__ == "__main__":
    main()
