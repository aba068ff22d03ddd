"""TypeScript template figures: one project's steps timed, and the TypeScript matrix wall time.

    .venv/bin/python bench/templates_typescript.py                    # one project, then the matrix
    .venv/bin/python bench/templates_typescript.py --skip-matrix      # one project only (~1 minute)
    .venv/bin/python bench/templates_typescript.py --iac cdk --blueprint triage --runtime nodejs24.x

*One project*: bake with cookiecutter's API, then time each step of the generated project as a
user runs it: ``npm ci`` with a cold npm cache (a fresh temporary one) and with the warm shared
cache (``npm_config_cache``, default ``~/.npm``), ``tsc --noEmit``, the tests (vitest), ESLint,
the esbuild bundle, and ``make validate`` (the IaC checks). *Matrix*: ``pytest tests/templates -k
nodejs`` (every IaC x nodejs runtime x blueprint), its wall time and pytest's summary line.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

from cdk_durable.new import hook_scripts_removed

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates"
NODE_BIN = ROOT / "node_modules" / ".bin"


def environment(npm_cache: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(NODE_BIN), str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("JSII_NODE", str(NODE_BIN / "node"))
    env.update(
        JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION="1",
        SAM_CLI_TELEMETRY="0",
        CDK_DISABLE_CLI_TELEMETRY="true",
        npm_config_cache=npm_cache,
        npm_config_audit="false",
        npm_config_fund="false",
    )
    return env


def timed(label: str, args: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    print(f"  {label:<34} {elapsed:6.1f} s")
    return elapsed


def one_project(iac: str, runtime: str, blueprint: str) -> None:
    shared_cache = os.environ.get("npm_config_cache") or str(Path.home() / ".npm")  # noqa: SIM112 (npm's own spelling)
    env = environment(shared_cache)
    iac_tools = [f"PYTHON={sys.executable}", f"CDK={NODE_BIN / 'cdk'}"]
    sam = ROOT / ".venv-sam" / "bin" / "sam"
    if sam.exists():
        iac_tools.append(f"SAM={sam}")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with hook_scripts_removed():  # cookiecutter leaves its rendered hooks in the temp dir
            project = Path(
                cookiecutter(
                    str(TEMPLATE),
                    no_input=True,
                    output_dir=tmp,
                    extra_context={"iac": iac, "runtime": runtime, "blueprint": blueprint},
                    default_config=True,
                )
            )
        print(f"{iac} / {runtime} / {blueprint}: baked in {time.perf_counter() - start:.1f} s")
        with tempfile.TemporaryDirectory() as cold_cache:
            timed("npm ci (cold npm cache)", ["npm", "ci"], project, environment(cold_cache))
        shutil.rmtree(project / "node_modules")
        total = timed("npm ci (warm shared cache)", ["npm", "ci", "--prefer-offline"], project, env)
        total += timed("tsc --noEmit", ["npm", "run", "--silent", "typecheck"], project, env)
        total += timed("tests (vitest)", ["npm", "test"], project, env)
        total += timed("eslint (type-aware)", ["npm", "run", "--silent", "lint"], project, env)
        total += timed("esbuild bundle", ["npm", "run", "--silent", "build"], project, env)
        total += timed("make validate", ["make", "validate", *iac_tools], project, env)
        print(f"  {'bake-to-green (warm cache)':<34} {total:6.1f} s")


def matrix(workers: int) -> None:
    args = [sys.executable, "-m", "pytest", str(ROOT / "tests" / "templates"), "-k", "nodejs", "-q"]
    if workers > 1:
        args += ["-n", str(workers)]
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    summary = next(
        (line for line in reversed(proc.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)), ""
    )
    print(f"TypeScript matrix ({workers} worker(s)): {elapsed:.0f} s wall, {summary.strip('= ')}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iac", default="sam", choices=["sam", "cloudformation", "cdk"])
    parser.add_argument("--runtime", default="nodejs22.x", choices=["nodejs22.x", "nodejs24.x"])
    parser.add_argument("--blueprint", default="approval")
    parser.add_argument("--skip-matrix", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="pytest-xdist workers for the matrix")
    options = parser.parse_args()
    one_project(options.iac, options.runtime, options.blueprint)
    if not options.skip_matrix:
        matrix(options.workers)


if __name__ == "__main__":
    main()
