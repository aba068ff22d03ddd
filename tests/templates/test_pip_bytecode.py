"""How a generated project's Makefile runs pip: its .venv without compiling everything installed.

Python compiles a module on its first import, so ``--no-compile`` leaves out only the bytecode of
modules nothing imports (most of aws-cdk-lib's ~700). With ``PYTHONDONTWRITEBYTECODE`` set, imports
write no bytecode, so pip compiles as it does by default. The Lambda package (``make build``,
``--target .build/function``) is byte-compiled only when the build interpreter is the runtime's
version: then its bytecode serves the cold start; Lambda ignores another version's bytecode, which
would only add megabytes. ``make -n`` prints the recipes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import bake, find_interpreter


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


@pytest.mark.parametrize(("runtime", "target"), [("python3.13", "build"), ("nodejs22.x", "setup")])
def test_the_venv_installs_without_compiling(projects, runtime, target):
    venv, _ = pip_lines(projects[runtime], target)

    assert len(venv) == 2  # pip itself, then requirements-dev.txt
    assert all("--no-compile" in line for line in venv), venv


#: (PYTHON=..., compiled?): the user's default (.venv's python, missing under ``make -n``), this
#: suite's Python (compiled only if it happens to be 3.13), and python3.13 itself (probed).
LAMBDA_PACKAGE_CASES = [
    pytest.param(None, False, id="default"),
    pytest.param(Path(sys.executable), sys.version_info[:2] == (3, 13), id="this-python"),
    pytest.param("python3.13", True, id="runtime-python"),
]


@pytest.mark.parametrize(("python", "compiled"), LAMBDA_PACKAGE_CASES)
def test_the_lambda_package_is_compiled_by_the_runtimes_python_only(projects, python, compiled):
    if python == "python3.13":
        python = find_interpreter("python3.13")
        if python is None:
            pytest.skip("python3.13 interpreter not installed: the runtime-version case not run")
    env = {} if python is None else {"PYTHON": str(python)}

    _, lambda_package = pip_lines(projects["python3.13"], "build", **env)

    assert len(lambda_package) == 1, lambda_package
    assert ("--no-compile" not in lambda_package[0]) == compiled, lambda_package


def test_a_typescript_project_has_no_python_lambda_package(projects):
    _, lambda_package = pip_lines(projects["nodejs22.x"], "setup")
    assert lambda_package == []


@pytest.mark.parametrize(("runtime", "target"), [("python3.13", "build"), ("nodejs22.x", "setup")])
def test_with_pythondontwritebytecode_pip_compiles_as_by_default(projects, runtime, target):
    venv, _ = pip_lines(projects[runtime], target, PYTHONDONTWRITEBYTECODE="1")

    assert len(venv) == 2
    assert not [line for line in venv if "--no-compile" in line]  # (the Lambda package: by version)
