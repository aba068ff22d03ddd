#!/usr/bin/env python3
"""The cost of OpenTelemetry tracing in ``cdk-durable run``: cold start and time per invocation.

    .venv/bin/python bench/run_tracing.py [--repeat N]

Three modes on ``tests/cli/handlers/traced.py`` (a step, a 30 s wait that ends the first invocation,
a step: two invocations): no plugin; ``DURABLE_EXECUTION_PLUGINS=otel-invocation`` (the plugin loads,
no provider: spans go to OpenTelemetry's no-op tracer, as on Lambda without a layer); and the plugin
with ``--traces`` (an SDK TracerProvider exporting every span, as with a layer). Prints the median of
N for: the cold start (a fresh interpreter importing the handler, which is when the SDK loads the
plugins) and the whole run divided by its invocations.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = ROOT / "tests" / "cli" / "handlers"
sys.path.insert(0, str(ROOT))

from cdk_durable.local_run.cli import run_from_options  # noqa: E402

MODES = {
    "no plugin": ({}, False),
    "otel-invocation": ({"DURABLE_EXECUTION_PLUGINS": "otel-invocation"}, False),
    "otel-invocation + --traces": ({"DURABLE_EXECUTION_PLUGINS": "otel-invocation"}, True),
}
_IMPORT = (
    "import time, sys; t = time.perf_counter();"
    "from cdk_durable.local_run.traces import install_in_worker; install_in_worker();"
    "sys.path.insert(0, {handlers!r}); import traced;"
    "print(time.perf_counter() - t)"
)


def cold_start(env: dict[str, str], traces: bool) -> float:
    with tempfile.TemporaryDirectory() as spans:
        extra = {**env, **({"CDK_DURABLE_TRACES_DIR": spans} if traces else {})}
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT.format(handlers=str(HANDLERS))],
            env={**os.environ, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
    return float(out.stdout.strip())


def per_invocation(env: dict[str, str], traces: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = run_from_options(
            f"{HANDLERS}/traced.py:handler",
            '{"id": "o-1"}',
            env=[f"{k}={v}" for k, v in env.items()],
            traces_file=str(Path(tmp) / "t.json") if traces else None,
            echo=lambda _line: None,
        )
        elapsed = time.perf_counter() - started
    assert report.status == "SUCCEEDED"
    return elapsed / report.history.invocations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    # Modes are interleaved in each round so that load from elsewhere on the machine hits all alike;
    # the minimum is the least disturbed figure, the median the typical one.
    cold: dict[str, list[float]] = {name: [] for name in MODES}
    inv: dict[str, list[float]] = {name: [] for name in MODES}
    for _ in range(args.repeat):
        for name, (env, traces) in MODES.items():
            cold[name].append(cold_start(env, traces))
            inv[name].append(per_invocation(env, traces))
    print(f"{args.repeat} rounds, modes interleaved; tests/cli/handlers/traced.py (2 invocations per run)\n")
    print(f"{'mode':<28} {'cold start min / median':>24} {'run per invocation min / median':>32}")
    for name in MODES:
        c, i = cold[name], inv[name]
        print(
            f"{name:<28} {min(c) * 1000:>10.0f} / {statistics.median(c) * 1000:>6.0f} ms"
            f" {min(i) * 1000:>18.0f} / {statistics.median(i) * 1000:>6.0f} ms"
        )


if __name__ == "__main__":
    main()
