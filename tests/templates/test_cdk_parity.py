"""The TypeScript CDK app and the Python construct stay in step.

For every blueprint, the project generated with ``iac=cdk`` and a Node runtime (the TypeScript app:
``lib/durable-workflow.ts``, ``lib/workflow-stack.ts``) and the one generated with a Python runtime
(``app.py`` with :class:`cdk_durable.DurableFunction`) are synthesized for the same inputs, and their
templates must hold the same resources (same logical ids) with the same properties, policies,
dependencies and deletion policies. What differs by language is left out: the function's ``Code``,
``Runtime`` and ``Handler``, ``NODE_OPTIONS`` (source maps) and CDK's own metadata. Both apps run
with ``cdk.json``'s context and without asset bundling (``aws:cdk:bundling-stacks``: the bundles
are the bake matrix's subject, not the wiring).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    BLUEPRINTS,
    NODE_BIN,
    PYTHON,
    PYTHON_RUNTIMES,
    TYPESCRIPT_RUNTIMES,
    NodeModules,
    bake,
    run,
    tool_env,
)

VERSION_HASH = re.compile(r"CurrentVersion[0-9A-F]{8}[0-9a-f]{32}")
LANGUAGE_PROPERTIES = ("Code", "Runtime", "Handler")


def synthesize(project: Path, command: list[str], outdir: Path) -> dict[str, Any]:
    """Run the CDK app the way the CDK CLI does (``CDK_OUTDIR``, ``CDK_CONTEXT_JSON``), bundling off."""
    context = json.loads((project / "cdk.json").read_text())["context"]
    env = tool_env()
    env["CDK_OUTDIR"] = str(outdir)
    env["CDK_CONTEXT_JSON"] = json.dumps({**context, "aws:cdk:bundling-stacks": []})
    run(command, cwd=project, env=env)
    (template,) = outdir.glob("*.template.json")
    return json.loads(template.read_text())


def comparable(template: dict[str, Any]) -> dict[str, Any]:
    """The template without what legitimately differs between the two languages."""
    text = VERSION_HASH.sub("CurrentVersion", json.dumps(template))  # the hash covers the code
    resources: dict[str, Any] = {}
    for logical_id, resource in json.loads(text)["Resources"].items():
        if resource["Type"] == "AWS::CDK::Metadata":
            continue
        metadata = {k: v for k, v in resource.pop("Metadata", {}).items() if not k.startswith("aws:")}
        if metadata:
            resource["Metadata"] = metadata  # cfn-lint's suppressions are part of the wiring
        if resource["Type"] == "AWS::Lambda::Function":
            properties = resource["Properties"]
            for name in LANGUAGE_PROPERTIES:
                properties.pop(name)
            properties.get("Environment", {}).get("Variables", {}).pop("NODE_OPTIONS", None)
        resources[logical_id] = resource
    return {"Resources": resources, "Outputs": json.loads(text).get("Outputs", {})}


@pytest.mark.slow
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_typescript_app_synthesizes_what_the_python_construct_does(
    blueprint: str, tmp_path: Path, node_modules: NodeModules
) -> None:
    inputs = {"project_name": f"{blueprint} parity", "iac": "cdk", "blueprint": blueprint}
    python_project = bake(tmp_path / "py", runtime=PYTHON_RUNTIMES[0], **inputs)
    ts_project = bake(tmp_path / "ts", runtime=TYPESCRIPT_RUNTIMES[0], **inputs)
    node_modules.link(ts_project)

    from_python = synthesize(python_project, [str(PYTHON), "app.py"], tmp_path / "py.out")
    from_typescript = synthesize(
        ts_project, [str(NODE_BIN / "node"), "node_modules/.bin/tsx", "bin/app.ts"], tmp_path / "ts.out"
    )

    python_side, ts_side = comparable(from_python), comparable(from_typescript)
    assert sorted(ts_side["Resources"]) == sorted(python_side["Resources"])
    for logical_id, resource in python_side["Resources"].items():
        assert ts_side["Resources"][logical_id] == resource, logical_id
    assert ts_side["Outputs"] == python_side["Outputs"]
    # the durable core is there on both sides (not two empty templates agreeing)
    types = {r["Type"] for r in python_side["Resources"].values()}
    assert {"AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::SQS::Queue"} <= types
    (function,) = (r for r in python_side["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    durable_config = {"ExecutionTimeout": 604800, "RetentionPeriodInDays": 14}  # the template's defaults
    assert function["Properties"]["DurableConfig"] == durable_config
    assert from_typescript["Resources"] and from_python["Resources"]
