"""Generated SAM and CloudFormation projects: the durable rules find nothing, and ``make validate``
runs them (``cfn-lint template.yaml -a cdk_durable.cfn_lint``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ..templates.conftest import PYTHON, bake
from ._lint import durable_findings

#: Bakes projects and runs cfn-lint / their `make validate`: `make test` only.
pytestmark = pytest.mark.slow

COMBOS = [
    ("sam", "python3.13", "hello"),
    ("sam", "python3.13", "approval"),
    ("sam", "nodejs22.x", "triage"),
    ("cloudformation", "python3.13", "approval"),
    ("cloudformation", "nodejs22.x", "saga"),
]


@pytest.mark.parametrize("combo", COMBOS, ids="-".join)
def test_generated_template_has_no_durable_finding(tmp_path: Path, combo: tuple[str, str, str]) -> None:
    iac, runtime, blueprint = combo
    project = bake(tmp_path, iac=iac, runtime=runtime, blueprint=blueprint)

    assert durable_findings(project / "template.yaml") == set()


@pytest.mark.parametrize(
    ("iac", "runtime"),
    [
        ("cloudformation", "python3.13"),
        ("cloudformation", "nodejs22.x"),
        ("sam", "python3.13"),
        ("sam", "nodejs22.x"),
    ],
)
def test_generated_makefile_validate_runs_the_plugin(tmp_path: Path, iac: str, runtime: str) -> None:
    project = bake(tmp_path, iac=iac, runtime=runtime, blueprint="hello")

    # -n: the commands make would run, as the user's `make validate` runs them (with the SAM CLI,
    # which the SAM recipe checks for, on PATH).
    sam_bin = Path(__file__).resolve().parents[2] / ".venv-sam" / "bin"
    proc = subprocess.run(
        ["make", "-n", "validate", f"PYTHON={PYTHON}", f"SAM={sam_bin / 'sam'}"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )

    assert f"{PYTHON.parent}/cfn-lint template.yaml -a cdk_durable.cfn_lint" in proc.stdout


def test_generated_cloudformation_make_validate_passes(tmp_path: Path) -> None:
    project = bake(tmp_path, iac="cloudformation", runtime="python3.13", blueprint="approval")

    proc = subprocess.run(
        ["make", "validate", f"PYTHON={PYTHON}"], cwd=project, capture_output=True, text=True, check=False
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cdk_durable.cfn_lint" in proc.stdout


def test_generated_cloudformation_make_validate_in_its_own_environment(tmp_path: Path) -> None:
    # The path a user takes: no PYTHON override, `make validate` creates .venv from requirements-dev.txt.
    project = bake(tmp_path, iac="cloudformation", runtime="nodejs22.x", blueprint="hello")

    proc = subprocess.run(["make", "validate"], cwd=project, capture_output=True, text=True, check=False)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ".venv/bin/cfn-lint template.yaml -a cdk_durable.cfn_lint" in proc.stdout
    assert (project / ".venv" / "bin" / "cfn-lint").exists()
