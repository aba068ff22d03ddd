"""How fast `cdk-durable diagnose` reads and explains a history, and how long the fixtures take to record.

Prints figures; asserts nothing. Run: `.venv/bin/python bench/diagnose_speed.py`

1. Analysis throughput on a history at the per-execution quota (3,000 operations): the recorded
   `succeeded` history with its `ship` step repeated (StepStarted + StepSucceeded per copy).
2. End-to-end CLI time (`cdk-durable diagnose FILE`, a new Python process) on a recorded fixture.
3. Time to record each fixture scenario on the testing SDK's emulator (tests/diagnose/make_fixtures.py).
"""

from __future__ import annotations

import copy
import json
import logging
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cdk_durable import platform as p  # noqa: E402
from cdk_durable.diagnose import diagnose_history, render_text, to_json_dict  # noqa: E402

FIXTURES = ROOT / "tests" / "diagnose" / "fixtures"


def big_history(operations: int) -> dict:
    history = json.loads((FIXTURES / "succeeded.history.json").read_text())
    events = history["Events"]
    started = next(e for e in events if e["EventType"] == "StepStarted" and e["Name"] == "ship")
    succeeded = next(e for e in events if e["EventType"] == "StepSucceeded" and e["Name"] == "ship")
    at = events.index(succeeded) + 1
    copies = []
    for i in range(operations - 8):
        for template in (started, succeeded):
            event = copy.deepcopy(template)
            event["Id"], event["Name"] = f"item-{i}", f"item-{i}"
            copies.append(event)
    history["Events"] = events[:at] + copies + events[at:]
    return history


def time_it(func, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    now = datetime.now(UTC)
    history = big_history(p.MAX_OPERATIONS_PER_EXECUTION)
    events = len(history["Events"])
    analyze = time_it(lambda: diagnose_history(history, now=now))
    diagnosis = diagnose_history(history, now=now)
    text = time_it(lambda: render_text(diagnosis))
    as_json = time_it(lambda: json.dumps(to_json_dict(diagnosis)))
    print(f"history at the quota: {len(diagnosis.timeline):,} operations, {events:,} events")
    print(f"  parse + analyze   {analyze * 1000:7.1f} ms  ({events / analyze:,.0f} events/s)")
    print(f"  render text       {text * 1000:7.1f} ms")
    print(f"  render json       {as_json * 1000:7.1f} ms")

    cli = ROOT / ".venv" / "bin" / "cdk-durable"
    fixture = FIXTURES / "callback_pending.history.json"
    wall = time_it(
        lambda: subprocess.run([str(cli), "diagnose", str(fixture)], check=True, capture_output=True), 3
    )
    print(f"cdk-durable diagnose {fixture.name} (new process): {wall * 1000:.0f} ms (median of 3)")

    logging.disable(logging.CRITICAL)
    from tests.diagnose import make_fixtures

    print("recording fixtures on the emulator:")
    total = 0.0
    for name, scenario in make_fixtures.SCENARIOS.items():
        start = time.perf_counter()
        scenario()
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"  {name:<26} {elapsed:5.2f} s")
    print(f"  {'total':<26} {total:5.2f} s")


if __name__ == "__main__":
    main()
