"""Template figures: matrix size, matrix wall time, bake-to-green time of one project.

    .venv/bin/python bench/bake.py                      # all three figures
    .venv/bin/python bench/bake.py --skip-matrix        # only bake-to-green (about a minute)
    .venv/bin/python bench/bake.py --iac cdk --blueprint approval --fresh-venv
    .venv/bin/python bench/bake.py --skip-matrix --iac cdk --runtime nodejs22.x --blueprint triage

*Matrix wall time* runs the template tests (``pytest tests/templates -n <workers>``) and reports the
wall time and pytest's summary. *Bake-to-green* bakes one project with cookiecutter's API and runs
its ``make test`` three times (first run; dependencies installed but tool caches cleared; caches
warm) and ``make validate`` with this repository's environment (``PYTHON=``), or, with
``--fresh-venv``, lets the project create its own ``.venv`` from PyPI as a user would. By default it
does so for a Python (python3.13) and a TypeScript (nodejs22.x) project in one run and prints the
TypeScript/Python ratio (target: at most 1.5x).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.templates.conftest import bake, find_interpreter  # noqa: E402  (the same as the matrix)

TEMPLATE = ROOT / "templates"
NODE_BIN = ROOT / "node_modules" / ".bin"
#: Tool caches a generated project keeps (removed before the "deps installed" figure).
CACHES = ("node_modules/.cache", ".mypy_cache", ".ruff_cache", ".pytest_cache")


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(NODE_BIN), str(ROOT / ".venv-sam" / "bin"), env.get("PATH", "")])
    env.setdefault("JSII_NODE", str(NODE_BIN / "node"))
    env["JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"] = "1"
    env["SAM_CLI_TELEMETRY"] = "0"
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    return env


def matrix_size() -> tuple[int, str]:
    context = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    iacs, runtimes, blueprints = context["iac"], context["runtime"], context["blueprint"]
    size = len(iacs) * len(runtimes) * len(blueprints)
    return size, f"{len(iacs)} IaC x {len(runtimes)} runtimes x {len(blueprints)} blueprints"


def matrix_wall_time(workers: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/templates", "-q", "-n", workers, "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    summary = next(
        (line for line in reversed(proc.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)),
        f"pytest exited {proc.returncode}",
    )
    return elapsed, summary.strip("= ")


#: CPU seconds (user + sys) of each figure's processes, by the figure's label (see :func:`timed`).
CPU: dict[str, float] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, args: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of ``args``; its CPU seconds (every process it waited for) go to :data:`CPU`.

    On a shared machine the wall time depends on the others' load; the CPU time much less.
    """
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    CPU[label] = _children_cpu() - cpu
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed


def bake_to_green(iac: str, runtime: str, blueprint: str, *, fresh_venv: bool) -> dict[str, float]:
    env = environment()
    interpreter = find_interpreter(runtime) if runtime.startswith("python") else None
    if interpreter is not None:  # sam build runs the runtime's interpreter
        env["PATH"] = os.pathsep.join([str(interpreter.parent), env["PATH"]])
    overrides = [] if fresh_venv else [f"PYTHON={sys.executable}"]
    if iac == "cdk" and runtime.startswith("python"):  # a TypeScript CDK project has its own CLI
        overrides.append(f"CDK={NODE_BIN / 'cdk'}")
    if iac == "sam":
        overrides.append(f"SAM={ROOT / '.venv-sam' / 'bin' / 'sam'}")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        project = bake(Path(tmp), iac=iac, runtime=runtime, blueprint=blueprint)  # as the matrix bakes
        figures = {"bake": time.perf_counter() - start}
        figures["make test"] = timed("make test", ["make", "test", *overrides], project, env)
        cpu = {"make test": CPU["make test"]}
        # Again, with everything installed (.venv / node_modules) but no tool cache: a clean checkout's
        # `make test` once its dependencies are in (what the TypeScript target compares).
        for cache in CACHES:
            shutil.rmtree(project / cache, ignore_errors=True)
        figures["make test, deps installed"] = timed("make test", ["make", "test", *overrides], project, env)
        cpu["make test, deps installed"] = CPU["make test"]
        # And once more with the tools' caches warm (tsc incremental, ESLint/ruff/mypy caches): the
        # edit-test loop after a change to one file.
        figures["make test, warm caches"] = timed("make test", ["make", "test", *overrides], project, env)
        cpu["make test, warm caches"] = CPU["make test"]
        figures["make validate"] = timed("make validate", ["make", "validate", *overrides], project, env)
    figures["total"] = sum(v for k, v in figures.items() if k in ("bake", "make test", "make validate"))
    figures.update({f"{k} (CPU)": v for k, v in cpu.items()})
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iac", default="sam")
    parser.add_argument(
        "--runtime",
        action="append",
        help="repeatable; default: python3.13 and nodejs22.x, with the TypeScript/Python ratio",
    )
    parser.add_argument("--blueprint", default="approval")
    parser.add_argument("--workers", default="auto", help="pytest-xdist workers for the matrix (-n)")
    parser.add_argument("--skip-matrix", action="store_true", help="only the bake-to-green figure")
    parser.add_argument("--fresh-venv", action="store_true", help="let the project create its own .venv")
    args = parser.parse_args()

    size, shape = matrix_size()
    print(f"matrix size: {size} projects ({shape})")
    if not args.skip_matrix:
        elapsed, summary = matrix_wall_time(args.workers)
        cpus = os.cpu_count()
        print(f"matrix wall time: {elapsed:.0f} s with -n {args.workers} on {cpus} CPUs ({summary})")
    env_kind = "fresh .venv from PyPI" if args.fresh_venv else "shared environment"
    results = {}
    for runtime in args.runtime or ["python3.13", "nodejs22.x"]:
        figures = bake_to_green(args.iac, runtime, args.blueprint, fresh_venv=args.fresh_venv)
        results[runtime] = figures
        detail = ", ".join(f"{k} {v:.1f} s" for k, v in figures.items() if k != "total")
        print(
            f"bake-to-green ({args.iac}, {runtime}, {args.blueprint}; {env_kind}): "
            f"{figures['total']:.1f} s ({detail})"
        )
    python = next((f for r, f in results.items() if r.startswith("python")), None)
    node = next((f for r, f in results.items() if r.startswith("nodejs")), None)
    if python and node:
        for key in ("make test, deps installed", "make test, warm caches"):
            print(
                f"TypeScript / Python, {key}: {node[key] / python[key]:.2f}x (target <= 1.5x); "
                f"CPU (user + sys) {node[key + ' (CPU)']:.1f} s / {python[key + ' (CPU)']:.1f} s"
            )


if __name__ == "__main__":
    main()
