"""DUR-E1 across every kind of invoker the issue lists, in one stack each way (two synths)."""

from __future__ import annotations

import functools

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as apigwv2_integrations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from aws_cdk.assertions import Annotations, Match

from cdk_durable.checks import DurableChecks

from ._cases import durable_with_alias


def _invoke_everything(stack: cdk.Stack, *, qualified: bool) -> None:
    fn, alias = durable_with_alias(stack)
    target: lambda_.IFunction = alias if qualified else fn
    events.Rule(
        stack,
        "Rule",
        schedule=events.Schedule.rate(cdk.Duration.hours(1)),
        targets=[targets.LambdaFunction(target)],
    )
    role = iam.Role(stack, "SchedulerRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"))
    scheduler.CfnSchedule(
        stack,
        "Schedule",
        flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
        schedule_expression="rate(1 hour)",
        target=scheduler.CfnSchedule.TargetProperty(arn=target.function_arn, role_arn=role.role_arn),
    )
    target.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    target.add_permission("Invoke", principal=iam.AccountRootPrincipal())
    rest = apigateway.RestApi(stack, "Rest")
    rest.root.add_method("GET", apigateway.LambdaIntegration(target))
    http = apigwv2.HttpApi(stack, "Http")
    http.add_routes(
        path="/",
        methods=[apigwv2.HttpMethod.GET],
        integration=apigwv2_integrations.HttpLambdaIntegration("Integration", target),
    )
    sfn.StateMachine(
        stack,
        "Machine",
        definition_body=sfn.DefinitionBody.from_chainable(
            tasks.LambdaInvoke(stack, "Call", lambda_function=target)
        ),
    )
    sns.Topic(stack, "Topic").add_subscription(subscriptions.LambdaSubscription(target))
    s3.Bucket(stack, "Bucket").add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(target)
    )
    # An alias URL renders TargetFunctionArn = the function + Qualifier = the alias name.
    target.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)


@functools.cache
def _annotations() -> tuple[Annotations, Annotations]:
    app = cdk.App()
    unqualified = cdk.Stack(app, "Unqualified")
    qualified = cdk.Stack(app, "Qualified")
    _invoke_everything(unqualified, qualified=False)
    _invoke_everything(qualified, qualified=True)
    cdk.Aspects.of(app).add(DurableChecks())
    return Annotations.from_stack(unqualified), Annotations.from_stack(qualified)


def _e1_paths(annotations: Annotations) -> list[str]:
    return sorted(m.id for m in annotations.find_error("*", Match.string_like_regexp("^DUR-E1: ")))


def test_every_unqualified_invoker_is_flagged() -> None:
    unqualified, _ = _annotations()

    paths = _e1_paths(unqualified)

    assert "/Unqualified/Rule/Resource" in paths
    assert "/Unqualified/Schedule" in paths
    assert "/Unqualified/Rest/Default/GET/Resource" in paths
    assert "/Unqualified/Http/GET--/Integration/Resource" in paths
    assert "/Unqualified/Machine/Resource" in paths
    assert "/Unqualified/Fn/Topic/Resource" in paths  # the subscription lives under the function
    assert "/Unqualified/Bucket/Notifications/Resource" in paths
    assert "/Unqualified/Fn/Invoke" in paths
    assert "/Unqualified/Fn/FunctionUrl/Resource" in paths
    assert any(p.startswith("/Unqualified/Fn/SqsEventSource:") for p in paths)
    assert any(p.startswith("/Unqualified/Rule/AllowEventRule") for p in paths)  # the rule's permission
    assert any(p.startswith("/Unqualified/Rest/Default/GET/ApiPermission") for p in paths)
    assert any(p.startswith("/Unqualified/Bucket/AllowBucketNotificationsTo") for p in paths)


def test_the_same_invokers_through_an_alias_pass() -> None:
    _, qualified = _annotations()

    assert _e1_paths(qualified) == []
