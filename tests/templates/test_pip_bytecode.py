"""How a generated project's Makefile runs pip: its .venv without compiling everything installed.

Python compiles a module on its first import, so ``--no-compile`` leaves out only the bytecode of
modules nothing imports (most of aws-cdk-lib's ~700). With ``PYTHONDONTWRITEBYTECODE`` set, imports
write no bytecode, so pip compiles as it does by default. The Lambda package (``make build``,
``--target .build/function``) is installed as pip does by default: its bytecode serves the cold
start when the build interpreter is the runtime's version. ``make -n`` prints the recipes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import bake


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    # CloudFormation + Python: the .venv and the Lambda package (make build); TypeScript: its .venv
    return {
        runtime: bake(tmp_path_factory.mktemp(runtime), iac="cloudformation", runtime=runtime)
        for runtime in ("python3.13", "nodejs22.x")
    }


def pip_lines(project: Path, target: str, **env: str) -> tuple[list[str], list[str]]:
    """The recipe's pip commands: (into .venv, into the Lambda package)."""
    shell = {"HOME": os.environ.get("HOME", "/root"), "PATH": "/usr/local/bin:/usr/bin:/bin", **env}
    proc = subprocess.run(
        ["make", "-n", target], cwd=project, env=shell, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if "pip install" in line]
    return [x for x in lines if "--target" not in x], [x for x in lines if "--target" in x]


@pytest.mark.parametrize(
    ("runtime", "target", "package"), [("python3.13", "build", 1), ("nodejs22.x", "setup", 0)]
)
def test_the_venv_installs_without_compiling_and_the_lambda_package_as_pip_does(
    projects, runtime, target, package
):
    venv, lambda_package = pip_lines(projects[runtime], target)

    assert len(venv) == 2  # pip itself, then requirements-dev.txt
    assert all("--no-compile" in line for line in venv), venv
    assert len(lambda_package) == package
    assert not [line for line in lambda_package if "--no-compile" in line]


@pytest.mark.parametrize(("runtime", "target"), [("python3.13", "build"), ("nodejs22.x", "setup")])
def test_with_pythondontwritebytecode_pip_compiles_as_by_default(projects, runtime, target):
    venv, lambda_package = pip_lines(projects[runtime], target, PYTHONDONTWRITEBYTECODE="1")

    assert len(venv) == 2
    assert not [line for line in venv + lambda_package if "--no-compile" in line]
