"""What the generated projects' integration test (``make integration``) adds to their ``make test``.

    .venv/bin/python bench/integration_test.py                       # the default eight projects
    .venv/bin/python bench/integration_test.py --repeat 3 sam/python3.13/approval cdk/nodejs22.x/hello

Per project (``iac/runtime/blueprint``): bake with cookiecutter's API, install its dependencies
(``make unit lint`` with this repository's environment, ``PYTHON=``; a TypeScript project's
``npm ci`` once per lockfile), then time ``make integration`` ``--repeat`` times and print the
median: the preparation the test needs (CloudFormation ``make build``, CDK ``cdk synth``), the
service's start, the workflow driven through the AWS SDK and the stop. Wall time on this machine;
the load average is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.templates.conftest import NODE_BIN, NodeModules, bake, npm_env, run  # noqa: E402

DEFAULT = [
    f"{iac}/{runtime}/{blueprint}"
    for iac, runtime in [
        ("sam", "python3.13"),
        ("cloudformation", "nodejs22.x"),
        ("cdk", "python3.13"),
        ("cdk", "nodejs22.x"),
    ]
    for blueprint in ("approval", "hello")
]


def overrides(iac: str, runtime: str) -> list[str]:
    found = [f"PYTHON={sys.executable}"]
    if iac == "cdk" and runtime.startswith("python"):
        found.append(f"CDK={NODE_BIN / 'cdk'}")
    return found


def measure(combo: str, repeat: int, modules: NodeModules, tmp: Path) -> list[float]:
    iac, runtime, blueprint = combo.split("/")
    project = bake(tmp / combo.replace("/", "-"), iac=iac, runtime=runtime, blueprint=blueprint)
    env = npm_env()
    if runtime.startswith("nodejs"):
        modules.link(project)
        run(["make", "-j3", "typecheck", "vitest", "lint", *overrides(iac, runtime)], cwd=project, env=env)
    else:
        run(["make", "unit", "lint", *overrides(iac, runtime)], cwd=project, env=env)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(["make", "integration", *overrides(iac, runtime)], cwd=project, env=env)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("combos", nargs="*", default=DEFAULT, help="iac/runtime/blueprint")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    modules = NodeModules()
    print(f"{'project':40} {'make integration (median s)':>28}  runs  load")
    with tempfile.TemporaryDirectory() as tmp:
        for combo in args.combos:
            times = measure(combo, args.repeat, modules, Path(tmp))
            runs = " ".join(f"{t:.1f}" for t in times)
            load = os.getloadavg()[0]
            print(f"{combo:40} {statistics.median(times):28.1f}  {runs}  {load:.1f}", flush=True)


if __name__ == "__main__":
    main()
