"""The TypeScript half of the template matrix: every IaC x nodejs runtime x blueprint.

Per combination: nothing left unrendered and no Python handler files; then the IaC checks with the
project's own Makefile: SAM ``sam validate --lint`` and ``sam build`` (esbuild), CloudFormation
``make validate`` (cfn-lint) + ``make build`` (esbuild) and cfn-lint through the API, CDK (the
TypeScript app) ``make test`` (its stack tests too) and ``make validate`` (the project's own
``cdk synth`` with esbuild bundling, then cfn-lint with the durable rules) and cfn-lint through the
API. Every bundle must load in Node and export ``handler``.

The handler, its tests and the TypeScript tooling do not depend on the IaC kind (asserted below;
a CDK project adds its app and aws-cdk-lib to the same tooling), so the handler's checks
(``make test`` without the integration test, which ``test_integration.py`` runs for a subset and
checks statically for every combination: ``npm ci`` with a shared npm cache, ``tsc``, vitest on the
durable testing SDK's ``LocalDurableTestRunner``, ESLint) run once per runtime x blueprint for SAM
and CloudFormation, and once more for CDK. ``npm ci`` runs once per distinct lockfile per session
(``NodeModules``): every other project with that lockfile reuses the ``node_modules`` (a symlink).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.cfnlint_helper import assert_cfn_lint_clean

from .conftest import (
    BLUEPRINTS,
    CALLBACK_BLUEPRINTS,
    CHECKOUT_REQUIREMENT,
    IACS,
    MANIFEST,
    NODE_BIN,
    PYTHON,
    TYPESCRIPT_RUNTIMES,
    NodeModules,
    assert_readme_names_its_commands,
    bake,
    combo_id,
    iac_files,
    npm_env,
    run,
    sam_cli,
)
from .test_matrix import _callback_statements, _CfnLoader, _wiring

Combo = tuple[str, str, str]
TS_RUNTIMES: list[str] = TYPESCRIPT_RUNTIMES
TS_COMBOS: list[Combo] = [(iac, rt, bp) for iac in IACS for rt in TS_RUNTIMES for bp in BLUEPRINTS]
PAIRS: list[tuple[str, str]] = [(rt, bp) for rt in TS_RUNTIMES for bp in BLUEPRINTS]
SAM_COMBOS = [c for c in TS_COMBOS if c[0] == "sam"]
CFN_COMBOS = [c for c in TS_COMBOS if c[0] == "cloudformation"]
CDK_COMBOS = [c for c in TS_COMBOS if c[0] == "cdk"]
#: IaC kinds whose app is written in the handler's language (CDK): it adds to the tooling files.
APP_KINDS = [iac for iac in IACS if MANIFEST["iac"][iac]["app_per_family"]]
#: The TypeScript project: same files for every IaC kind without an app.
TOOLING = ("package.json", "package-lock.json", "tsconfig.json", "eslint.config.mjs", "vitest.config.ts")
COMMON_FILES = {
    "Makefile",
    "README.md",
    ".gitignore",
    ".github/workflows/ci.yml",
    "requirements-dev.txt",
    "src/app.ts",
    "tests/app.test.ts",
    "events/start.json",
    *TOOLING,
}
PYTHON_ONLY = {
    "src/app.py",
    "src/requirements.txt",
    "pyproject.toml",
    "tests/conftest.py",
    "tests/test_app.py",
}
SKIP_DIRS = {".aws-sam", "cdk.out", ".build", "node_modules", "coverage"}
LOAD_HANDLER = (
    "const m = require(process.argv[1]);"
    "if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(1); }"
)


def pair_id(pair: tuple[str, str]) -> str:
    return "-".join(pair)


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
#: `make test`'s targets but the integration test, side by side as `make test` runs them.
UNIT_AND_LINT = ["make", "-j3", "--output-sync=target", "typecheck", "vitest", "lint"]


class Projects:
    """Baked TypeScript projects of this worker; ``installed`` links their node_modules."""

    def __init__(self, factory: pytest.TempPathFactory, modules: NodeModules) -> None:
        self._factory = factory
        self._modules = modules
        self._baked: dict[Combo, Path] = {}

    def get(self, combo: Combo) -> Path:
        if combo not in self._baked:
            iac, runtime, blueprint = combo
            self._baked[combo] = bake(
                self._factory.mktemp(combo_id(combo)),
                project_name=f"{blueprint} workflow",  # one name: the tooling is comparable across IaC
                iac=iac,
                runtime=runtime,
                blueprint=blueprint,
            )
        return self._baked[combo]

    def installed(self, combo: Combo) -> Path:
        """The project with node_modules (``npm ci`` once per lockfile per session)."""
        return self._modules.link(self.get(combo))


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory, node_modules: NodeModules) -> Projects:
    return Projects(tmp_path_factory, node_modules)


def project_files(project: Path) -> set[str]:
    return {
        str(f.relative_to(project))
        for f in project.rglob("*")
        if f.is_file() and not SKIP_DIRS & set(f.relative_to(project).parts)
    }


def assert_bundle_loads(bundle: Path) -> None:
    assert bundle.is_file(), f"{bundle} was not built"
    run([str(NODE_BIN / "node"), "-e", LOAD_HANDLER, str(bundle)], cwd=bundle.parent)


def esbuild_target(runtime: str) -> str:
    return runtime.replace("nodejs", "node").removesuffix(".x")


@pytest.mark.slow  # bakes projects (the `projects` fixture)
@pytest.mark.parametrize("combo", TS_COMBOS, ids=combo_id)
def test_renders_completely(projects: Projects, combo: Combo) -> None:
    iac, runtime, _ = combo
    project = projects.get(combo)

    files = project_files(project)
    assert COMMON_FILES | iac_files(iac, "typescript") <= files
    assert not (iac_files(iac, "python") - iac_files(iac, "typescript")) & files, "no Python app"
    assert not PYTHON_ONLY & files
    assert not any(f.startswith(("_iac", "_blueprints")) for f in files)
    for name in files:
        text = (project / name).read_text()
        for marker in ("{{", "{%", "cookiecutter."):
            assert marker not in text, f"{name} has unrendered {marker!r}"
    assert runtime in (project / "Makefile").read_text()
    assert_readme_names_its_commands(project, iac, runtime)
    requirements = (project / "requirements-dev.txt").read_text().splitlines()
    # every kind needs cdk-durable: the construct (CDK) or the durable cfn-lint rules (SAM, CloudFormation)
    assert CHECKOUT_REQUIREMENT in requirements
    assert ("aws-sam-translator>=1.106" in requirements) == (iac == "sam"), "the rules read SAM through it"
    build_script = json.loads((project / "package.json").read_text())["scripts"]["build"]
    assert f"--target={esbuild_target(runtime)}" in build_script


@pytest.mark.slow  # bakes projects (the `projects` fixture)
@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_handler_and_tooling_are_the_same_for_every_iac(projects: Projects, pair: tuple[str, str]) -> None:
    runtime, blueprint = pair

    def handler(iac: str) -> dict[str, str]:
        project = projects.get((iac, runtime, blueprint))
        names = {str(f.relative_to(project)) for f in project.glob("*/*.ts")} - iac_files(iac, "typescript")
        return {name: (project / name).read_text() for name in sorted(names)}

    def tooling(iac: str) -> dict[str, str]:
        project = projects.get((iac, runtime, blueprint))
        return {name: (project / name).read_text() for name in TOOLING}

    first, *others = (handler(iac) for iac in IACS)
    assert any(name.startswith("src/") for name in first)
    assert all(other == first for other in others)
    plain = [iac for iac in IACS if iac not in APP_KINDS]
    assert all(tooling(iac) == tooling(plain[0]) for iac in plain)
    base = json.loads(tooling(plain[0])["package.json"])
    for iac in APP_KINDS:  # the CDK app adds its own packages, the handler's stay as they are
        with_app = json.loads(tooling(iac)["package.json"])
        assert with_app["dependencies"] == base["dependencies"]
        added = {k: v for k, v in with_app["devDependencies"].items() if k not in base["devDependencies"]}
        assert base["devDependencies"].items() <= with_app["devDependencies"].items()
        assert sorted(added) == ["aws-cdk", "aws-cdk-lib", "constructs", "tsx"]
        lock = json.loads(tooling(iac)["package-lock.json"])
        assert lock["packages"][""]["devDependencies"] == with_app["devDependencies"], "lockfile in sync"


@pytest.mark.slow
@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_project_checks_pass(projects: Projects, pair: tuple[str, str]) -> None:
    runtime, blueprint = pair
    project = projects.installed(("sam", runtime, blueprint))

    proc = run(UNIT_AND_LINT, cwd=project, env=npm_env())
    stdout = ANSI_ESCAPE.sub("", proc.stdout)

    assert "Test Files  1 passed (1)" in stdout
    assert re.search(r"Tests  (\d+) passed \(\1\)", stdout), "every vitest test passed"
    assert "problem" not in stdout + proc.stderr  # ESLint prints "N problems" on findings


@pytest.mark.slow
@pytest.mark.parametrize("combo", SAM_COMBOS, ids=combo_id)
def test_sam_validate_and_esbuild_build(projects: Projects, combo: Combo) -> None:
    project = projects.installed(combo)

    proc = run(["make", "validate", f"SAM={sam_cli()}", f"PYTHON={PYTHON}"], cwd=project, env=npm_env())

    assert "is a valid SAM Template" in proc.stdout + proc.stderr
    built = project / ".aws-sam" / "build" / "WorkflowFunction"
    assert sorted(p.name for p in built.iterdir()) == ["app.js", "app.js.map"]
    assert_bundle_loads(built / "app.js")


@pytest.mark.slow
@pytest.mark.parametrize("combo", CFN_COMBOS, ids=combo_id)
def test_cloudformation_validates_and_bundles(projects: Projects, combo: Combo) -> None:
    _, runtime, blueprint = combo
    project = projects.installed(combo)

    run(["make", "validate", "build", f"PYTHON={PYTHON}"], cwd=project, env=npm_env())

    assert_cfn_lint_clean(project / "template.yaml")
    template = yaml.load((project / "template.yaml").read_text(), Loader=_CfnLoader)
    _wiring(template)
    assert len(_callback_statements(template)) == int(blueprint in CALLBACK_BLUEPRINTS)
    function = template["Resources"]["WorkflowFunction"]["Properties"]
    assert function["Runtime"] == runtime
    assert (function["Handler"], function["Code"]) == ("app.handler", ".build/function")
    assert_bundle_loads(project / ".build" / "function" / "app.js")


@pytest.mark.slow
@pytest.mark.parametrize("combo", CDK_COMBOS, ids=combo_id)
def test_cdk_project_checks_pass(projects: Projects, combo: Combo) -> None:
    """The TypeScript CDK project's checks: the handler's tests and the stack's (assertions)."""
    project = projects.installed(combo)

    proc = run(UNIT_AND_LINT, cwd=project, env=npm_env())
    stdout = ANSI_ESCAPE.sub("", proc.stdout)

    assert "Test Files  2 passed (2)" in stdout  # tests/app.test.ts and tests/stack.test.ts
    assert re.search(r"Tests  (\d+) passed \(\1\)", stdout), "every vitest test passed"
    assert "problem" not in stdout + proc.stderr
    assert not (project / ".venv").exists(), "no Python for build, unit tests and lint"


@pytest.mark.slow
@pytest.mark.parametrize("combo", CDK_COMBOS, ids=combo_id)
def test_cdk_synth_bundles_with_esbuild(projects: Projects, combo: Combo) -> None:
    _, runtime, blueprint = combo
    project = projects.installed(combo)

    # the project's own CDK CLI (node_modules), as a user runs it; Python only for cfn-lint
    proc = run(["make", "validate", f"PYTHON={PYTHON}"], cwd=project, env=npm_env())

    assert "cfn-lint cdk.out/*.template.json -a cdk_durable.cfn_lint" in proc.stdout
    (synthesized,) = (project / "cdk.out").glob("*.template.json")
    assert_cfn_lint_clean(synthesized)
    template = json.loads(synthesized.read_text())
    _wiring(template)
    assert len(_callback_statements(template)) == int(blueprint in CALLBACK_BLUEPRINTS)
    (function,) = (
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function" and "DurableConfig" in r["Properties"]
    )
    # NodejsFunction bundles src/app.ts into index.js
    assert (function["Runtime"], function["Handler"]) == (runtime, "index.handler")
    asset = function["Code"]["S3Key"].removesuffix(".zip")
    assert_bundle_loads(project / "cdk.out" / f"asset.{asset}" / "index.js")
    assert not (project / "app.py").exists()


@pytest.mark.slow
def test_cdk_validate_without_python_synthesizes_and_says_cfn_lint_was_skipped(projects: Projects) -> None:
    project = projects.installed(("cdk", TS_RUNTIMES[0], "triage"))

    proc = run(["make", "validate", "PYTHON="], cwd=project, env=npm_env())

    assert list((project / "cdk.out").glob("*.template.json"))
    assert proc.stdout.count("cfn-lint skipped: no python3") == 1
    assert "cfn-lint cdk.out" not in proc.stdout
    assert not (project / ".venv").exists()


def test_every_blueprint_has_a_typescript_handler() -> None:
    root = Path(__file__).resolve().parents[2] / "templates" / "{{cookiecutter.project_slug}}" / "_blueprints"
    for blueprint in BLUEPRINTS:
        assert (root / "typescript" / blueprint / "src" / "app.ts").is_file()
        assert (root / "typescript" / blueprint / "tests" / "app.test.ts").is_file()
