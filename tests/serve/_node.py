"""The Node.js fixture project (``tests/serve/node``) with its ``node_modules``, shared by the ``serve``
and ``run`` tests: ``@aws/durable-execution-sdk-js`` and esbuild, installed once per package-lock.json
into a cache directory with ``npm ci``."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

FIXTURE = Path(__file__).parent / "node"
REPO = Path(__file__).resolve().parents[2]
NODE_22 = REPO / "node_modules" / ".bin"  # the repository's Node 22 (system node is 20)


def node_modules() -> Path:
    """The fixture's installed ``node_modules`` (``npm ci`` the first time)."""
    lock = (FIXTURE / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cdk-durable-tests"
    project = cache / f"node-{hashlib.sha256(lock).hexdigest()[:16]}"
    if not (project / "node_modules" / ".package-lock.json").exists():
        project.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(FIXTURE / name, project / name)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=project,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return project / "node_modules"


def node_project(work: Path) -> Path:
    """``work`` holding the fixture's handlers and template, with the installed ``node_modules``."""
    for source in [*FIXTURE.glob("*.*s"), FIXTURE / "template.yaml"]:
        shutil.copy(source, work / source.name)
    (work / "node_modules").symlink_to(node_modules())
    return work
