"""Node.js handlers: ``path/to/app.mjs:handler`` (plain JS) or ``path/to/app.ts:handler`` (TypeScript,
bundled with esbuild), run by :class:`.worker._NodeWorker` with the project's own
``@aws/durable-execution-sdk-js``, which checkpoints over HTTP: to ``cdk-durable serve``, or to the
:class:`.endpoint.LocalEndpoint` of a ``cdk-durable run``."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..platform import MIN_DURABLE_VERSION
from .inputs import FunctionSpec, LocalRunError

JS_SUFFIXES = (".js", ".mjs", ".cjs")
TS_SUFFIXES = (".ts", ".mts")
#: The runtime a Node.js handler given without a template (``--function``, ``run FILE.mjs``) stands for.
DEFAULT_NODE_RUNTIME = "nodejs22.x"


def split_handler(handler: str) -> tuple[str, str]:
    """(module path, export name) of ``path:export`` (``handler`` when no export is named)."""
    path, sep, export = handler.rpartition(":")
    if not sep or "/" in export or export.endswith(JS_SUFFIXES + TS_SUFFIXES):
        return handler, "handler"
    return path, export


def is_node_handler(handler: str) -> bool:
    return split_handler(handler)[0].endswith(JS_SUFFIXES + TS_SUFFIXES)


def node_runtime(spec: FunctionSpec) -> FunctionSpec:
    """``spec`` with a Node.js runtime (for ``AWS_EXECUTION_ENV``), :data:`DEFAULT_NODE_RUNTIME` unless
    its template named one."""
    if spec.runtime.startswith("nodejs"):
        return spec
    return dataclasses.replace(spec, runtime=DEFAULT_NODE_RUNTIME)


def find_node() -> str:
    """``CDK_DURABLE_NODE``, else ``node`` on PATH; it must be a version Lambda runs durable functions on."""
    node = os.environ.get("CDK_DURABLE_NODE") or shutil.which("node")
    if not node:
        raise LocalRunError(
            "Node.js handlers need node on PATH (Node.js 22 or later) or CDK_DURABLE_NODE=/path/to/node"
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    major = int(version.lstrip("v").split(".", 1)[0] or 0) if version.startswith("v") else 0
    minimum = MIN_DURABLE_VERSION["nodejs"][0]
    if major < minimum:
        raise LocalRunError(
            f"{node} is Node.js {version or 'unknown'}: durable functions run on Node.js {minimum} or later "
            "(put a newer node first on PATH or set CDK_DURABLE_NODE)"
        )
    return node


def _esbuild(cwd: Path) -> str:
    for candidate in (cwd / "node_modules" / ".bin" / "esbuild", shutil.which("esbuild")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise LocalRunError(
        "TypeScript handlers are bundled with esbuild: npm install --save-dev esbuild in the project"
    )


def node_init(spec: FunctionSpec, cwd: Path, build_dir: Path | None = None) -> dict[str, Any]:
    """The worker's start message for a Node.js handler (a TypeScript one is bundled first)."""
    module, export = split_handler(spec.handler)
    path = (spec.code_dir or cwd) / module
    if not path.is_file():
        raise LocalRunError(f"function {spec.name}: handler file not found: {path}")
    if path.suffix in TS_SUFFIXES:
        out_dir = build_dir or Path(tempfile.mkdtemp(prefix="cdk-durable-node-"))
        out = out_dir / f"{spec.name}.mjs"
        banner = "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
        result = subprocess.run(
            [
                _esbuild(cwd),
                str(path),
                "--bundle",
                "--platform=node",
                "--format=esm",
                "--target=node22",
                f"--outfile={out}",
                f"--banner:js={banner}",
                "--log-level=error",
            ],
            capture_output=True,
            text=True,
            cwd=str(cwd),
            timeout=300,
        )
        if result.returncode != 0:
            lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
            first = next((line for line in lines if "[ERROR]" in line), lines[0] if lines else "")
            where = next((line.rstrip(":") for line in lines if re.match(r"^\S+:\d+:\d+:$", line)), "")
            detail = first.replace("✘ [ERROR] ", "").strip()
            raise LocalRunError(
                f"function {spec.name}: esbuild could not bundle {path}: {detail}"
                + (f" ({where})" if where and where not in detail else "")
            )
        path = out
    return {"runtime": "node", "node": find_node(), "module": str(path.resolve()), "export": export}
