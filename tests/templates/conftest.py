"""Helpers for the template tests: bake with cookiecutter's API, load the hooks, find the tools.

Projects are baked exactly as ``cookiecutter templates/`` bakes them from a clone: no variable is
overridden unless a test says so, so ``cdk_durable_requirement`` takes its default (this checkout).
The choices come from ``templates/manifest.json``, the template's one manifest. Baked projects
reuse this repository's environment (``make ... PYTHON=.venv/bin/python``) instead of
creating a virtualenv each; the CDK CLI and Node 22 come from ``node_modules``, the SAM CLI from
``.venv-sam`` (``make tools-sam``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cookiecutter.main import cookiecutter

from cdk_durable.new import hook_scripts_removed
from tests.shared_tmp import made_once

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates"
CONTEXT: dict[str, Any] = json.loads((TEMPLATE / "cookiecutter.json").read_text())
MANIFEST: dict[str, Any] = json.loads((TEMPLATE / "manifest.json").read_text())
IACS: list[str] = list(MANIFEST["iac"])
BLUEPRINTS: list[str] = list(MANIFEST["blueprints"])
RUNTIMES: list[str] = list(MANIFEST["runtimes"])
PYTHON_RUNTIMES: list[str] = [r for r in RUNTIMES if MANIFEST["runtimes"][r]["family"] == "python"]
TYPESCRIPT_RUNTIMES: list[str] = [r for r in RUNTIMES if MANIFEST["runtimes"][r]["family"] == "typescript"]
CALLBACK_BLUEPRINTS: set[str] = {b for b, entry in MANIFEST["blueprints"].items() if entry["has_callbacks"]}
#: The requirement line a project baked from this checkout gets when none is given: this checkout
#: with the `local` extra (`cdk-durable serve`: `make serve` and the project's integration test).
CHECKOUT_REQUIREMENT = f"cdk-durable[local] @ {ROOT.as_uri()}"
#: Every Python combination, readable ids: ``sam-python3.13-approval``.
PYTHON_COMBOS: list[tuple[str, str, str]] = [
    (iac, runtime, blueprint) for iac in IACS for runtime in PYTHON_RUNTIMES for blueprint in BLUEPRINTS
]
PYTHON = Path(sys.executable)
NODE_BIN = ROOT / "node_modules" / ".bin"
SUBPROCESS_TIMEOUT = 600


def iac_files(iac: str, family: str) -> set[str]:
    """The files an IaC kind adds to a project of ``family`` (CDK: the app in the handler's language)."""
    files = MANIFEST["iac"][iac]["files"]
    return set(files[family] if isinstance(files, dict) else files)


def combo_id(combo: tuple[str, str, str]) -> str:
    return "-".join(combo)


def bake(output_dir: Path, template: Path = TEMPLATE, **extra_context: str) -> Path:
    """Generate a project into ``output_dir`` and return its directory."""
    with hook_scripts_removed():  # as `cdk-durable new` bakes: no hook scripts left in /tmp
        return Path(
            cookiecutter(
                str(template),
                no_input=True,
                output_dir=str(output_dir),
                extra_context=extra_context,
                default_config=True,
            )
        )


def assert_readme_names_its_commands(project: Path, iac: str, runtime: str) -> None:
    """The generated README names the commands of its own IaC kind and runtime family, no other's."""
    readme = (project / "README.md").read_text()
    family = MANIFEST["runtimes"][runtime]["family"]

    def commands(kind: dict[str, Any]) -> set[str]:
        return {*kind["validate"], kind["deploy"], kind["destroy"]}

    own = commands(MANIFEST["iac"][iac]) | set(MANIFEST["families"][family]["test"])
    others = set().union(*(commands(k) for name, k in MANIFEST["iac"].items() if name != iac))
    others |= set().union(*(set(f["test"]) for name, f in MANIFEST["families"].items() if name != family))
    assert sorted(c for c in own if c not in readme) == [], "commands of its own the README misses"
    assert sorted(c for c in others - own if c in readme) == [], "other kinds' commands in the README"
    assert f"`{MANIFEST['families'][family]['handler']}`" in readme


def load_hook(name: str) -> ModuleType:
    """Import ``templates/hooks/<name>.py`` unrendered (its Jinja only runs under ``__main__``)."""
    path = TEMPLATE / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"template_hook_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def tool_env(extra_path: list[Path] | None = None) -> dict[str, str]:
    """The environment for commands in a baked project: Node 22 first on PATH, telemetry off."""
    env = dict(os.environ)
    path = [str(p) for p in (extra_path or [])] + [str(NODE_BIN), str(PYTHON.parent), env.get("PATH", "")]
    env["PATH"] = os.pathsep.join(path)
    env.setdefault("JSII_NODE", str(NODE_BIN / "node"))
    env["JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION"] = "1"
    env["SAM_CLI_TELEMETRY"] = "0"
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    # CI=true makes vitest, npm and friends colour their output; tests read it as plain text.
    env["NO_COLOR"] = "1"
    env.pop("FORCE_COLOR", None)
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)
    return env


def run(args: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure the assertion shows its output."""
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=dict(env or tool_env()),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, (
        f"{' '.join(args)} failed ({proc.returncode}) in {cwd}\n"
        f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
    )
    return proc


@cache
def sam_cli() -> Path:
    """The SAM CLI from ``make tools-sam`` (or on PATH)."""
    candidate = ROOT / ".venv-sam" / "bin" / "sam"
    if candidate.exists():
        return candidate
    found = shutil.which("sam")
    assert found, "AWS SAM CLI not found: run `make tools-sam` (creates .venv-sam)"
    return Path(found)


@cache
def find_interpreter(runtime: str) -> Path | None:
    """A working ``python3.X`` for ``runtime`` (``sam build`` runs it): PATH first, then pyenv versions."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    version = runtime.removeprefix("python")
    candidates = [shutil.which(runtime), *sorted(pyenv_root.glob(f"versions/{version}*/bin/{runtime}"))]
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, check=False)
        if probe.returncode == 0 and probe.stdout.strip().startswith(f"Python {version}"):
            return Path(candidate)
    return None


def npm_env() -> dict[str, str]:
    """tool_env plus one npm cache for every baked project (warm after the first install)."""
    env = tool_env()
    env.setdefault("npm_config_cache", str(Path.home() / ".npm"))  # npm's default, made explicit
    env["npm_config_prefer_offline"] = "true"
    env["npm_config_audit"] = "false"
    env["npm_config_fund"] = "false"
    env["npm_config_update_notifier"] = "false"
    return env


def lock_key(project: Path) -> str:
    """What ``npm ci`` installs for ``project``: its lockfile without the project's own name."""
    lock = json.loads((project / "package-lock.json").read_text())
    packages = dict(lock["packages"])
    root = {k: v for k, v in packages.pop("").items() if k not in ("name", "version")}
    return hashlib.sha256(json.dumps([root, packages], sort_keys=True).encode()).hexdigest()


class NodeModules:
    """``npm ci`` once per distinct lockfile per test run (aws-cdk-lib is big): the first xdist worker
    to need a lockfile installs it into the run's shared temporary directory, and every project with
    that lockfile, in any worker, gets links to what it installed."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory

    def link(self, project: Path) -> Path:
        modules = project / "node_modules"
        if not modules.exists():

            def install(target: Path) -> None:
                for name in ("package.json", "package-lock.json"):
                    shutil.copy2(project / name, target / name)
                run(["npm", "ci", "--prefer-offline"], cwd=target, env=npm_env())

            installed = made_once(self._factory, "node_modules", lock_key(project)[:16], install)
            # A directory of links, not one link: the tools' caches (node_modules/.cache: tsc,
            # ESLint, vitest) stay the project's own while workers run projects side by side.
            modules.mkdir()
            for entry in (installed / "node_modules").iterdir():
                if entry.name != ".cache":
                    (modules / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
        # The Makefile reinstalls when package.json is newer than node_modules/.package-lock.json:
        # the same lockfile is installed, so mark it current for this (later baked) project too.
        os.utime(modules / ".package-lock.json")
        return project


@pytest.fixture(scope="session")
def node_modules(tmp_path_factory: pytest.TempPathFactory) -> NodeModules:
    return NodeModules(tmp_path_factory)
