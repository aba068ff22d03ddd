"""The TypeScript half of the template matrix: every IaC x nodejs runtime x blueprint.

Per combination: nothing left unrendered and no Python handler files; then the IaC checks with the
project's own Makefile: SAM ``sam validate --lint`` and ``sam build`` (esbuild), CloudFormation
``make validate`` (cfn-lint) + ``make build`` (esbuild) and cfn-lint through the API, CDK
``make validate`` (``cdk synth`` with local esbuild bundling, then cfn-lint) and cfn-lint through the
API. Every bundle must load in Node and export ``handler``.

The handler, its tests and the TypeScript tooling do not depend on the IaC kind (asserted below),
so the project's own checks (``make test``: ``npm ci`` with a shared npm cache, ``tsc``, vitest on
the durable testing SDK's ``LocalDurableTestRunner``, ESLint) run once per runtime x blueprint, and
every other project reuses the first one's ``node_modules`` (a symlink) instead of installing the
same lockfile again (the lockfiles differ only in the project's name).
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
    NODE_BIN,
    PYTHON,
    TYPESCRIPT_RUNTIMES,
    assert_readme_names_its_commands,
    bake,
    combo_id,
    run,
    sam_cli,
    tool_env,
)
from .test_matrix import IAC_FILES, _callback_statements, _CfnLoader, _wiring

Combo = tuple[str, str, str]
TS_RUNTIMES: list[str] = TYPESCRIPT_RUNTIMES
TS_COMBOS: list[Combo] = [(iac, rt, bp) for iac in IACS for rt in TS_RUNTIMES for bp in BLUEPRINTS]
PAIRS: list[tuple[str, str]] = [(rt, bp) for rt in TS_RUNTIMES for bp in BLUEPRINTS]
SAM_COMBOS = [c for c in TS_COMBOS if c[0] == "sam"]
CFN_COMBOS = [c for c in TS_COMBOS if c[0] == "cloudformation"]
CDK_COMBOS = [c for c in TS_COMBOS if c[0] == "cdk"]
#: The TypeScript project: same files for every IaC kind.
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


def npm_env() -> dict[str, str]:
    """tool_env plus one npm cache for every baked project (warm after the first install)."""
    env = tool_env()
    env.setdefault("npm_config_cache", str(Path.home() / ".npm"))  # npm's default, made explicit
    env["npm_config_prefer_offline"] = "true"
    env["npm_config_audit"] = "false"
    env["npm_config_fund"] = "false"
    env["npm_config_update_notifier"] = "false"
    return env


class Projects:
    """Baked TypeScript projects of this worker, and which of them have node_modules installed."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._baked: dict[Combo, Path] = {}
        self._installed: dict[str, Path] = {}

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
        """The project with node_modules: `npm ci` once per lockfile (every TypeScript project has the
        same dependencies; only the project's name differs), a symlink after."""
        project = self.get(combo)
        modules = project / "node_modules"
        key = _lockfile_key(project)
        source = self._installed.get(key)
        if source is None:
            if not modules.exists():
                run(["npm", "ci"], cwd=project, env=npm_env())
            self._installed[key] = project
        elif not modules.exists():
            modules.symlink_to(source / "node_modules", target_is_directory=True)
            # npm's record of the install is newer than this project's package files, as after `npm ci`
            (modules / ".package-lock.json").touch()
        return project


def _lockfile_key(project: Path) -> str:
    """The project's package-lock.json without its own name: equal keys install equal node_modules."""
    lock = json.loads((project / "package-lock.json").read_text())
    lock.pop("name", None)
    lock.get("packages", {}).get("", {}).pop("name", None)
    return json.dumps(lock, sort_keys=True)


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Projects:
    return Projects(tmp_path_factory)


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
    assert COMMON_FILES | IAC_FILES[iac] <= files
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
    bakes = [projects.get((iac, runtime, blueprint)) for iac in IACS]

    def snapshot(project: Path) -> dict[str, str]:
        names = [*TOOLING, *(str(f.relative_to(project)) for f in project.glob("*/*.ts"))]
        return {name: (project / name).read_text() for name in sorted(names)}

    first, *others = (snapshot(p) for p in bakes)
    assert any(name.startswith("src/") for name in first)
    for other in others:
        assert other == first


@pytest.mark.slow
@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_project_checks_pass(projects: Projects, pair: tuple[str, str]) -> None:
    runtime, blueprint = pair
    project = projects.installed(("sam", runtime, blueprint))

    proc = run(["make", "test"], cwd=project, env=npm_env())
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
def test_cdk_synth_bundles_with_esbuild(projects: Projects, combo: Combo) -> None:
    _, runtime, blueprint = combo
    project = projects.installed(combo)

    run(["make", "validate", f"PYTHON={PYTHON}", f"CDK={NODE_BIN / 'cdk'}"], cwd=project, env=npm_env())

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
    assert (function["Runtime"], function["Handler"]) == (runtime, "app.handler")
    asset = function["Code"]["S3Key"].removesuffix(".zip")
    assert_bundle_loads(project / "cdk.out" / f"asset.{asset}" / "app.js")


def test_every_blueprint_has_a_typescript_handler() -> None:
    root = Path(__file__).resolve().parents[2] / "templates" / "{{cookiecutter.project_slug}}" / "_blueprints"
    for blueprint in BLUEPRINTS:
        assert (root / "typescript" / blueprint / "src" / "app.ts").is_file()
        assert (root / "typescript" / blueprint / "tests" / "app.test.ts").is_file()
