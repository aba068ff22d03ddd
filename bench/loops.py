"""The contributor loops' figures: wall and CPU time of ``make check`` (or another make target).

    .venv/bin/python bench/loops.py                      # make check, 3 times
    .venv/bin/python bench/loops.py --repeat 1 --target test
    .venv/bin/python bench/loops.py --workers 2 3 4      # make check with PYTEST_WORKERS=2, 3, 4

Prints one line a run: the load average before it (other work on the machine inflates the figures),
wall seconds, CPU seconds (user + system of every process the target ran), and pytest's summary
line. Run it on a warm checkout (``make setup`` and one ``make check`` before), on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^=*\s*(\d+ passed.*?)\s*=*$", re.MULTILINE)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(target: str, workers: int | None) -> tuple[float, float, float, str]:
    env = dict(os.environ)
    if workers is not None:
        env["PYTEST_WORKERS"] = str(workers)
    load = os.getloadavg()[0]
    cpu_before, started = _children_cpu(), time.monotonic()
    proc = subprocess.run(
        ["make", "-s", target], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    wall, cpu = time.monotonic() - started, _children_cpu() - cpu_before
    found = SUMMARY.findall(proc.stdout)
    summary = found[-1] if found else f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    return load, wall, cpu, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default="check", help="make target (default: check)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting (default: 3)")
    parser.add_argument("--workers", type=int, nargs="*", default=[], help="PYTEST_WORKERS values to compare")
    args = parser.parse_args()
    for workers in args.workers or [None]:
        label = f"make {args.target}" + (f" PYTEST_WORKERS={workers}" if workers is not None else "")
        for _ in range(args.repeat):
            load, wall, cpu, summary = run_once(args.target, workers)
            print(
                f"{label}: load {load:.1f}, wall {wall:.1f} s, CPU {cpu:.1f} s ({cpu / wall:.0%}); {summary}"
            )


if __name__ == "__main__":
    main()
