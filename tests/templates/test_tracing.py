"""The ``tracing`` template variable (none | xray | otlp): a few baked projects, not the matrix.

Each carries AWS's exporter profile (see tests/construct/test_tracing.py for the profiles' source),
passes cfn-lint with the durable rules (no OpenTelemetry finding), and a SAM one passes
``sam validate --lint``; a CDK one synthesizes through the project's own ``make validate``. The
TypeScript CDK app (one project per backend) also runs its own ``make test`` (its stack tests assert
the wiring) and carries the same layer and variables as the SAM template for its runtime. The
default ``none`` adds nothing, so the existing matrix is unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cfn_lint._lint import durable_findings
from tests.cfnlint_helper import assert_cfn_lint_clean

from .conftest import CONTEXT, NODE_BIN, PYTHON, NodeModules, bake, npm_env, run, sam_cli
from .test_matrix import _CfnLoader
from .test_matrix_typescript import ANSI_ESCAPE

XRAY = {
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/otel-instrument",
    "OTEL_TRACES_EXPORTER": "otlp",
    "OTEL_PROPAGATORS": "xray",
}
ADOT_PY = "arn:aws:lambda:${AWS::Region}:901920570463:layer:aws-otel-python-amd64-ver-1-29-0:1"
COMMUNITY_NODE = "arn:aws:lambda:${AWS::Region}:184161586896:layer:opentelemetry-nodejs-0_18_0:1"


def _function(template: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = template["Resources"]["WorkflowFunction"]["Properties"]
    return props


def _bake(tmp_path: Path, iac: str, runtime: str, tracing: str) -> Path:
    return bake(tmp_path, iac=iac, runtime=runtime, blueprint="hello", tracing=tracing)


def test_none_is_the_default() -> None:
    assert CONTEXT["tracing"][0] == "none"


def test_sam_python_xray_carries_the_adot_profile_and_validates(tmp_path: Path) -> None:
    project = _bake(tmp_path, "sam", "python3.13", "xray")
    template = yaml.load((project / "template.yaml").read_text(), Loader=_CfnLoader)

    fn = _function(template)
    env = fn["Environment"]["Variables"]
    assert {k: env[k] for k in XRAY} == XRAY
    assert env["OTEL_SERVICE_NAME"] == "durable-workflow"
    assert env["DURABLE_EXECUTION_PLUGINS"] == "otel-invocation"
    assert fn["Layers"] == [{"Fn::Sub": ADOT_PY}]
    assert fn["Tracing"] == "Active"
    assert "aws-durable-execution-sdk-python-otel" in (project / "src" / "requirements.txt").read_text()
    assert durable_findings(project / "template.yaml") == set()
    assert_cfn_lint_clean(project / "template.yaml")


@pytest.mark.slow
def test_sam_python_xray_passes_sam_validate_lint(tmp_path: Path) -> None:
    project = _bake(tmp_path, "sam", "python3.13", "xray")

    proc = run([str(sam_cli()), "validate", "--lint"], cwd=project)

    assert "is a valid SAM Template" in proc.stdout + proc.stderr


@pytest.mark.parametrize(("iac", "runtime"), [("sam", "nodejs22.x"), ("cloudformation", "python3.13")])
def test_otlp_headers_come_from_a_secret_reference(tmp_path: Path, iac: str, runtime: str) -> None:
    project = _bake(tmp_path, iac, runtime, "otlp")
    template = yaml.load((project / "template.yaml").read_text(), Loader=_CfnLoader)

    env = _function(template)["Environment"]["Variables"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == {"Ref": "OtlpEndpoint"}
    assert env["OTEL_EXPORTER_OTLP_HEADERS"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${OtlpHeadersSecret}:SecretString:::}}"
    }
    assert env["AWS_LAMBDA_EXEC_WRAPPER"] == (
        "/opt/otel-handler" if runtime.startswith("nodejs") else "/opt/otel-instrument"
    )
    assert ("DURABLE_EXECUTION_PLUGINS" in env) is runtime.startswith("python")
    if runtime.startswith("nodejs"):
        assert _function(template)["Layers"] == [{"Fn::Sub": COMMUNITY_NODE}]
    assert_cfn_lint_clean(project / "template.yaml")
    assert durable_findings(project / "template.yaml") == set()


def test_cloudformation_xray_grants_the_role_xray_writes(tmp_path: Path) -> None:
    project = _bake(tmp_path, "cloudformation", "nodejs22.x", "xray")

    assert durable_findings(project / "template.yaml") == set()
    assert_cfn_lint_clean(project / "template.yaml")
    template = yaml.load((project / "template.yaml").read_text(), Loader=_CfnLoader)
    assert _function(template)["TracingConfig"] == {"Mode": "Active"}


def test_none_adds_no_tracing(tmp_path: Path) -> None:
    project = _bake(tmp_path, "sam", "python3.13", "none")
    template = yaml.load((project / "template.yaml").read_text(), Loader=_CfnLoader)

    fn = _function(template)
    assert "Layers" not in fn and "Tracing" not in fn
    assert not any(
        k.startswith(("OTEL_", "AWS_LAMBDA_EXEC", "DURABLE_EXECUTION"))
        for k in fn["Environment"]["Variables"]
    )
    assert "otel" not in (project / "src" / "requirements.txt").read_text()


@pytest.mark.slow
def test_cdk_python_otlp_synthesizes_the_profile(tmp_path: Path) -> None:
    project = _bake(tmp_path, "cdk", "python3.13", "otlp")

    run(["make", "validate", f"PYTHON={PYTHON}", f"CDK={NODE_BIN / 'cdk'}"], cwd=project)

    (synthesized,) = (project / "cdk.out").glob("*.template.json")
    template = json.loads(synthesized.read_text())
    (fn,) = [
        r["Properties"] for r in template["Resources"].values() if "DurableConfig" in r.get("Properties", {})
    ]
    env = fn["Environment"]["Variables"]
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "https://otlp.example.com"
    assert "{{resolve:secretsmanager:" in json.dumps(env["OTEL_EXPORTER_OTLP_HEADERS"])
    assert env["DURABLE_EXECUTION_PLUGINS"] == "otel-invocation"
    assert durable_findings(synthesized) <= {("DUR-W2", k) for k in template["Resources"]}


@pytest.mark.slow
@pytest.mark.parametrize(("iac", "tracing"), [("sam", "xray"), ("cdk", "otlp")])
def test_the_projects_own_tests_check_the_wiring(tmp_path: Path, iac: str, tracing: str) -> None:
    project = _bake(tmp_path, iac, "python3.13", tracing)

    # the integration test too: the function on cdk-durable serve with no OTel plugin (offline)
    proc = run(["make", "test", f"PYTHON={PYTHON}", f"CDK={NODE_BIN / 'cdk'}"], cwd=project)
    tracing_tests = run([str(PYTHON), "-m", "pytest", "-q", "tests/test_tracing.py"], cwd=project)

    assert "All checks passed!" in proc.stdout
    assert "3 passed" in tracing_tests.stdout


def test_a_project_without_tracing_has_no_tracing_tests(tmp_path: Path) -> None:
    project = _bake(tmp_path, "sam", "python3.13", "none")

    assert not (project / "tests" / "test_tracing.py").exists()
    assert not (project / "_blueprints").exists()


def _as_sub(value: Any) -> str:
    """A ``Fn::Join`` of literals and ``Ref``s as the ``Fn::Sub`` text SAM writes (``${AWS::Region}``)."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        return str(value["Fn::Sub"])
    separator, parts = value["Fn::Join"]
    return str(separator).join(p if isinstance(p, str) else "${" + p["Ref"] + "}" for p in parts)


#: The TypeScript CDK projects with tracing: one per backend, each runtime once (two npm projects).
TS_CDK_TRACING = [("xray", "nodejs24.x", "hello"), ("otlp", "nodejs22.x", "approval")]


@pytest.mark.parametrize(("tracing", "runtime", "blueprint"), TS_CDK_TRACING)
def test_cdk_typescript_app_with_tracing_renders_completely(
    tmp_path: Path, tracing: str, runtime: str, blueprint: str
) -> None:
    project = bake(tmp_path, iac="cdk", runtime=runtime, blueprint=blueprint, tracing=tracing)

    for name in (
        "bin/app.ts",
        "lib/durable-workflow.ts",
        "lib/workflow-stack.ts",
        "tests/stack.test.ts",
        "README.md",
    ):
        text = (project / name).read_text()
        for marker in ("{{", "{%", "cookiecutter."):
            assert marker not in text, f"{name} has unrendered {marker!r}"
    assert "tracing: {" in (project / "lib" / "workflow-stack.ts").read_text()


@pytest.mark.slow
@pytest.mark.parametrize(("tracing", "runtime", "blueprint"), TS_CDK_TRACING)
def test_cdk_typescript_app_tests_and_validates_its_tracing(
    tmp_path: Path, node_modules: NodeModules, tracing: str, runtime: str, blueprint: str
) -> None:
    inputs = {"iac": "cdk", "runtime": runtime, "blueprint": blueprint, "tracing": tracing}
    project = node_modules.link(bake(tmp_path / "cdk", **inputs))
    stack_tests = (project / "tests" / "stack.test.ts").read_text()

    # PYTHON=: the integration test (cdk-durable serve) from this repository's environment
    tested = run(["make", "test", f"PYTHON={PYTHON}"], cwd=project, env=npm_env())
    validated = run(["make", "validate", f"PYTHON={PYTHON}"], cwd=project, env=npm_env())

    stdout = ANSI_ESCAPE.sub("", tested.stdout)
    assert "Test Files  2 passed (2)" in stdout
    assert re.search(r"Tests  (\d+) passed \(\1\)", stdout), "every vitest test passed"
    # every stack test ran, the tracing ones among them
    stack_test_count = len(re.findall(r"^  it\(", stack_tests, re.MULTILINE))
    assert f"tests/stack.test.ts ({stack_test_count} tests)" in stdout
    backend = "X-Ray" if tracing == "xray" else "OTLP"
    assert f'it("traces to {backend}:' in stack_tests
    assert "problem" not in stdout + tested.stderr
    assert "cfn-lint cdk.out/*.template.json -a cdk_durable.cfn_lint" in validated.stdout
    (synthesized,) = (project / "cdk.out").glob("*.template.json")
    assert durable_findings(synthesized) == set()
    assert_cfn_lint_clean(synthesized)

    # the same profile as the SAM template for this runtime: layer, wrapper, OTEL_* (no plugin variable)
    sam = yaml.load(
        (bake(tmp_path / "sam", **{**inputs, "iac": "sam"}) / "template.yaml").read_text(), Loader=_CfnLoader
    )
    sam_fn = _function(sam)
    resources = json.loads(synthesized.read_text())["Resources"].values()
    (cdk_fn,) = [r["Properties"] for r in resources if "DurableConfig" in r.get("Properties", {})]
    assert [_as_sub(layer) for layer in cdk_fn["Layers"]] == [_as_sub(layer) for layer in sam_fn["Layers"]]
    cdk_env, sam_env = cdk_fn["Environment"]["Variables"], sam_fn["Environment"]["Variables"]
    literal = {
        k for k, v in sam_env.items() if k.startswith(("OTEL_", "AWS_LAMBDA_EXEC")) and isinstance(v, str)
    }
    assert {"AWS_LAMBDA_EXEC_WRAPPER", "OTEL_SERVICE_NAME", "OTEL_TRACES_EXPORTER"} <= literal
    assert {k: cdk_env[k] for k in literal} == {k: sam_env[k] for k in literal}
    assert "DURABLE_EXECUTION_PLUGINS" not in cdk_env
    if tracing == "xray":
        assert cdk_fn["TracingConfig"] == {"Mode": "Active"} and sam_fn["Tracing"] == "Active"
    else:  # SAM: parameters; CDK: the context's default and the same secret, as a dynamic reference
        assert cdk_env["OTEL_EXPORTER_OTLP_ENDPOINT"] == sam["Parameters"]["OtlpEndpoint"]["Default"]
        headers = _as_sub(cdk_env["OTEL_EXPORTER_OTLP_HEADERS"])
        secret = sam["Parameters"]["OtlpHeadersSecret"]["Default"]
        assert headers.startswith("{{resolve:secretsmanager:arn:${AWS::Partition}:secretsmanager:")
        assert headers.endswith(f":secret:{secret}:SecretString:::}}}}")
