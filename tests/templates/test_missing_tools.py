"""A generated project's make targets name a missing tool in one line instead of "command not found".

Each case runs ``make`` with a PATH that lacks the tool (an empty directory, plus what the case
needs), then its sibling with the tool present, where the same target gets past the check
(``make -n``: print the recipe without running it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import NODE_BIN, PYTHON, ROOT, bake

MAKE = "/usr/bin/make"


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory):
    cache: dict[tuple[str, str], Path] = {}

    def get(iac: str, runtime: str) -> Path:
        if (iac, runtime) not in cache:
            cache[(iac, runtime)] = bake(
                tmp_path_factory.mktemp(f"{iac}-{runtime}"), iac=iac, runtime=runtime
            )
        return cache[(iac, runtime)]

    return get


def make(project: Path, path: list[Path], *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": os.environ.get("HOME", "/root"), "PATH": os.pathsep.join(map(str, path))}
    return subprocess.run([MAKE, *args], cwd=project, env=env, capture_output=True, text=True, check=False)


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0
    lines = (proc.stdout + proc.stderr).splitlines()
    assert len(lines) == 1, lines
    assert "command not found" not in lines[0]
    return lines[0]


SAM_LINE = "sam not found: install the AWS SAM CLI (https://docs.aws.amazon.com/serverless-application-model"
NODE_LINE = "node not found: install Node.js 22 or later (https://nodejs.org/en/download)"


def test_sam_validate_without_the_sam_cli(projects, tmp_path):
    # (PYTHON= given: the IaC tools' environment exists, only the SAM CLI is missing)
    line = one_line(make(projects("sam", "python3.13"), [tmp_path], "validate", f"PYTHON={PYTHON}"))

    assert SAM_LINE in line and "or set SAM=/path/to/sam" in line


def test_sam_validate_with_the_sam_cli_gets_past_the_check(projects):
    proc = make(
        projects("sam", "python3.13"),
        [ROOT / ".venv-sam" / "bin", Path("/usr/bin"), Path("/bin")],
        "-n",
        "validate",
        f"PYTHON={PYTHON}",
    )

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:3] == [
        "sam validate --lint",
        f"{PYTHON.parent}/cfn-lint template.yaml -a cdk_durable.cfn_lint",
        "sam build",
    ]


def test_cdk_validate_without_node(projects, tmp_path):
    project = projects("cdk", "python3.13")

    line = one_line(make(project, [tmp_path], "validate", f"PYTHON={PYTHON}"))

    assert NODE_LINE in line


def test_cdk_validate_with_node_gets_past_the_check(projects):
    project = projects("cdk", "python3.13")

    proc = make(
        project,
        [NODE_BIN, Path("/usr/bin"), Path("/bin")],
        "-n",
        "validate",
        f"PYTHON={PYTHON}",
        f"CDK={NODE_BIN / 'cdk'}",
    )

    assert proc.returncode == 0, proc.stderr
    assert f"{NODE_BIN / 'cdk'} synth --quiet" in proc.stdout


def test_typescript_test_without_node(projects, tmp_path):
    line = one_line(make(projects("sam", "nodejs22.x"), [tmp_path], "test"))

    assert NODE_LINE in line


def test_typescript_test_without_npm(projects, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").symlink_to(NODE_BIN / "node")

    line = one_line(make(projects("sam", "nodejs22.x"), [bin_dir], "test"))

    assert "npm not found: install Node.js 22 or later with npm" in line and "or set NPM=/path/to/npm" in line


def test_typescript_test_with_node_and_npm_gets_past_the_check(projects):
    proc = make(projects("sam", "nodejs22.x"), [NODE_BIN, Path("/usr/bin"), Path("/bin")], "-n", "test")

    assert proc.returncode == 0, proc.stderr
    assert "npm ci --no-audit --no-fund" in proc.stdout


def test_creating_the_venv_without_python3(projects, tmp_path):
    line = one_line(make(projects("sam", "python3.13"), [tmp_path], "test"))

    assert "python3 not found: install Python 3.11 or later" in line


def test_cloudformation_deploy_without_the_aws_cli(projects, tmp_path):
    line = one_line(make(projects("cloudformation", "python3.13"), [tmp_path], "deploy"))

    assert "aws not found: install the AWS CLI" in line and "or set AWS=/path/to/aws" in line
