"""Every IaC kind the template generates keeps old published versions on update (executions suspended
on a version replay there when they resume), and the CDK app's operator role can pause, resume and
delete executions.

Bakes four projects with cookiecutter's API (not the whole matrix): CloudFormation, SAM and CDK with the
hello blueprint, CDK with approval (the callback branch of app.py).

- CloudFormation: the generated ``template.yaml`` as written.
- SAM: the template after the SAM transform, run by the translator the SAM CLI deploys with (in
  ``.venv-sam``), with local ``CodeUri`` values replaced by an S3 URI exactly as ``sam validate`` does.
- CDK: ``app.py`` run as a script (``python app.py``) with asset bundling skipped through
  ``CDK_CONTEXT_JSON`` (``aws:cdk:bundling-stacks: []``) so no pip download runs; the un-overridden
  path (``make validate``: ``cdk synth`` with bundling, then cfn-lint) is
  ``test_matrix.py::test_cdk_synth_and_cfn_lint``, which checks the same template.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from cdk_durable import platform as p
from tests.cfnlint_helper import assert_cfn_lint_clean

from .conftest import PYTHON, ROOT, bake, run, tool_env

#: Bakes projects, synthesizes with the CDK CLI and runs the SAM translator: `make test` only.
pytestmark = pytest.mark.slow

Combo = tuple[str, str]  # (iac, blueprint); runtime python3.13

SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"

TRANSLATE_SAM = r"""
import json, sys
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

template = yaml_parse(open(sys.argv[1]).read())
for resource in template["Resources"].values():  # what `sam validate` does before translating
    if resource.get("Type") == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/value"
translated = Translator(managed_policy_map=None, sam_parser=Parser()).translate(
    sam_template=template, parameter_values={}, get_managed_policy_map=lambda: {}
)
print(json.dumps(translated))
"""


@pytest.fixture(scope="module")
def baked(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Combo], Path]:
    projects: dict[Combo, Path] = {}

    def get(combo: Combo) -> Path:
        if combo not in projects:
            iac, blueprint = combo
            projects[combo] = bake(
                tmp_path_factory.mktemp(f"{iac}-{blueprint}"),
                project_name=f"{blueprint} {iac} retention",
                iac=iac,
                runtime="python3.13",
                blueprint=blueprint,
            )
        return projects[combo]

    return get


def _versions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Version"}
    assert found, "no AWS::Lambda::Version in the template"
    return found


def _cdk_synth(project: Path) -> dict[str, Any]:
    out = project / "cdk.out.retention"
    env = {
        **tool_env(),
        "CDK_OUTDIR": str(out),
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": []}),
    }
    run([str(PYTHON), "app.py"], cwd=project, env=env)
    (synthesized,) = out.glob("*.template.json")
    assert_cfn_lint_clean(synthesized)  # the operator policy carries its own W3037 exception
    return json.loads(synthesized.read_text())  # type: ignore[no-any-return]


def test_cloudformation_template_retains_replaced_versions(baked: Callable[[Combo], Path]) -> None:
    # Given a generated CloudFormation project, When CodeVersion changes (WorkflowVersion is replaced),
    # Then CloudFormation keeps the old version: UpdateReplacePolicy and DeletionPolicy Retain
    project = baked(("cloudformation", "hello"))
    template = cfn_yaml.loads((project / "template.yaml").read_text())
    assert list(_versions(template)) == ["WorkflowVersion"]
    version = template["Resources"]["WorkflowVersion"]
    assert (version["DeletionPolicy"], version["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert_cfn_lint_clean(project / "template.yaml")


@pytest.mark.skipif(not SAM_PYTHON.exists(), reason="needs the SAM CLI venv: run `make tools-sam`")
def test_sam_auto_publish_alias_versions_are_retained_after_the_transform(
    baked: Callable[[Combo], Path],
) -> None:
    # Given a generated SAM project, When the SAM transform runs, Then the version AutoPublishAlias
    # publishes is Retain (SAM keeps old versions itself) and the alias points at it
    project = baked(("sam", "hello"))
    env = {**tool_env(), "AWS_DEFAULT_REGION": "us-east-1"}  # as `sam validate --region us-east-1`
    proc = run([str(SAM_PYTHON), "-c", TRANSLATE_SAM, str(project / "template.yaml")], cwd=project, env=env)
    template = json.loads(proc.stdout)
    [(version_id, version)] = _versions(template).items()
    assert version["DeletionPolicy"] == "Retain"
    [alias] = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Alias"]
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}


@pytest.mark.parametrize("blueprint", ["hello", "approval"])
def test_cdk_app_retains_versions_and_has_an_operator_role(
    baked: Callable[[Combo], Path], blueprint: str
) -> None:
    template = _cdk_synth(baked(("cdk", blueprint)))
    for version in _versions(template).values():
        assert (version["DeletionPolicy"], version["UpdateReplacePolicy"]) == ("Retain", "Retain")
    [(role_id, _)] = [
        (k, r)
        for k, r in template["Resources"].items()
        if r["Type"] == "AWS::IAM::Role" and k.startswith("OperatorRole")
    ]
    [policy] = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Policy" and r["Properties"]["Roles"] == [{"Ref": role_id}]
    ]
    actions = set()
    for statement in policy["PolicyDocument"]["Statement"]:
        listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        actions.update(listed)
    expected = {
        *p.READ_EXECUTION_ACTIONS,
        *p.STOP_EXECUTION_ACTIONS,
        *p.PAUSE_EXECUTION_ACTIONS,
        *p.DELETE_EXECUTION_ACTIONS,
    }
    assert actions == expected
    assert "OperatorRoleArn" in template["Outputs"]


@pytest.mark.skipif(not SAM_PYTHON.exists(), reason="needs the SAM CLI venv: run `make tools-sam`")
def test_sam_publishes_a_new_version_when_only_the_durable_config_changes(
    baked: Callable[[Combo], Path], tmp_path: Path
) -> None:
    # Given a generated SAM project and a copy whose only change is the DurableConfig execution
    # timeout (a version freezes its configuration, so the alias must move to a new version)
    project = baked(("sam", "hello"))
    source = (project / "template.yaml").read_text()
    assert "AutoPublishAliasAllProperties: true" in source
    changed = source.replace("ExecutionTimeout: !Ref ExecutionTimeoutSeconds", "ExecutionTimeout: 3600")
    assert changed != source
    (tmp_path / "template.yaml").write_text(changed)
    env = {**tool_env(), "AWS_DEFAULT_REGION": "us-east-1"}

    def version_id(folder: Path) -> str:
        proc = run([str(SAM_PYTHON), "-c", TRANSLATE_SAM, str(folder / "template.yaml")], cwd=folder, env=env)
        [(logical_id, _)] = _versions(json.loads(proc.stdout)).items()
        return logical_id

    # When both are transformed, Then each gets its own version (the old one is retained)
    assert version_id(project) != version_id(tmp_path)
