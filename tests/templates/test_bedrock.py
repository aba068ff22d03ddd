"""The triage blueprint deploys Amazon Bedrock as the support-triage article does, in every IaC kind.

A model parameter (SAM, CloudFormation: ``BedrockModelId``) or context/prop (CDK: ``bedrockModelId``)
with the default model; ``bedrock:InvokeModel`` on exactly two ARNs: the foundation model in any
region and the account's ``global.`` cross-region inference profile; the profile id in
``TRIAGE_MODEL_ID``. With no model: no Bedrock permission, no ``TRIAGE_MODEL_ID`` (the handler's
local keyword rules). Other blueprints have none of it. The TypeScript CDK app is held to the same
template by ``test_cdk_parity.py`` and asserts it in its own ``tests/stack.test.ts``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import BLUEPRINTS, MANIFEST, PYTHON, PYTHON_RUNTIMES, TYPESCRIPT_RUNTIMES, bake, run, tool_env
from .test_matrix import _CfnLoader

MODEL = MANIFEST["bedrock"]["default_model"]
TEMPLATE_ARNS = [
    {"Fn::Sub": "arn:${AWS::Partition}:bedrock:*::foundation-model/${BedrockModelId}"},
    {
        "Fn::Sub": "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}"
        ":inference-profile/global.${BedrockModelId}"
    },
]
CDK_ARNS = [
    {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":bedrock:*::foundation-model/{MODEL}"]]},
    {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":bedrock:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":inference-profile/global.{MODEL}",
            ],
        ]
    },
]
RUNTIMES = [PYTHON_RUNTIMES[0], TYPESCRIPT_RUNTIMES[0]]
FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
HAS_MODEL = {"Fn::Not": [{"Fn::Equals": [{"Ref": "BedrockModelId"}, ""]}]}
BEDROCK_BLUEPRINTS = [b for b, entry in MANIFEST["blueprints"].items() if entry["bedrock"]]


def bedrock_statements(node: Any) -> list[dict[str, Any]]:
    """Every policy statement (anywhere in the template) that names a bedrock action."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        action = node.get("Action")
        actions = action if isinstance(action, list) else [action]
        if any(isinstance(a, str) and a.startswith("bedrock:") for a in actions):
            found.append(node)
        for value in node.values():
            found.extend(bedrock_statements(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(bedrock_statements(value))
    return found


def load_template(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load((project / "template.yaml").read_text(), Loader=_CfnLoader)
    return loaded


def function_environment(template: dict[str, Any]) -> dict[str, Any]:
    (function,) = (
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] in ("AWS::Lambda::Function", "AWS::Serverless::Function")
        and "DurableConfig" in r["Properties"]
    )
    variables: dict[str, Any] = function["Environment"]["Variables"]
    return variables


def test_the_triage_blueprint_is_the_one_with_bedrock() -> None:
    assert BEDROCK_BLUEPRINTS == ["triage"]


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("iac", ["sam", "cloudformation"])
def test_sam_and_cloudformation_grant_exactly_the_model_and_the_profile(
    tmp_path: Path, iac: str, runtime: str
) -> None:
    template = load_template(bake(tmp_path, iac=iac, runtime=runtime, blueprint="triage"))

    parameter = template["Parameters"]["BedrockModelId"]
    assert (parameter["Type"], parameter["Default"]) == ("String", MODEL)
    assert template["Conditions"]["HasModel"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "BedrockModelId"}, ""]}]
    }
    (statement,) = bedrock_statements(template)
    assert statement == {
        "Sid": "InvokeTriageModel",
        "Effect": "Allow",
        "Action": "bedrock:InvokeModel",
        "Resource": TEMPLATE_ARNS,
    }
    # no model -> no statement: the statement sits in the If's true branch, NoValue in the other
    text = json.dumps(template)
    assert text.count('{"Fn::If": ["HasModel", ') == 2
    assert function_environment(template)["TRIAGE_MODEL_ID"] == {
        "Fn::If": ["HasModel", {"Fn::Sub": "global.${BedrockModelId}"}, {"Ref": "AWS::NoValue"}]
    }


def synthesize_python_app(project: Path, outdir: Path, **context: str) -> dict[str, Any]:
    env = tool_env()
    env["CDK_OUTDIR"] = str(outdir)
    cdk_context = json.loads((project / "cdk.json").read_text())["context"]
    env["CDK_CONTEXT_JSON"] = json.dumps({**cdk_context, **context, "aws:cdk:bundling-stacks": []})
    run([str(PYTHON), "app.py"], cwd=project, env=env)
    (template,) = outdir.glob("*.template.json")
    loaded: dict[str, Any] = json.loads(template.read_text())
    return loaded


@pytest.mark.slow
def test_cdk_grants_exactly_the_model_and_the_profile_and_nothing_without_a_model(tmp_path: Path) -> None:
    project = bake(tmp_path, iac="cdk", runtime=PYTHON_RUNTIMES[0], blueprint="triage")

    template = synthesize_python_app(project, tmp_path / "default")
    (statement,) = bedrock_statements(template)
    assert statement["Action"] == "bedrock:InvokeModel"
    assert sorted(map(json.dumps, statement["Resource"])) == sorted(map(json.dumps, CDK_ARNS))
    assert function_environment(template)["TRIAGE_MODEL_ID"] == f"global.{MODEL}"

    without = synthesize_python_app(project, tmp_path / "none", bedrockModelId="")
    assert bedrock_statements(without) == []
    assert "TRIAGE_MODEL_ID" not in function_environment(without)


@pytest.mark.parametrize("iac", ["sam", "cloudformation"])
@pytest.mark.parametrize("blueprint", [b for b in BLUEPRINTS if b not in BEDROCK_BLUEPRINTS])
def test_other_blueprints_have_no_bedrock(tmp_path: Path, iac: str, blueprint: str) -> None:
    template = load_template(bake(tmp_path, iac=iac, runtime=PYTHON_RUNTIMES[0], blueprint=blueprint))

    assert "BedrockModelId" not in template["Parameters"]
    assert "Conditions" not in template
    assert bedrock_statements(template) == []
    assert "TRIAGE_MODEL_ID" not in function_environment(template)
