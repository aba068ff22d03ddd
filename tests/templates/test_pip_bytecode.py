"""How a generated project's Makefile runs pip: without compiling everything it installs.

Python compiles a module on its first import, so ``--no-compile`` leaves out only the bytecode of
modules nothing imports (most of aws-cdk-lib's ~700), and keeps the build interpreter's bytecode
out of the Lambda package. With ``PYTHONDONTWRITEBYTECODE`` set, imports write no bytecode, so pip
compiles as it does by default. ``make -n`` prints the recipes without running them.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import bake

#: (runtime, target, its pip commands): the .venv (pip itself, then the requirements), + the Lambda package
RECIPES = [("python3.13", "build", 3), ("nodejs22.x", "setup", 2)]


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # CloudFormation + Python: the .venv and the Lambda package (make build); TypeScript: its .venv
    return {
        runtime: bake(tmp_path_factory.mktemp(runtime), iac="cloudformation", runtime=runtime)
        for runtime in ("python3.13", "nodejs22.x")
    }


def pip_lines(project: Path, target: str, **env: str) -> list[str]:
    shell = {"HOME": os.environ.get("HOME", "/root"), "PATH": "/usr/local/bin:/usr/bin:/bin", **env}
    proc = subprocess.run(
        ["make", "-n", target], cwd=project, env=shell, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if "pip install" in line]


@pytest.mark.parametrize(("runtime", "target", "count"), RECIPES)
def test_pip_installs_without_compiling_by_default(projects, runtime, target, count):
    lines = pip_lines(projects[runtime], target)

    assert len(lines) == count
    assert all("--no-compile" in line for line in lines), lines


@pytest.mark.parametrize(("runtime", "target", "count"), RECIPES)
def test_with_pythondontwritebytecode_pip_compiles_as_by_default(projects, runtime, target, count):
    lines = pip_lines(projects[runtime], target, PYTHONDONTWRITEBYTECODE="1")

    assert len(lines) == count
    assert not [line for line in lines if "--no-compile" in line]
