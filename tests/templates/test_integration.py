"""Every generated project has an integration test on ``cdk-durable serve``, and ``make test`` runs it.

- Static, every IaC x runtime x blueprint (a bake and ``make -n``, no tool runs): the test files
  are there (Python ``tests/integration/test_serve.py``; TypeScript ``tests/integration/serve.test.ts``
  and its ``service.ts``), ``make test`` runs ``make integration``'s command once, and the unit tests'
  command leaves ``tests/integration`` out.
- For real, a subset with every blueprint and every IaC kind of each family at least once:
  ``make integration`` with this repository's environment (``PYTHON=``); the project's test starts
  the service on a free 127.0.0.1 port itself and drives it through boto3 / @aws-sdk/client-lambda.
  The un-overridden path (``make test`` creating the project's own ``.venv`` with
  ``cdk-durable[local]`` from the wheel) is ``tests/packaging``'s
  ``test_new_from_the_wheel_bakes_a_project_whose_make_test_passes``.
- A TypeScript project without python3 skips the integration test with one line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import (
    BLUEPRINTS,
    IACS,
    MANIFEST,
    NODE_BIN,
    PYTHON,
    RUNTIMES,
    NodeModules,
    bake,
    combo_id,
    npm_env,
    run,
    tool_env,
)

Combo = tuple[str, str, str]
ALL_COMBOS: list[Combo] = [(iac, rt, bp) for iac in IACS for rt in RUNTIMES for bp in BLUEPRINTS]
#: Run for real: each blueprint and each IaC kind of each family at least once (one service start each),
#: one CDK project per family (a synth is the dearest step).
INTEGRATION_COMBOS: list[Combo] = [
    ("sam", "python3.13", "hello"),
    ("sam", "python3.13", "fan-out"),
    ("cloudformation", "python3.13", "saga"),
    ("cloudformation", "python3.13", "triage"),
    ("cdk", "python3.13", "approval"),
    ("sam", "nodejs22.x", "hello"),
    ("sam", "nodejs22.x", "saga"),
    ("cloudformation", "nodejs22.x", "approval"),
    ("cloudformation", "nodejs22.x", "triage"),
    ("cdk", "nodejs22.x", "fan-out"),
]
INTEGRATION_FILES = {
    "python": ["tests/integration/test_serve.py"],
    "typescript": ["tests/integration/serve.test.ts", "tests/integration/service.ts"],
}
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def family(runtime: str) -> str:
    return str(MANIFEST["runtimes"][runtime]["family"])


def make_overrides(iac: str, runtime: str) -> list[str]:
    """This repository's environment, and its CDK CLI for a Python CDK app (TypeScript has its own)."""
    overrides = [f"PYTHON={PYTHON}"]
    if iac == "cdk" and family(runtime) == "python":
        overrides.append(f"CDK={NODE_BIN / 'cdk'}")
    return overrides


def test_the_subset_covers_every_blueprint_and_iac_kind_of_each_family() -> None:
    for name in {family(rt) for rt in RUNTIMES}:
        combos = [c for c in INTEGRATION_COMBOS if family(c[1]) == name]
        assert {c[0] for c in combos} == set(IACS), name
        assert {c[2] for c in combos} == set(BLUEPRINTS), name


@pytest.mark.slow  # bakes every combination
@pytest.mark.parametrize("combo", ALL_COMBOS, ids=combo_id)
def test_every_project_has_the_integration_test_and_make_test_runs_it(tmp_path: Path, combo: Combo) -> None:
    iac, runtime, blueprint = combo
    project = bake(tmp_path, iac=iac, runtime=runtime, blueprint=blueprint)

    for name in INTEGRATION_FILES[family(runtime)]:
        assert (project / name).is_file(), name
    # -n prints the recipes without running them; a recursive $(MAKE) runs with -n too
    dry_run = run(["make", "-n", "test", *make_overrides(iac, runtime)], cwd=project).stdout

    if family(runtime) == "python":
        assert dry_run.count(f"{PYTHON} -m pytest -q tests/integration") == 1
        assert f"{PYTHON} -m pytest -q --ignore=tests/integration" in dry_run
        test_text = (project / "tests" / "integration" / "test_serve.py").read_text()
        assert "(service)" in test_text, "the tests use the service fixture (tests/conftest.py)"
    else:
        assert dry_run.count("npm run --silent test:integration") == 1
        assert f"CDK_DURABLE={PYTHON.parent}/cdk-durable" in dry_run
        scripts = json.loads((project / "package.json").read_text())["scripts"]
        assert scripts["test:integration"] == "vitest run tests/integration"
        assert scripts["test"] == "vitest run --exclude 'tests/integration/**'"
    if iac == "cdk":
        assert "synth --quiet" in dry_run, "the test serves cdk.out: synthesized first"


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory, node_modules: NodeModules) -> dict[Combo, Path]:
    baked: dict[Combo, Path] = {}
    for combo in INTEGRATION_COMBOS:
        iac, runtime, blueprint = combo
        directory = tmp_path_factory.mktemp(combo_id(combo))
        baked[combo] = bake(directory, iac=iac, runtime=runtime, blueprint=blueprint)
    return baked


@pytest.mark.slow
@pytest.mark.parametrize("combo", INTEGRATION_COMBOS, ids=combo_id)
def test_the_integration_test_drives_the_workflow_on_serve(
    projects: dict[Combo, Path], node_modules: NodeModules, combo: Combo
) -> None:
    iac, runtime, _ = combo
    project = projects[combo]
    if family(runtime) == "typescript":
        node_modules.link(project)

    proc = run(["make", "integration", *make_overrides(iac, runtime)], cwd=project, env=npm_env())
    stdout = ANSI_ESCAPE.sub("", proc.stdout)

    if family(runtime) == "python":
        assert re.search(r"^(\d+) passed in ", stdout, re.MULTILINE), stdout
        assert "failed" not in stdout and "error" not in stdout
    else:
        assert "Test Files  1 passed (1)" in stdout
        assert re.search(r"Tests  (\d+) passed \(\1\)", stdout), "every integration test passed"
    assert "integration test skipped" not in stdout


@pytest.mark.slow
def test_a_typescript_project_without_python_skips_the_integration_test_with_a_note(
    projects: dict[Combo, Path], node_modules: NodeModules
) -> None:
    project = node_modules.link(projects[("sam", "nodejs22.x", "hello")])

    proc = run(["make", "integration", "PYTHON="], cwd=project, env={**tool_env(), **npm_env()})

    assert proc.stdout.count("integration test skipped: no python3") == 1
    assert "test:integration" not in proc.stdout
    assert not (project / ".venv").exists()
