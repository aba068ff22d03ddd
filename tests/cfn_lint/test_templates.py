"""The plugin on hand-written SAM and CloudFormation templates: compliant and non-compliant cases,
cfn-lint's own suppressions, the command line exactly as the docs print it, a SAM template that
cannot be read."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.api import ManualArgs, lint
from cfnlint.rules import Rules

from cdk_durable.cfn_lint import rules as plugin_rules
from cdk_durable.checks import RULES

from ._lint import MODULE, durable_findings, durable_matches

CLI = Path(sys.executable).parent / "cfn-lint"
DURABLE_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy"
ASSUME = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}

ROLE = {
    "Type": "AWS::IAM::Role",
    "Properties": {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "ManagedPolicyArns": [{"Fn::Sub": DURABLE_POLICY}],
    },
}


def _sam_function(**props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "CodeUri": "src/",
            "Handler": "app.handler",
            "Runtime": "python3.13",
            "DurableConfig": {"ExecutionTimeout": 600},
            **props,
        },
    }


def _sam(**resources: Any) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": resources,
    }


def _monitor(fn: str = "Fn") -> dict[str, Any]:
    return {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "EventPattern": {
                "source": ["aws.lambda"],
                "detail-type": ["Durable Execution Status Change"],
                "detail": {"status": ["FAILED"]},
            },
        },
    }


def _cfn(**resources: Any) -> dict[str, Any]:
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


CFN_FN = {
    "Type": "AWS::Lambda::Function",
    "Properties": {
        "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
        "Handler": "index.handler",
        "Runtime": "python3.13",
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "DurableConfig": {"ExecutionTimeout": 600},
    },
}


def _version(**attributes: str) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Version", **attributes, "Properties": {"FunctionName": {"Ref": "Fn"}}}


ALIAS = {
    "Type": "AWS::Lambda::Alias",
    "Properties": {
        "FunctionName": {"Ref": "Fn"},
        "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]},
        "Name": "live",
    },
}
RETAINED = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
GOOD_CFN = _cfn(Role=ROLE, Fn=CFN_FN, Version=_version(**RETAINED), Alias=ALIAS, Monitor=_monitor())


def test_cfn_lint_loads_one_rule_per_registry_entry() -> None:
    loaded = Rules.create_from_module(MODULE)

    assert sorted(loaded) == sorted(r.cfn_lint_id for r in RULES)
    assert [c.spec for c in plugin_rules.RULE_CLASSES] == list(RULES)


def test_severity_comes_from_the_registry() -> None:
    loaded = Rules.create_from_module(MODULE)
    for spec in RULES:
        assert loaded[spec.cfn_lint_id].severity == spec.severity.value


# --- plain CloudFormation ---------------------------------------------------------------------------


def test_a_correct_cloudformation_template_has_no_finding() -> None:
    assert durable_findings(GOOD_CFN) == set()


@pytest.mark.parametrize(
    ("attributes", "flagged"),
    [
        ({}, True),
        ({"DeletionPolicy": "Retain"}, True),  # replaced in place: deleted without UpdateReplacePolicy
        ({"UpdateReplacePolicy": "Retain"}, True),  # dropped from the template: deleted
        (RETAINED, False),
    ],
)
def test_cloudformation_version_needs_both_retain_policies(attributes: dict[str, str], flagged: bool) -> None:
    template = _cfn(Role=ROLE, Fn=CFN_FN, Version=_version(**attributes), Alias=ALIAS, Monitor=_monitor())

    assert (("DUR-W4", "Version") in durable_findings(template)) is flagged


def test_cloudformation_pinned_name_and_missing_version() -> None:
    fn = {**CFN_FN, "Properties": {**CFN_FN["Properties"], "FunctionName": "orders"}}

    assert durable_findings(_cfn(Role=ROLE, Fn=fn, Monitor=_monitor())) == {
        ("DUR-E3", "Fn"),
        ("DUR-E7", "Fn"),
    }


# --- SAM (the plugin translates it as SAM would deploy it) ----------------------------------------


def test_a_correct_sam_template_has_no_finding() -> None:
    template = _sam(
        Fn=_sam_function(
            AutoPublishAlias="live",
            Events={"Start": {"Type": "EventBridgeRule", "Properties": {"Pattern": {"source": ["orders"]}}}},
            DeadLetterQueue={"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
        ),
        Dlq={"Type": "AWS::SQS::Queue"},
        Monitor=_monitor(),
    )

    assert durable_findings(template) == set()


def test_sam_without_auto_publish_alias_has_no_version_and_an_unqualified_event_target() -> None:
    template = _sam(
        Fn=_sam_function(
            Events={"Start": {"Type": "EventBridgeRule", "Properties": {"Pattern": {"source": ["orders"]}}}},
        ),
        Monitor=_monitor(),
    )

    findings = durable_findings(template)

    assert ("DUR-E3", "Fn") in findings
    assert ("DUR-E1", "FnStart") in findings  # the rule SAM generates targets the unqualified ARN
    assert ("DUR-W1", "Fn") in findings  # invoked asynchronously, no dead-letter queue


def test_sam_auto_published_version_is_retained_by_sam() -> None:
    template = _sam(Fn=_sam_function(AutoPublishAlias="live"), Monitor=_monitor())

    assert {f for f in durable_findings(template) if f[0] == "DUR-W4"} == set()


def test_sam_template_with_a_plain_version_that_is_not_retained() -> None:
    template = _sam(
        Fn=_sam_function(AutoPublishAlias="live"),
        Extra={"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        Monitor=_monitor(),
    )

    assert durable_findings(template) == {("DUR-W4", "Extra")}


def test_sam_pinned_name_role_without_checkpoint_permissions_and_long_sqs_source() -> None:
    template = _sam(
        Fn=_sam_function(
            AutoPublishAlias="live",
            FunctionName="orders",
            Role={"Fn::GetAtt": ["Role", "Arn"]},
            DurableConfig={"ExecutionTimeout": 3600},
            Events={"Queue": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}}}},
            DeadLetterQueue={"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["Q", "Arn"]}},
        ),
        Q={"Type": "AWS::SQS::Queue"},
        Role={**ROLE, "Properties": {**ROLE["Properties"], "ManagedPolicyArns": []}},
        Monitor=_monitor(),
    )

    assert durable_findings(template) == {
        ("DUR-E4", "FnQueue"),
        ("DUR-E6", "Fn"),
        ("DUR-E7", "Fn"),
    }


def test_sam_environment_variable_with_the_unqualified_arn() -> None:
    template = _sam(
        Fn=_sam_function(AutoPublishAlias="live"),
        Caller={
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "src/",
                "Handler": "app.handler",
                "Runtime": "python3.13",
                "Environment": {"Variables": {"TARGET": {"Fn::GetAtt": ["Fn", "Arn"]}}},
            },
        },
        Monitor=_monitor(),
    )

    assert durable_findings(template) == {("DUR-E2", "Caller")}


def test_sam_template_the_translator_cannot_read_is_one_clear_finding() -> None:
    template = _sam(Fn={"Type": "AWS::Serverless::Function", "Properties": {"Handler": 3}})

    messages = [m.message for m in durable_matches(template)]

    assert len([m for m in messages if m.startswith("durable rules not run: SAM could not transform")]) == 1


def test_sam_without_the_translator_installed_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "samtranslator.translator.translator", None)
    template = _sam(Fn=_sam_function(AutoPublishAlias="live"))

    messages = [m.message for m in durable_matches(template)]

    assert messages == [
        "durable rules not run: the durable rules need aws-sam-translator to read SAM templates: "
        "pip install 'aws-sam-translator>=1.106'"
    ]


# --- cfn-lint's own suppressions -------------------------------------------------------------------


PINNED = _cfn(
    Role=ROLE,
    Fn={**CFN_FN, "Properties": {**CFN_FN["Properties"], "FunctionName": "orders"}},
    Version=_version(**RETAINED),
    Alias=ALIAS,
    Monitor=_monitor(),
)


def test_pinned_name_is_reported_without_suppression() -> None:
    assert durable_findings(PINNED) == {("DUR-E7", "Fn")}


def test_ignore_checks_option_suppresses_a_rule() -> None:
    assert durable_findings(PINNED, ignore_checks=["ED3007"]) == set()


def test_resource_metadata_suppresses_a_rule_on_that_resource_only() -> None:
    fn = {**PINNED["Resources"]["Fn"], "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["ED3007"]}}}}
    other = {**fn, "Metadata": {}, "Properties": {**fn["Properties"], "FunctionName": "other"}}
    template = _cfn(**{**PINNED["Resources"], "Fn": fn, "Other": other})

    assert ("DUR-E7", "Fn") not in durable_findings(template)
    assert ("DUR-E7", "Other") in durable_findings(template)


def test_template_metadata_suppresses_a_rule_everywhere() -> None:
    template = {**PINNED, "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["ED3007"]}}}}

    assert durable_findings(template) == set()


# --- the command line, as docs/checks.md prints it ----------------------------------------------


def _run(template: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(template))
    return subprocess.run(
        [str(CLI), "template.yaml", "-a", MODULE], cwd=tmp_path, capture_output=True, text=True, check=False
    )


def test_command_line_reports_an_error_finding_with_cfn_lint_exit_code(tmp_path: Path) -> None:
    proc = _run(PINNED, tmp_path)

    assert proc.returncode == 2, proc.stdout + proc.stderr  # cfn-lint: 2 = an error was found
    assert proc.stdout.startswith("ED3007 The durable function has a pinned FunctionName.")
    assert "(DUR-E7, docs/checks.md#dur-e7)" in proc.stdout


def test_command_line_is_quiet_on_a_correct_template(tmp_path: Path) -> None:
    proc = _run(GOOD_CFN, tmp_path)

    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_the_deliberately_bad_template_fires_every_rule_where_its_comments_say() -> None:
    findings = durable_findings(Path(__file__).with_name("bad_template.yaml"))

    assert findings == {
        ("DUR-E1", "Nightly"),
        ("DUR-E1", "FromQueueLater"),
        ("DUR-E2", "Caller"),
        ("DUR-E3", "Unpublished"),
        ("DUR-E4", "FromQueue"),
        ("DUR-E5", "Destinations"),
        ("DUR-E6", "Orders"),
        ("DUR-E6", "Unpublished"),
        ("DUR-E7", "Orders"),
        ("DUR-E8", "Orders"),
        ("DUR-W4", "OrdersVersion"),
        ("DUR-W1", "Orders"),
        ("DUR-W2", "Orders"),
        ("DUR-W2", "Unpublished"),
        ("DUR-E10", "Unpublished"),
        ("DUR-E11", "Orders"),
        ("DUR-E12", "Unpublished"),
        ("DUR-E13", "Unpublished"),
        ("DUR-W3", "Unpublished"),
        ("DUR-E14", "OrdersUrl"),
        ("DUR-W5", "FromQueueLater"),
    }
    assert {rule_id for rule_id, _ in findings} == {r.id for r in RULES}


def test_the_plugin_loads_neither_aws_cdk_nor_cdk_nag() -> None:
    code = (
        "import sys, cdk_durable.cfn_lint\n"
        "print(sorted(m for m in ('aws_cdk', 'cdk_nag', 'jsii') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert proc.stdout.strip() == "[]"


def test_reading_a_sam_template_leaves_the_environment_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)

    durable_findings(_sam(Fn=_sam_function(AutoPublishAlias="live"), Monitor=_monitor()))

    assert "AWS_DEFAULT_REGION" not in os.environ


def test_sam_resource_metadata_suppresses_a_rule_on_that_function() -> None:
    fn = _sam_function(AutoPublishAlias="live", FunctionName="orders")
    template = _sam(Fn=fn, Monitor=_monitor())
    suppressed = _sam(
        Fn={**fn, "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["ED3007"]}}}}, Monitor=_monitor()
    )

    assert durable_findings(template) == {("DUR-E7", "Fn")}
    assert durable_findings(suppressed) == set()


def test_a_rule_that_throws_is_reported_by_cfn_lint_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(resource: Any, stack: Any) -> Any:
        raise KeyError("unexpected shape")

    spec = plugin_rules.PinnedFunctionName.spec
    monkeypatch.setattr(plugin_rules.PinnedFunctionName, "spec", dataclasses.replace(spec, rule=broken))
    config = ManualArgs(regions=["us-east-1"], append_rules=[MODULE])

    messages = [m.message for m in lint(json.dumps(PINNED), config=config) if m.rule.id == "E0002"]

    assert messages == ["Unknown exception while processing rule ED3007: \"'unexpected shape'\""]
