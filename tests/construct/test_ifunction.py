"""``DurableFunction`` is an ``aws_lambda.IFunction`` that stands for its alias: every CDK integration a
user passes it to is wired to the qualified alias ARN, never the unqualified function.

Each test builds the integration exactly as the CDK docs print it, with ``fn`` where a function goes,
and asserts (``aws_cdk.assertions``) that the alias appears and the function's unqualified ARN/name do not.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as sns_subs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from aws_cdk.assertions import Match, Template

from cdk_durable import DurableFunction
from cdk_durable._args import implements
from cdk_durable._validation import DurableValidationError

from .conftest import durable, new_stack, synth


def _ids(template: Template) -> tuple[str, str]:
    [fn_id] = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"DurableConfig": Match.any_value()}}
    )
    [alias_id] = template.find_resources("AWS::Lambda::Alias")
    return fn_id, alias_id


def _unqualified_refs(template: Template, fn_id: str) -> list[str]:
    """Resources (other than the function's own version, alias, and its role's reference-free ARN
    patterns) whose properties mention the function's unqualified ARN or name."""
    found = []
    for lid, body in template.to_json()["Resources"].items():
        if body["Type"] in (
            "AWS::Lambda::Version",
            "AWS::Lambda::Alias",
            "AWS::CloudWatch::Alarm",
            "AWS::Events::Rule",
        ):
            continue
        text = json.dumps(body.get("Properties", {}))
        if lid != fn_id and (json.dumps({"Ref": fn_id}) in text or f'"{fn_id}", "Arn"' in text):
            found.append(lid)
    return found


def _short(**overrides: Any) -> tuple[cdk.Stack, DurableFunction]:
    stack = new_stack()
    return stack, durable(stack, execution_timeout=cdk.Duration.minutes(10), **overrides)


def test_it_is_an_ifunction_standing_for_its_alias() -> None:
    stack, fn = _short()
    assert implements(fn, lambda_.IFunction)
    resolved = stack.resolve(fn.function_arn)
    assert resolved == stack.resolve(fn.alias.function_arn)
    assert stack.resolve(fn.function_name) == stack.resolve(fn.alias.function_name)
    assert stack.resolve(fn.resource_arns_for_grant_invoke) == stack.resolve(
        fn.alias.resource_arns_for_grant_invoke
    )
    assert fn.permissions_node.path == fn.alias.permissions_node.path
    assert fn.grant_principal.node.path == fn.function.grant_principal.node.path  # type: ignore[attr-defined]
    assert fn.role is not None and fn.role.node.path == fn.function.role.node.path  # type: ignore[union-attr]
    assert fn.is_bound_to_vpc is False
    assert fn.architecture.name == fn.function.architecture.name
    assert fn.stack is stack
    assert stack.resolve(fn.env.region) == "us-east-1"
    # fn.function is there for what needs the unqualified resource (policies on execution ARNs)
    assert stack.resolve(fn.unqualified_function_arn) == stack.resolve(fn.function.function_arn)


def test_rest_api_lambda_integration_invokes_the_alias() -> None:
    stack, fn = _short()
    api = apigw.RestApi(stack, "Api")
    api.root.add_method("POST", apigw.LambdaIntegration(fn))

    template = synth(stack)
    fn_id, alias_id = _ids(template)
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "Integration": {
                "Type": "AWS_PROXY",
                "Uri": {"Fn::Join": ["", Match.array_with([{"Ref": alias_id}])]},
            }
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {"FunctionName": {"Ref": alias_id}, "Principal": "apigateway.amazonaws.com"},
    )
    assert _unqualified_refs(template, fn_id) == []


def test_eventbridge_target_invokes_the_alias() -> None:
    stack, fn = _short()
    rule = events.Rule(stack, "Rule", event_pattern=events.EventPattern(source=["orders"]))
    rule.add_target(targets.LambdaFunction(fn))

    template = synth(stack)
    fn_id, alias_id = _ids(template)
    template.has_resource_properties(
        "AWS::Events::Rule", {"Targets": [Match.object_like({"Arn": {"Ref": alias_id}})]}
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission", {"FunctionName": {"Ref": alias_id}, "Principal": "events.amazonaws.com"}
    )
    assert _unqualified_refs(template, fn_id) == []


def test_sns_subscription_invokes_the_alias() -> None:
    stack, fn = _short()
    topic = sns.Topic(stack, "Topic")
    topic.add_subscription(sns_subs.LambdaSubscription(fn))

    template = synth(stack)
    fn_id, alias_id = _ids(template)
    template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "lambda", "Endpoint": {"Ref": alias_id}}
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission", {"FunctionName": {"Ref": alias_id}, "Principal": "sns.amazonaws.com"}
    )
    assert _unqualified_refs(template, fn_id) == []


def test_step_functions_lambda_invoke_invokes_the_alias() -> None:
    stack, fn = _short()
    task = tasks.LambdaInvoke(
        stack, "Start", lambda_function=fn, invocation_type=tasks.LambdaInvocationType.EVENT
    )
    machine = sfn.StateMachine(stack, "Machine", definition_body=sfn.DefinitionBody.from_chainable(task))
    # the L2 state machine's redundant DependsOn on its role (cfn-lint W3005), as on our own functions
    machine.node.default_child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})  # type: ignore[union-attr]

    template = synth(stack)
    fn_id, alias_id = _ids(template)
    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values()))
    assert {"Ref": alias_id} in machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Action": "lambda:InvokeFunction", "Resource": {"Ref": alias_id}})]
                )
            }
        },
    )
    assert _unqualified_refs(template, fn_id) == []


def test_event_sources_grants_and_permissions_go_to_the_alias() -> None:
    stack, fn = _short()
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    fn.grant_invoke(caller)
    fn.grant_invoke_url(caller)
    fn.add_permission("Partner", principal=iam.AccountPrincipal("210987654321"))
    fn.add_permission("PartnerStruct", lambda_.Permission(principal=iam.AccountPrincipal("310987654321")))

    template = synth(stack)
    fn_id, alias_id = _ids(template)
    [mapping] = template.find_resources("AWS::Lambda::EventSourceMapping").values()
    name = json.dumps(mapping["Properties"]["FunctionName"])  # <name of the alias ARN>:live
    assert alias_id in name and name.endswith('":live"]]}')
    template.resource_properties_count_is(
        "AWS::Lambda::Permission", {"FunctionName": {"Ref": alias_id}, "Principal": Match.any_value()}, 2
    )
    assert _unqualified_refs(template, fn_id) == []


def test_lambda_metrics_are_the_alias_metrics_and_durable_metrics_use_the_function_name() -> None:
    stack, fn = _short()
    errors = stack.resolve(fn.metric_errors().dimensions)
    assert errors == stack.resolve(fn.alias.metric_errors().dimensions)
    assert stack.resolve(fn.metric("Throttles").dimensions) == stack.resolve(
        fn.alias.metric_throttles().dimensions
    )
    assert stack.resolve(fn.metric_failed().dimensions) == {
        "FunctionName": stack.resolve(fn.function.function_name)
    }
    assert stack.resolve(fn.metric("DurableExecutionFailed").dimensions) == stack.resolve(
        fn.metric_failed().dimensions
    )


def test_latest_version_is_refused_in_one_line() -> None:
    _, fn = _short()
    with pytest.raises(
        DurableValidationError, match=r"^latest_version is \$LATEST, .*use the durable function itself"
    ):
        fn.latest_version  # noqa: B018
    with pytest.raises(DurableValidationError, match=r"^grant_invoke_latest_version .*use grant_invoke"):
        fn.grant_invoke_latest_version(iam.AccountRootPrincipal())


def test_function_url_on_a_long_workflow_is_refused_and_a_short_one_gets_it_on_the_alias() -> None:
    stack = new_stack()
    long = durable(stack, "Long")
    with pytest.raises(
        DurableValidationError,
        match=r"^a function URL \(add_function_url\) invokes synchronously.*ApiStarter",
    ):
        long.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)

    stack, fn = _short()
    fn.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
    _, alias_id = _ids(Template.from_stack(stack))
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::Url", {"TargetFunctionArn": Match.any_value(), "Qualifier": "live"}
    )
    assert alias_id


def test_destinations_through_configure_async_invoke_are_refused() -> None:
    _, fn = _short()
    with pytest.raises(
        DurableValidationError, match=r"^configure_async_invoke\(on_success=\.\.\.\) is not allowed"
    ):
        fn.configure_async_invoke(on_success=object())  # type: ignore[arg-type]
