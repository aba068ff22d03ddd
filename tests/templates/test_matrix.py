"""Bake every IaC x runtime x blueprint combination and run the generated project's own checks.

Per combination: nothing left unrendered; the project's ``make unit lint`` (its unit tests on the
durable testing SDK's runner, ruff, ``cdk-durable lint``: ``make test`` without the integration test
on ``cdk-durable serve``, which ``test_integration.py`` runs for a subset and checks statically for
every combination) with this repository's environment; then the IaC
checks: SAM ``sam validate --lint`` and ``sam build``, CloudFormation ``make validate`` (cfn-lint)
and cfn-lint through the API with no errors or warnings, CDK ``make validate`` (``cdk synth`` with
the CDK CLI, then cfn-lint) and cfn-lint through the API on the synthesized template.
Each project is baked once per worker and shared by its checks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.cfnlint_helper import assert_cfn_lint_clean

from .conftest import (
    CALLBACK_BLUEPRINTS,
    CHECKOUT_REQUIREMENT,
    MANIFEST,
    NODE_BIN,
    PYTHON,
    PYTHON_COMBOS,
    assert_readme_names_its_commands,
    bake,
    combo_id,
    find_interpreter,
    iac_files,
    run,
    sam_cli,
    tool_env,
)

Combo = tuple[str, str, str]
SAM_COMBOS = [c for c in PYTHON_COMBOS if c[0] == "sam"]
CFN_COMBOS = [c for c in PYTHON_COMBOS if c[0] == "cloudformation"]
CDK_COMBOS = [c for c in PYTHON_COMBOS if c[0] == "cdk"]
IAC_FILES: dict[str, set[str]] = {iac: iac_files(iac, "python") for iac in MANIFEST["iac"]}
COMMON_FILES = {
    "Makefile",
    "README.md",
    ".gitignore",
    ".github/workflows/ci.yml",
    "pyproject.toml",
    "requirements-dev.txt",
    "src/app.py",
    "src/requirements.txt",
    "tests/conftest.py",
    "tests/test_app.py",
    "events/start.json",
}


@pytest.fixture(scope="session")
def baked(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Combo], Path]:
    projects: dict[Combo, Path] = {}

    def get(combo: Combo) -> Path:
        if combo not in projects:
            iac, runtime, blueprint = combo
            projects[combo] = bake(
                tmp_path_factory.mktemp(combo_id(combo)),
                project_name=f"{blueprint} {iac} {runtime.replace('.', '')}",
                iac=iac,
                runtime=runtime,
                blueprint=blueprint,
            )
        return projects[combo]

    return get


def project_files(project: Path) -> set[str]:
    skip = {".aws-sam", "cdk.out", ".pytest_cache", ".ruff_cache", "__pycache__", ".build"}
    return {
        str(f.relative_to(project))
        for f in project.rglob("*")
        if f.is_file() and not skip & set(f.relative_to(project).parts)
    }


@pytest.mark.slow  # bakes every Python combination
@pytest.mark.parametrize("combo", PYTHON_COMBOS, ids=combo_id)
def test_renders_completely(baked, combo):
    iac, runtime, _ = combo
    project = baked(combo)

    files = project_files(project)
    assert COMMON_FILES | IAC_FILES[iac] <= files
    assert not any(f.startswith(("_iac", "_blueprints")) for f in files)
    for name in files:
        text = (project / name).read_text()
        for marker in ("{{", "{%", "cookiecutter."):
            assert marker not in text, f"{name} has unrendered {marker!r}"
    other_iac = set().union(*IAC_FILES.values()) - IAC_FILES[iac]
    assert not other_iac & files
    assert runtime in (project / "Makefile").read_text()
    assert_readme_names_its_commands(project, iac, runtime)
    # Baked as from a clone, with no override: the project installs this checkout.
    assert CHECKOUT_REQUIREMENT in (project / "requirements-dev.txt").read_text().splitlines()


def _wiring(template: dict) -> None:
    """The operational wiring every IaC kind has (checked on plain CloudFormation JSON/YAML)."""
    resources = template["Resources"].values()
    types = [r["Type"] for r in resources]
    function = next(
        r for r in resources if r["Type"] == "AWS::Lambda::Function" and "DurableConfig" in r["Properties"]
    )
    assert function["Properties"]["DeadLetterConfig"]["TargetArn"]
    assert "AWS::Lambda::Alias" in types and "AWS::Lambda::Version" in types
    assert "AWS::Logs::LogGroup" in types and "AWS::SQS::Queue" in types
    rules = [r["Properties"] for r in resources if r["Type"] == "AWS::Events::Rule"]
    status_rules = [r for r in rules if r["EventPattern"].get("source") == ["aws.lambda"]]
    assert len(status_rules) == 1
    assert sorted(status_rules[0]["EventPattern"]["detail"]["status"]) == ["FAILED", "TIMED_OUT"]
    metrics = {r["Properties"].get("MetricName") for r in resources if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert {"DurableExecutionFailed", "DurableExecutionTimedOut"} <= metrics
    assert any("AliasArn" in key for key in template["Outputs"])
    assert any("InvokeCommand" in key for key in template["Outputs"])


def _callback_statements(template: dict) -> list[dict]:
    statements = []
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        documents = [props.get("PolicyDocument")] + [
            p.get("PolicyDocument") for p in props.get("Policies", [])
        ]
        for doc in filter(None, documents):
            for statement in doc["Statement"]:
                if "Fn::If" in statement:  # a conditional statement (triage's Bedrock): its true branch
                    statement = statement["Fn::If"][1]
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                if "lambda:SendDurableExecutionCallbackSuccess" in actions:
                    statements.append(statement)
    return statements


@pytest.mark.slow
@pytest.mark.parametrize("combo", PYTHON_COMBOS, ids=combo_id)
def test_project_tests_and_lint_pass(baked, combo):
    project = baked(combo)

    proc = run(["make", "unit", "lint", f"PYTHON={PYTHON}"], cwd=project)

    assert " passed" in proc.stdout
    assert "All checks passed!" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("combo", SAM_COMBOS, ids=combo_id)
def test_sam_validate_lint(baked, combo):
    project = baked(combo)

    proc = run([str(sam_cli()), "validate", "--lint"], cwd=project)

    assert "is a valid SAM Template" in proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("combo", SAM_COMBOS, ids=combo_id)
def test_sam_build(baked, combo):
    _, runtime, _ = combo
    project = baked(combo)
    interpreter = find_interpreter(runtime)
    if interpreter is None:
        pytest.skip(f"{runtime} interpreter not installed: sam build not run")

    run([str(sam_cli()), "build"], cwd=project, env=tool_env([interpreter.parent]))

    built = project / ".aws-sam" / "build" / "WorkflowFunction"
    assert (built / "app.py").exists()
    assert (built / "aws_durable_execution_sdk_python").is_dir(), "the SDK is bundled"


@pytest.mark.slow
@pytest.mark.parametrize("combo", CFN_COMBOS, ids=combo_id)
def test_cloudformation_validates(baked, combo):
    project = baked(combo)

    run(["make", "validate", f"PYTHON={PYTHON}"], cwd=project)

    assert_cfn_lint_clean(project / "template.yaml")
    template = yaml.load((project / "template.yaml").read_text(), Loader=_CfnLoader)
    _wiring(template)
    has_callbacks = combo[2] in CALLBACK_BLUEPRINTS
    statements = _callback_statements(template)
    assert len(statements) == int(has_callbacks)
    if has_callbacks:
        assert statements[0]["Resource"] == {"Fn::Sub": "${WorkflowFunction.Arn}:*"}


FAKE_AWS = """#!/usr/bin/env bash
echo "$@" >> "$AWS_CALLS"
if [ "$2" = package ]; then
  while [ $# -gt 0 ]; do [ "$1" = --output-template-file ] && cp template.yaml "$2"; shift; done
fi
"""


@pytest.mark.slow
def test_cloudformation_deploy_script_builds_packages_and_deploys(baked, tmp_path):
    project = baked(("cloudformation", "python3.13", "approval"))
    fake_aws = tmp_path / "aws"
    fake_aws.write_text(FAKE_AWS)
    fake_aws.chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = {
        **tool_env(),
        "AWS": str(fake_aws),
        "AWS_CALLS": str(calls),
        "ARTIFACT_BUCKET": "my-artifacts",
        "PYTHON": str(PYTHON),
    }

    run(["./scripts/deploy.sh"], cwd=project, env=env)

    build = project / ".build" / "function"
    assert (build / "app.py").exists()
    assert (build / "aws_durable_execution_sdk_python").is_dir(), "the SDK is bundled"
    # bytecode only when this suite's Python is the runtime's version (Lambda ignores another's)
    compiled = list((build / "aws_durable_execution_sdk_python").rglob("*.pyc"))
    assert bool(compiled) == (sys.version_info[:2] == (3, 13)), compiled[:3]
    package, deploy, describe = calls.read_text().splitlines()
    assert package.startswith("cloudformation package --template-file template.yaml --s3-bucket my-artifacts")
    assert "cloudformation deploy --template-file .build/packaged.yaml" in deploy
    assert "--capabilities CAPABILITY_IAM" in deploy
    assert "CodeVersion=" in deploy
    assert describe.startswith("cloudformation describe-stacks")


@pytest.mark.slow
@pytest.mark.parametrize("combo", CDK_COMBOS, ids=combo_id)
def test_cdk_synth_and_cfn_lint(baked, combo):
    project = baked(combo)

    run(["make", "validate", f"PYTHON={PYTHON}", f"CDK={NODE_BIN / 'cdk'}"], cwd=project)

    (synthesized,) = (project / "cdk.out").glob("*.template.json")
    assert_cfn_lint_clean(synthesized)
    template = json.loads(synthesized.read_text())
    _wiring(template)
    assert len(_callback_statements(template)) == int(combo[2] in CALLBACK_BLUEPRINTS)
    # the asset, bundled by this suite's Python: the SDK, with bytecode only when this Python is
    # the runtime's version (Lambda ignores another's)
    (asset,) = (p.parent for p in (project / "cdk.out").glob("asset.*/app.py"))
    assert (asset / "aws_durable_execution_sdk_python").is_dir()
    compiled = list(asset.rglob("*.pyc"))
    assert bool(compiled) == (f"python{sys.version_info[0]}.{sys.version_info[1]}" == combo[1]), compiled[:3]


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation short-form tags (``!Ref``, ``!Sub``...) as ``Fn::`` dicts."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)
