"""Release figures: wheel size and the wheel -> fresh venv -> ``cdk-durable new`` -> ``make test`` path.

    .venv/bin/python bench/release.py                 # build, install, then one project per IaC kind
    .venv/bin/python bench/release.py --combos 1      # only the first combination

The same steps as ``tests/packaging/test_package.py`` (a copy of the checkout, ``python -m build``,
a fresh venv with the wheel, ``cdk-durable new``, each project's own ``make test`` creating its own
``.venv`` from the package index), timed one by one. pip's and npm's caches are whatever this
machine has: run it twice for the warm-cache figure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.packaging.test_package import WHEEL_COMBOS, _copy_of_checkout, clean_env  # noqa: E402


def timed(label: str, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    print(f"  {label}: {elapsed:.1f} s", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--combos", type=int, default=len(WHEEL_COMBOS), help="how many combinations")
    args = parser.parse_args()
    total = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clone = _copy_of_checkout(work / "cdk-durable")
        dist = work / "dist"
        timed(
            "python -m build (sdist + wheel)",
            [sys.executable, "-m", "build", "--outdir", str(dist), str(clone)],
            clone,
        )
        (wheel,) = dist.glob("*.whl")
        (sdist,) = dist.glob("*.tar.gz")
        kib = {path: f"{path.stat().st_size / 1024:.0f} KiB" for path in (wheel, sdist)}
        print(f"wheel size: {kib[wheel]} ({wheel.name}); sdist {kib[sdist]}")
        venv = work / "venv"
        env = clean_env([venv / "bin"])
        timed("fresh venv", [sys.executable, "-m", "venv", str(venv)], work)
        timed("pip install <wheel>", [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], work, env)
        for iac, runtime, blueprint in WHEEL_COMBOS[: args.combos]:
            out = work / f"{iac}-{runtime}"
            new = [str(venv / "bin" / "cdk-durable"), "new", "--no-input", "-o", str(out)]
            timed(
                f"cdk-durable new {iac} {runtime} {blueprint}",
                [*new, f"iac={iac}", f"runtime={runtime}", f"blueprint={blueprint}"],
                work,
                env,
            )
            timed(
                f"make test ({iac}, {runtime}; creates its own .venv / node_modules)",
                ["make", "test"],
                out / "durable-workflow",
                env,
            )
    print(f"wheel -> venv -> new -> make test: {time.perf_counter() - total:.0f} s in all")


if __name__ == "__main__":
    main()
