"""The demo app (``app.py``): wiring with ``aws_cdk.assertions``, cdk-nag AwsSolutions, cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from app import build_app
from tests.cfnlint_helper import assert_cfn_lint_clean

STACK = "SupportTriage"
PROFILE = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The app as ``cdk synth`` builds it (cdk-nag included: synthesis fails on unacknowledged errors)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    assembly = build_app(cdk.App(outdir=str(outdir))).synth()
    return assembly.get_stack_by_name(STACK).template, outdir


@pytest.fixture(scope="module")
def template(synthesized: tuple[dict[str, Any], Path]) -> Template:
    return Template.from_json(synthesized[0])


def logical_id(template: Template, type_: str, props: dict[str, Any]) -> str:
    found = template.find_resources(type_, {"Properties": Match.object_like(props)})
    assert len(found) == 1, f"expected one {type_} matching {props}, found {list(found)}"
    return next(iter(found))


def triage_function_id(template: Template) -> str:
    return logical_id(template, "AWS::Lambda::Function", {"Handler": "triage.app.handler"})


def statements(template: Template) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for res in template.find_resources("AWS::IAM::Policy").values():
        result.extend(res["Properties"]["PolicyDocument"]["Statement"])
    return result


# --- the durable function ---------------------------------------------------------------------------


def test_triage_is_a_durable_function_with_a_seven_day_execution_timeout(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "triage.app.handler",
            "Runtime": "python3.14",
            "DurableConfig": {"ExecutionTimeout": 7 * 24 * 3600, "RetentionPeriodInDays": 14},
            "Environment": {
                "Variables": {
                    "TRIAGE_ANALYZER": "bedrock",
                    "TRIAGE_MODEL_ID": PROFILE,
                    "REVIEW_TOPIC_ARN": {"Ref": Match.string_like_regexp("^AgentNotifications")},
                }
            },
        },
    )
    template.has_resource_properties("AWS::Lambda::Alias", {"Name": "live"})


def test_the_triage_version_is_retained_across_deploys(template: Template) -> None:
    # Executions suspended on a version (7-day approval, 3-day escalation) replay there after a deploy.
    versions = template.find_resources("AWS::Lambda::Version")
    assert versions
    for version in versions.values():
        assert (version["DeletionPolicy"], version["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_bedrock_permission_is_scoped_to_the_model_and_its_inference_profile(template: Template) -> None:
    bedrock = [s for s in statements(template) if s.get("Action") == "bedrock:InvokeModel"]
    assert len(bedrock) == 1
    resources = json.dumps(bedrock[0]["Resource"])
    for region in ("us-east-1", "us-east-2", "us-west-2"):
        assert f":bedrock:{region}::foundation-model/{MODEL}" in resources
    assert f":inference-profile/{PROFILE}" in resources
    assert "*" not in resources


def test_no_identity_policy_grants_on_star(template: Template) -> None:
    for statement in statements(template):
        assert statement["Resource"] != "*", statement


def test_workflow_may_publish_review_requests(template: Template) -> None:
    role = template.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": "triage.app.handler"}})
    role_ref = next(iter(role.values()))["Properties"]["Role"]["Fn::GetAtt"][0]
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": role_ref}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "sns:Publish",
                                "Resource": {"Ref": Match.string_like_regexp("^AgentNot")},
                            }
                        )
                    ]
                )
            },
        },
    )


# --- the review endpoint ------------------------------------------------------------------------------


def test_review_endpoint_is_an_iam_authorized_function_url(template: Template) -> None:
    review_id = logical_id(template, "AWS::Lambda::Function", {"Handler": "review.handler"})
    template.has_resource_properties(
        "AWS::Lambda::Url", {"AuthType": "AWS_IAM", "TargetFunctionArn": {"Fn::GetAtt": [review_id, "Arn"]}}
    )


def test_review_endpoint_may_send_callbacks_for_triage_executions_only(template: Template) -> None:
    fn = triage_function_id(template)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": [
                            "lambda:SendDurableExecutionCallbackSuccess",
                            "lambda:SendDurableExecutionCallbackFailure",
                            "lambda:SendDurableExecutionCallbackHeartbeat",
                        ],
                        "Effect": "Allow",
                        "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [fn, "Arn"]}, ":*"]]},
                    }
                ]
            }
        },
    )


# --- operations ------------------------------------------------------------------------------------------


def test_failed_and_timed_out_executions_go_to_the_ops_topic(template: Template) -> None:
    ops = logical_id(template, "AWS::SNS::Topic", {"DisplayName": "Triage ops alerts"})
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.lambda"],
                "detail-type": ["Durable Execution Status Change"],
                "detail": {
                    "status": ["FAILED", "TIMED_OUT"],
                    "functionArn": [
                        {
                            "prefix": {
                                "Fn::Join": ["", [{"Fn::GetAtt": [triage_function_id(template), "Arn"]}, ":"]]
                            }
                        }
                    ],
                },
            },
            "Targets": [Match.object_like({"Arn": {"Ref": ops}})],
        },
    )


def test_recommended_alarms_notify_the_ops_topic(template: Template) -> None:
    ops = logical_id(template, "AWS::SNS::Topic", {"DisplayName": "Triage ops alerts"})
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    metrics = sorted(a["Properties"]["MetricName"] for a in alarms.values())
    assert metrics == [
        "ApproximateRunningDurableExecutionsUtilization",
        "DurableExecutionFailed",
        "DurableExecutionStorageWrittenBytes",
        "DurableExecutionTimedOut",
    ]
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": ops}]


def test_topics_are_encrypted_and_the_services_may_use_the_key(template: Template) -> None:
    key = logical_id(template, "AWS::KMS::Key", {"EnableKeyRotation": True})
    for topic in template.find_resources("AWS::SNS::Topic").values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    key_policy = json.dumps(template.find_resources("AWS::KMS::Key")[key]["Properties"]["KeyPolicy"])
    assert "cloudwatch.amazonaws.com" in key_policy and "events.amazonaws.com" in key_policy


# --- outputs ---------------------------------------------------------------------------------------------


def test_outputs_alias_arn_review_endpoint_and_invoke_command(template: Template) -> None:
    alias = logical_id(template, "AWS::Lambda::Alias", {"Name": "live"})
    url = next(iter(template.find_resources("AWS::Lambda::Url")))
    template.has_output("AliasArn", {"Value": {"Ref": alias}})
    template.has_output("ReviewEndpointUrl", {"Value": {"Fn::GetAtt": [url, "FunctionUrl"]}})
    outputs = template.find_outputs("InvokeCommand")
    parts = outputs["InvokeCommand"]["Value"]["Fn::Join"][1]
    assert parts[0] == "aws lambda invoke --function-name "
    assert parts[1] == {"Ref": alias}  # the qualified alias ARN, never the unqualified function
    assert "--invocation-type Event --durable-execution-name ticket-TKT-001" in parts[2]


def test_model_is_chosen_by_context() -> None:
    app = cdk.App(context={"modelId": "amazon.nova-lite-v1:0", "inferenceProfilePrefix": "eu"})
    stack = build_app(app, nag=False).node.find_child(STACK)
    assert isinstance(stack, cdk.Stack)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Environment": {"Variables": Match.object_like({"TRIAGE_MODEL_ID": "eu.amazon.nova-lite-v1:0"})}},
    )


# --- cdk-nag and cfn-lint -----------------------------------------------------------------------------------


def test_cdk_nag_aws_solutions_has_no_unacknowledged_findings(
    synthesized: tuple[dict[str, Any], Path],
) -> None:
    report = json.loads((synthesized[1] / "validation-report.json").read_text())
    (plugin,) = [r for r in report["pluginReports"] if r["pluginName"] == "AwsSolutions"]
    assert plugin["conclusion"] == "success"
    assert plugin["violations"] == []
    for suppressed in plugin["suppressedViolations"]:
        assert len(suppressed["reason"]) > 40, suppressed["ruleName"]  # every acknowledgment says why


def test_template_is_cfn_lint_clean(synthesized: tuple[dict[str, Any], Path]) -> None:
    assert_cfn_lint_clean(synthesized[0])


def test_synth_emits_no_warnings(synthesized: tuple[dict[str, Any], Path]) -> None:
    manifest = json.loads((synthesized[1] / "manifest.json").read_text())
    metadata = manifest["artifacts"][STACK].get("metadata", {})
    levels = [entry["type"] for entries in metadata.values() for entry in entries]
    assert "aws:cdk:warning" not in levels and "aws:cdk:error" not in levels


def test_template_is_clean_under_the_durable_rules(synthesized: tuple[dict[str, Any], Path]) -> None:
    # The same rules as DurableChecks, through cfn-lint (cdk_durable.cfn_lint) on the synthesized template.
    from tests.cfn_lint._lint import durable_findings

    assert durable_findings(synthesized[0]) == set()
