"""Put the chosen IaC and blueprint in place and remove everything else.

The template keeps one copy of each piece in staging folders (see ``templates/LAYOUT.md``):
``_iac/<iac>/`` holds the IaC files (``_iac/<iac>/<runtime family>/`` for a kind whose app is
written in the handler's language, ``app_per_family`` in the manifest: CDK),
``_blueprints/<runtime family>/_common/`` and
``_blueprints/<runtime family>/<blueprint>/`` the handler, its tests and its tooling,
``_blueprints/events/<blueprint>/`` the sample payloads, ``_blueprints/<family>/_tracing/`` the
checks of the tracing wiring (kept unless ``tracing`` is ``none``). ``main`` merges the chosen ones into the
project root and removes the staging folders.
"""

from __future__ import annotations

import json
import shutil
import stat
import sys
from pathlib import Path

IAC_STAGING = "_iac"
BLUEPRINT_STAGING = "_blueprints"
EVENTS_STAGING = "events"
TRACING_STAGING = "_tracing"


def merge_into(source: Path, target: Path) -> None:
    """Move every file under ``source`` to the same relative path under ``target``."""
    if not source.is_dir():
        raise FileNotFoundError(f"template is missing {source}")
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), destination)


def use_iac(root: Path, iac: str, runtime_family: str, *, app_per_family: bool) -> None:
    """The IaC files; merged after the handler's, so they replace a tooling file they both have
    (the TypeScript CDK app's ``package-lock.json`` locks aws-cdk-lib too)."""
    source = root / IAC_STAGING / iac
    merge_into(source / runtime_family if app_per_family else source, root)


def use_handler(root: Path, runtime_family: str, blueprint: str) -> None:
    family = root / BLUEPRINT_STAGING / runtime_family
    merge_into(family / "_common", root)
    merge_into(family / blueprint, root)


def use_events(root: Path, blueprint: str) -> None:
    merge_into(root / BLUEPRINT_STAGING / EVENTS_STAGING / blueprint, root / "events")


def use_tracing_checks(root: Path, runtime_family: str, tracing: str) -> None:
    """The project's tests of its tracing wiring, when it has tracing (and its family has such tests)."""
    staged = root / BLUEPRINT_STAGING / runtime_family / TRACING_STAGING
    if tracing != "none" and staged.is_dir():
        merge_into(staged, root)


def remove_unused_iac(root: Path) -> None:
    shutil.rmtree(root / IAC_STAGING)


def remove_unused_blueprints(root: Path) -> None:
    shutil.rmtree(root / BLUEPRINT_STAGING)


def remove_bytecode(root: Path) -> None:
    """pip byte-compiles the template's .py files when it installs the wheel: no __pycache__ copies."""
    for cache in sorted(root.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)


def make_scripts_executable(root: Path) -> None:
    for script in (root / "scripts").glob("*.sh"):
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def main(
    root: Path, *, iac: str, runtime_family: str, blueprint: str, app_per_family: bool, tracing: str = "none"
) -> None:
    """The decision table: what the chosen answers keep."""
    use_handler(root, runtime_family, blueprint)  # src/, tests/, lint and tool config
    # template.yaml (+ scripts/deploy.sh), or the CDK app: app.py + cdk.json | bin/, lib/, cdk.json
    use_iac(root, iac, runtime_family, app_per_family=app_per_family)
    use_events(root, blueprint)  # events/*.json
    use_tracing_checks(root, runtime_family, tracing)  # tests/test_tracing.py
    remove_unused_iac(root)
    remove_unused_blueprints(root)
    remove_bytecode(root)  # from an installed template
    make_scripts_executable(root)


if __name__ == "__main__":
    try:
        main(
            Path.cwd(),
            iac=json.loads(r""" {{ cookiecutter.iac | tojson }} """),
            runtime_family=json.loads(r""" {{ cookiecutter.__runtime_family | tojson }} """),
            blueprint=json.loads(r""" {{ cookiecutter.blueprint | tojson }} """),
            app_per_family=json.loads(r""" {{ manifest.iac[cookiecutter.iac].app_per_family | tojson }} """),
            tracing=json.loads(r""" {{ cookiecutter.tracing | tojson }} """),
        )
    except FileNotFoundError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        sys.exit(1)
