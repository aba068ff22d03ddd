"""The release: sdist + wheel, what the wheel holds, and the two ways a user gets a project.

- From the wheel: build it, install it into a fresh venv (nothing else on ``sys.path``), run
  ``cdk-durable new`` for one combination per IaC kind (Python and TypeScript both) and each
  project's own ``make test``, which installs cdk-durable from where the venv got it.
- From a clone: the README's template command, exactly as printed, in a copy of this checkout.

Both build from a copy of the checkout (its git-tracked and untracked-but-not-ignored files), so
nothing here writes into the working tree. The copy, the distributions and the venv are made once
per run, shared by the xdist workers (a lock file in pytest's shared temporary directory).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import cdk_durable
from tests.shared_tmp import made_once
from tests.templates.conftest import NODE_BIN, ROOT, TEMPLATE, run

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
VERSION = cdk_durable.__version__
#: One combination per IaC kind; both runtime families.
WHEEL_COMBOS = [
    ("sam", "python3.13", "hello"),
    ("cloudformation", "nodejs22.x", "approval"),
    ("cdk", "python3.13", "approval"),
]


def template_files() -> set[str]:
    return {
        str(p.relative_to(TEMPLATE))
        for p in TEMPLATE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


# --- fast checks of the configuration -------------------------------------------------------------


def test_every_package_is_listed_in_pyproject():
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "cdk_durable").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])

    assert listed - found == {"cdk_durable._templates", "cdk_durable._templates.hooks"}
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"cdk_durable._templates": "templates"}


def test_the_version_is_defined_once():
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cdk_durable.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)


def test_the_changelog_has_a_section_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()

    assert re.search(rf"^## \[{re.escape(VERSION)}\]", changelog, re.MULTILINE)


# --- the built distributions -------------------------------------------------------------------


def _copy_of_checkout(target: Path) -> Path:
    """The checkout as a fresh clone has it (no .venv, node_modules, caches or build output)."""
    listing = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=False
    )
    if listing.returncode == 0:
        for name in filter(None, listing.stdout.decode().split("\0")):
            source = ROOT / name
            if source.is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
    else:  # not a git checkout (a source archive): skip what .gitignore lists
        ignored = (
            ".venv*",
            "node_modules",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            ".*_cache",
            "cdk.out",
        )
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*ignored), dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return (
        made_once(tmp_path_factory, "packaging", "clone", lambda t: _copy_of_checkout(t / "cdk-durable"))
        / "cdk-durable"
    )


@pytest.fixture(scope="session")
def dist(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    def build(out: Path) -> None:
        run([sys.executable, "-m", "build", "--outdir", str(out), str(clone)], cwd=clone)

    return made_once(tmp_path_factory, "packaging", "dist", build)


def _only(directory: Path, pattern: str) -> Path:
    (path,) = directory.glob(pattern)
    return path


@pytest.mark.slow
def test_sdist_and_wheel_pass_twine_check(dist):
    wheel, sdist = _only(dist, "*.whl"), _only(dist, "*.tar.gz")
    assert wheel.name == f"cdk_durable-{VERSION}-py3-none-any.whl"
    assert sdist.name == f"cdk_durable-{VERSION}.tar.gz"

    proc = run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)], cwd=dist)

    assert proc.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_the_wheel_holds_every_data_file_of_the_package(dist):
    # package data (the linter's catalogs, the page's style and script, the Node worker, py.typed):
    # a file missing from [tool.setuptools.package-data] only fails once installed
    names = set(zipfile.ZipFile(_only(dist, "*.whl")).namelist())
    data = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "cdk_durable").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert "cdk_durable/lint/catalogs.toml" in data
    assert sorted(data - names) == []


@pytest.mark.slow  # builds the sdist and the wheel (the `dist` fixture)
def test_the_wheel_holds_the_template_the_typing_marker_and_the_starter_handler(dist):
    names = set(zipfile.ZipFile(_only(dist, "*.whl")).namelist())

    packaged = {
        n.removeprefix("cdk_durable/_templates/") for n in names if n.startswith("cdk_durable/_templates/")
    }
    assert packaged == template_files()
    assert {"cdk_durable/py.typed", "cdk_durable/_starter_handler/index.py", "cdk_durable/new.py"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith("tests/")]
    metadata = (
        zipfile.ZipFile(_only(dist, "*.whl")).read(f"cdk_durable-{VERSION}.dist-info/METADATA").decode()
    )
    assert f"Version: {VERSION}" in metadata
    assert "Requires-Dist: cookiecutter" in metadata
    assert "Description-Content-Type: text/markdown" in metadata


@pytest.mark.slow
def test_the_sdist_holds_the_template_once_at_the_top_level(dist):
    with tarfile.open(_only(dist, "*.tar.gz")) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}

    assert {f"templates/{name}" for name in template_files()} <= names
    assert not any("_templates" in n for n in names)
    assert {"CHANGELOG.md", "README.md", "pyproject.toml"} <= names


# --- wheel -> fresh venv -> cdk-durable new -> make test ----------------------------------------


def clean_env(bin_dirs: list[Path]) -> dict[str, str]:
    """A user's shell: the venv and Node 22 on PATH, nothing of this repository, no PYTHONPATH."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["PATH"] = os.pathsep.join([*map(str, bin_dirs), str(NODE_BIN), "/usr/local/bin", "/usr/bin", "/bin"])
    env.update(NO_COLOR="1", SAM_CLI_TELEMETRY="0", CDK_DISABLE_CLI_TELEMETRY="true")
    env.update(npm_config_prefer_offline="true", npm_config_audit="false", npm_config_fund="false")
    env["npm_config_cache"] = str(Path.home() / ".npm")  # npm's default, shared with the matrix
    return env


@pytest.fixture(scope="session")
def venv_from_wheel(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    def install(venv: Path) -> None:
        run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)
        wheel = _only(dist, "*.whl")
        run(
            [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
            cwd=venv.parent,
            env=clean_env([venv / "bin"]),
        )

    return made_once(tmp_path_factory, "packaging", "venv", install)


@pytest.mark.slow
def test_the_fresh_venv_sees_only_itself(venv_from_wheel, tmp_path):
    probe = "import cdk_durable, json, sys; print(json.dumps([cdk_durable.__file__, sys.path]))"

    proc = run(
        [str(venv_from_wheel / "bin" / "python"), "-c", probe],
        cwd=tmp_path,
        env=clean_env([venv_from_wheel / "bin"]),
    )

    location, path = json.loads(proc.stdout)
    assert Path(location).is_relative_to(venv_from_wheel), "imported from the venv, not the checkout"
    assert not [p for p in path if p and Path(p).is_relative_to(ROOT)]


@pytest.mark.slow
def test_the_wheel_holds_the_timeline_page_style_and_script(dist):
    names = set(zipfile.ZipFile(_only(dist, "*.whl")).namelist())

    assert {"cdk_durable/diagnose/_page/timeline.css", "cdk_durable/diagnose/_page/timeline.js"} <= names


@pytest.mark.slow
def test_the_installed_diagnose_writes_a_page_with_its_style_and_script(venv_from_wheel, tmp_path):
    fixtures = ROOT / "tests" / "diagnose" / "fixtures"
    page = tmp_path / "timeline.html"
    command = [str(venv_from_wheel / "bin" / "cdk-durable"), "diagnose"]
    args = [str(fixtures / "callback_pending.history.json"), "--now", "2030-01-01T00:00:00+00:00"]

    run([*command, *args, "--html", str(page)], cwd=tmp_path, env=clean_env([venv_from_wheel / "bin"]))

    html = page.read_text()
    assets = ROOT / "cdk_durable" / "diagnose" / "_page"
    assert f"<style>\n{(assets / 'timeline.css').read_text()}</style>" in html
    assert f"<script>\n{(assets / 'timeline.js').read_text()}</script>" in html


@pytest.mark.slow
@pytest.mark.parametrize("combo", WHEEL_COMBOS, ids="-".join)
def test_new_from_the_wheel_bakes_a_project_whose_make_test_passes(venv_from_wheel, dist, tmp_path, combo):
    iac, runtime, blueprint = combo
    env = clean_env([venv_from_wheel / "bin"])
    new = [str(venv_from_wheel / "bin" / "cdk-durable"), "new", "--no-input", "-o", str(tmp_path)]

    run([*new, f"iac={iac}", f"runtime={runtime}", f"blueprint={blueprint}"], cwd=tmp_path, env=env)

    project = tmp_path / "durable-workflow"
    assert not list(project.rglob("__pycache__")), "pip's bytecode of the installed template is not copied"
    # with the `local` extra: `cdk-durable serve` for `make serve` and the project's integration test
    wheel_url = f"cdk-durable[local] @ {_only(dist, '*.whl').as_uri()}"
    if runtime.startswith("python") or iac == "cdk":
        assert wheel_url in (project / "requirements-dev.txt").read_text().splitlines()
        assert f"`{wheel_url}`" in (project / "README.md").read_text()
    proc = run(["make", "test"], cwd=project, env=env)
    assert "passed" in proc.stdout
    # the integration test ran on cdk-durable serve from the project's own .venv (cdk-durable[local])
    assert "tests/integration" in proc.stdout or "test:integration" in proc.stdout
    assert "integration test skipped" not in proc.stdout


@pytest.mark.slow
def test_installed_from_an_index_the_project_pins_the_release(venv_from_wheel, dist, tmp_path):
    """Resolved like an index install (``--find-links``, no URL asked for): no PEP 610 direct_url.json.

    The release goes into its own directory (``--target``, the dependencies come from the venv) and
    shadows the venv's copy through PYTHONPATH; the venv itself is shared and not changed.
    """
    site = tmp_path / "site"
    env = clean_env([venv_from_wheel / "bin"])
    pip = [str(venv_from_wheel / "bin" / "pip"), "install", "--quiet", "--no-deps", "--no-index"]
    run(
        [*pip, "--find-links", str(dist), "--target", str(site), f"cdk-durable=={VERSION}"],
        cwd=tmp_path,
        env=env,
    )
    assert not list(site.glob("cdk_durable-*.dist-info/direct_url.json"))
    env["PYTHONPATH"] = str(site)
    main = "import sys; from cdk_durable.cli import main; sys.argv[0] = 'cdk-durable'; main()"

    run(
        [str(venv_from_wheel / "bin" / "python"), "-c", main, "new", "--no-input", "-o", str(tmp_path)],
        cwd=tmp_path,
        env=env,
    )

    requirements = (tmp_path / "durable-workflow" / "requirements-dev.txt").read_text().splitlines()
    assert f"cdk-durable[local]=={VERSION}" in requirements
    assert "from the package index" in (tmp_path / "durable-workflow" / "README.md").read_text()


# --- the README's template command, as printed, from a clone -------------------------------------


def readme_template_command() -> str:
    readme = (ROOT / "README.md").read_text()
    (line,) = [x for x in readme.splitlines() if x.startswith("cookiecutter templates/ ")]
    return line


def test_the_readme_prints_the_clone_command():
    assert readme_template_command() == (
        "cookiecutter templates/ --no-input iac=cdk blueprint=approval && cd durable-workflow && make test"
    )


@pytest.mark.slow
def test_the_readme_template_command_works_in_a_fresh_clone(clone, tmp_path):
    # A user's shell: cookiecutter installed (a link to this venv's), the system python3 and Node.
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "cookiecutter").symlink_to(Path(sys.executable).parent / "cookiecutter")
    env = clean_env([tools])
    command = readme_template_command()

    proc = run(["bash", "-c", command], cwd=clone, env=env)

    assert "passed" in proc.stdout
    requirements = (clone / "durable-workflow" / "requirements-dev.txt").read_text().splitlines()
    assert f"cdk-durable[local] @ {clone.as_uri()}" in requirements, "the project installs the clone itself"
    assert shlex.split(command)[:2] == ["cookiecutter", "templates/"]
