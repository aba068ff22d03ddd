"""The TypeScript CDK app and the Python construct stay in step.

For every blueprint, the project generated with ``iac=cdk`` and a Node runtime (the TypeScript app:
``lib/durable-workflow.ts``, ``lib/workflow-stack.ts``) and the one generated with a Python runtime
(``app.py`` with :class:`cdk_durable.DurableFunction`) are synthesized for the same inputs, and their
templates must hold the same resources (same logical ids) with the same properties, policies,
dependencies and deletion policies. What differs by language is left out: the function's ``Code``,
``Runtime`` and ``Handler``, ``NODE_OPTIONS`` (source maps) and CDK's own metadata. Both apps run
with ``cdk.json``'s context and without asset bundling (``aws:cdk:bundling-stacks``: the bundles
are the bake matrix's subject, not the wiring).

With ``tracing`` (``xray``, ``otlp``) the two apps wire :class:`cdk_durable.DurableTracing`'s profile:
the layer, the wrapper and ``DURABLE_EXECUTION_PLUGINS`` depend on the language, so each side's must be
what ``DurableTracing`` itself gives for that side's runtime; everything else must be equal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_durable import DurableTracing

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


def comparable(template: dict[str, Any], tracing_variables: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The template without what legitimately differs between the two languages (with tracing: the
    function's ``Layers`` and ``tracing_variables``, checked against ``DurableTracing`` instead)."""
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
            variables = properties.get("Environment", {}).get("Variables", {})
            for name in ("NODE_OPTIONS", *tracing_variables):
                variables.pop(name, None)
            if tracing_variables:
                properties.pop("Layers")
        resources[logical_id] = resource
    return {"Resources": resources, "Outputs": json.loads(text).get("Outputs", {})}


def durable_function(template: dict[str, Any]) -> dict[str, Any]:
    (function,) = (
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function" and "DurableConfig" in r["Properties"]
    )
    return function


def durable_tracing_wiring(tracing: str, runtime: str, slug: str) -> dict[str, Any]:
    """What ``DurableTracing`` (as the Python app configures it) sets on a ``runtime`` function: its
    layers and variables, resolved the way they synthesize in the apps' region-agnostic stack."""
    stack = cdk.Stack(cdk.App(), "Expected")
    family = lambda_.RuntimeFamily.PYTHON if runtime.startswith("python") else lambda_.RuntimeFamily.NODEJS
    function = lambda_.Function(
        stack,
        "Function",
        runtime=lambda_.Runtime(runtime, family, supports_inline_code=True),  # no asset: the wiring only
        handler="index.handler",
        code=lambda_.Code.from_inline("handler = None"),
    )
    if tracing == "xray":
        profile = DurableTracing.xray(view="invocation", service_name=slug)
    else:
        headers = secretsmanager.Secret.from_secret_name_v2(stack, "OtlpHeaders", f"{slug}/otlp-headers")
        profile = DurableTracing.otlp(
            endpoint="https://otlp.example.com", headers_secret=headers, view="invocation", service_name=slug
        )
    variables = profile.environment(runtime_name=runtime, service_name=slug, existing_plugins=None)
    layer = profile.layer(stack, function, runtime)
    return {"Layers": [stack.resolve(layer.layer_version_arn)], "Variables": stack.resolve(variables)}


def synthesize_both(
    tmp_path: Path, node_modules: NodeModules, **inputs: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Python app's and the TypeScript app's templates for the same inputs."""
    python_project = bake(tmp_path / "py", runtime=PYTHON_RUNTIMES[0], **inputs)
    ts_project = bake(tmp_path / "ts", runtime=TYPESCRIPT_RUNTIMES[0], **inputs)
    node_modules.link(ts_project)
    from_python = synthesize(python_project, [str(PYTHON), "app.py"], tmp_path / "py.out")
    from_typescript = synthesize(
        ts_project, [str(NODE_BIN / "node"), "node_modules/.bin/tsx", "bin/app.ts"], tmp_path / "ts.out"
    )
    return from_python, from_typescript


def assert_same_resources(python_side: dict[str, Any], ts_side: dict[str, Any]) -> None:
    assert sorted(ts_side["Resources"]) == sorted(python_side["Resources"])
    for logical_id, resource in python_side["Resources"].items():
        assert ts_side["Resources"][logical_id] == resource, logical_id
    assert ts_side["Outputs"] == python_side["Outputs"]


@pytest.mark.slow
@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_typescript_app_synthesizes_what_the_python_construct_does(
    blueprint: str, tmp_path: Path, node_modules: NodeModules
) -> None:
    inputs = {"project_name": f"{blueprint} parity", "iac": "cdk", "blueprint": blueprint}
    from_python, from_typescript = synthesize_both(tmp_path, node_modules, **inputs)

    python_side, ts_side = comparable(from_python), comparable(from_typescript)
    assert_same_resources(python_side, ts_side)
    # the durable core is there on both sides (not two empty templates agreeing)
    types = {r["Type"] for r in python_side["Resources"].values()}
    assert {"AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::SQS::Queue"} <= types
    (function,) = (r for r in python_side["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    durable_config = {"ExecutionTimeout": 604800, "RetentionPeriodInDays": 14}  # the template's defaults
    assert function["Properties"]["DurableConfig"] == durable_config
    assert from_typescript["Resources"] and from_python["Resources"]


@pytest.mark.slow
@pytest.mark.parametrize(("tracing", "blueprint"), [("xray", "hello"), ("otlp", "approval")])
def test_typescript_app_wires_tracing_as_durable_tracing_does(
    tracing: str, blueprint: str, tmp_path: Path, node_modules: NodeModules
) -> None:
    inputs = {"project_name": f"{blueprint} parity", "iac": "cdk", "blueprint": blueprint, "tracing": tracing}
    from_python, from_typescript = synthesize_both(tmp_path, node_modules, **inputs)
    slug = f"{blueprint}-parity"
    for_python = durable_tracing_wiring(tracing, PYTHON_RUNTIMES[0], slug)
    for_typescript = durable_tracing_wiring(tracing, TYPESCRIPT_RUNTIMES[0], slug)
    variables = frozenset(for_python["Variables"]) | frozenset(for_typescript["Variables"])

    def wiring(template: dict[str, Any]) -> dict[str, Any]:
        function = durable_function(template)
        given = function["Environment"]["Variables"]
        return {"Layers": function["Layers"], "Variables": {k: given[k] for k in variables if k in given}}

    assert wiring(from_typescript) == for_typescript
    assert wiring(from_python) == for_python  # the expectation is the Python app's own wiring
    assert_same_resources(comparable(from_python, variables), comparable(from_typescript, variables))
    # the profile differs by language only where it must, and no Python plugin variable reaches Node
    assert "DURABLE_EXECUTION_PLUGINS" not in for_typescript["Variables"]
    assert "nodejs" in json.dumps(for_typescript["Layers"])
    if tracing == "xray":
        assert durable_function(from_typescript)["TracingConfig"] == {"Mode": "Active"}
