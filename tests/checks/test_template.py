"""The stack view and the rules as pure functions over template dicts (no synthesis)."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_durable.checks import (
    INVOKERS,
    Compliance,
    FunctionTarget,
    StackTemplate,
    async_without_dlq,
    execution_role_checkpoint,
    failure_monitoring,
    unqualified_invocation,
)

FN = {"Type": "AWS::Lambda::Function", "Properties": {"DurableConfig": {"ExecutionTimeout": 600}}}
ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def _stack(**resources: Any) -> StackTemplate:
    return StackTemplate.from_template({"Resources": {"Fn": FN, **resources}})


@pytest.mark.parametrize(
    ("value", "qualifier"),
    [
        ({"Ref": "Fn"}, None),
        (ARN, None),
        ({"Fn::GetAtt": "Fn.Arn"}, None),
        ({"Fn::Join": ["", [ARN, ":$LATEST"]]}, "$LATEST"),
        ({"Fn::Join": ["", [ARN, ":live"]]}, "live"),
        ({"Fn::Join": [":", [ARN, "7"]]}, "7"),
        ({"Fn::Join": [":", [ARN, {"Ref": "AliasName"}]]}, "*"),
        ({"Fn::Join": ["", ["arn:aws:apigateway:r:lambda:path/functions/", ARN, "/invocations"]]}, None),
        ({"Fn::Sub": "${Fn.Arn}"}, None),
        ({"Fn::Sub": "${Fn.Arn}:live"}, "live"),
        ({"Fn::Sub": ["${Target}", {"Target": ARN}]}, None),
    ],
)
def test_references_and_their_qualifiers(value: Any, qualifier: str | None) -> None:
    assert _stack().function_targets(value) == [FunctionTarget("Fn", qualifier)]


def test_alias_and_version_refs_are_qualified() -> None:
    stack = _stack(
        Live={"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"}, "Name": "live"}},
        V1={"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
    )

    assert stack.function_targets({"Ref": "Live"}) == [FunctionTarget("Fn", "live")]
    assert stack.function_targets({"Ref": "V1"}) == [FunctionTarget("Fn", "*")]


def test_literal_arns_and_names_of_a_pinned_function() -> None:
    pinned = {"Type": "AWS::Lambda::Function", "Properties": {**FN["Properties"], "FunctionName": "orders"}}
    stack = StackTemplate.from_template({"Resources": {"Fn": pinned}})

    assert stack.function_targets("arn:aws:lambda:eu-west-1:111122223333:function:orders") == [
        FunctionTarget("Fn", None)
    ]
    assert stack.function_targets("arn:aws:lambda:eu-west-1:111122223333:function:orders:live") == [
        FunctionTarget("Fn", "live")
    ]
    assert stack.function_targets("orders:$LATEST") == [FunctionTarget("Fn", "$LATEST")]
    assert stack.function_targets("arn:aws:lambda:eu-west-1:111122223333:function:orders-v2") == []


def test_a_non_durable_function_is_not_the_rules_business() -> None:
    stack = StackTemplate.from_template(
        {
            "Resources": {
                "Plain": {"Type": "AWS::Lambda::Function", "Properties": {}},
                "Rule": {
                    "Type": "AWS::Events::Rule",
                    "Properties": {"Targets": [{"Arn": {"Fn::GetAtt": ["Plain", "Arn"]}}]},
                },
            }
        }
    )

    assert unqualified_invocation(stack.resources["Rule"], stack) is Compliance.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:lambda:eu-west-1:111122223333:function:orders:$LATEST", Compliance.NON_COMPLIANT),
        ({"Fn::Join": ["", [ARN, ":$LATEST"]]}, Compliance.NON_COMPLIANT),
        ({"Fn::Join": ["", [ARN, ":live"]]}, Compliance.COMPLIANT),
    ],
)
def test_scheduler_target_latest_is_non_compliant(arn: Any, expected: Compliance) -> None:
    pinned = {"Type": "AWS::Lambda::Function", "Properties": {**FN["Properties"], "FunctionName": "orders"}}
    stack = StackTemplate.from_template(
        {
            "Resources": {
                "Fn": pinned,
                "S": {"Type": "AWS::Scheduler::Schedule", "Properties": {"Target": {"Arn": arn}}},
            }
        }
    )

    assert unqualified_invocation(stack.resources["S"], stack) is expected


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (
            ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"],
            Compliance.COMPLIANT,
        ),
        (["lambda:*DurableExecution*"], Compliance.COMPLIANT),
        ("lambda:*", Compliance.COMPLIANT),
        (["lambda:CheckpointDurableExecution"], Compliance.NON_COMPLIANT),
        (["logs:*"], Compliance.NON_COMPLIANT),
    ],
)
def test_execution_role_inline_statements(actions: Any, expected: Compliance) -> None:
    fn = {
        "Type": "AWS::Lambda::Function",
        "Properties": {**FN["Properties"], "Role": {"Fn::GetAtt": ["Role", "Arn"]}},
    }
    role = {"Type": "AWS::IAM::Role", "Properties": {}}
    policy = {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "Roles": [{"Ref": "Role"}],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]},
        },
    }
    stack = StackTemplate.from_template({"Resources": {"Fn": fn, "Role": role, "Policy": policy}})

    assert execution_role_checkpoint(stack.resources["Fn"], stack) is expected


def test_imported_role_is_not_applicable() -> None:
    fn = {
        "Type": "AWS::Lambda::Function",
        "Properties": {**FN["Properties"], "Role": "arn:aws:iam::1:role/x"},
    }
    stack = StackTemplate.from_template({"Resources": {"Fn": fn}})

    assert execution_role_checkpoint(stack.resources["Fn"], stack) is Compliance.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({}, Compliance.COMPLIANT),
        ({"status": ["FAILED"]}, Compliance.COMPLIANT),
        ({"status": ["SUCCEEDED"]}, Compliance.NON_COMPLIANT),
        ({"functionArn": [{"prefix": {"Fn::Join": ["", [ARN, ":"]]}}]}, Compliance.COMPLIANT),
        (
            {"functionArn": [{"prefix": "arn:aws:lambda:r:1:function:other:"}]},
            Compliance.NON_COMPLIANT,
        ),
        ({"status": [{"anything-but": ["SUCCEEDED"]}]}, Compliance.COMPLIANT),
    ],
)
def test_status_rule_must_match_failures_of_this_function(detail: Any, expected: Compliance) -> None:
    rule = {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "EventPattern": {
                "source": ["aws.lambda"],
                "detail-type": ["Durable Execution Status Change"],
                "detail": detail,
            }
        },
    }
    stack = _stack(Status=rule)

    assert failure_monitoring(stack.resources["Fn"], stack) is expected


@pytest.mark.parametrize(
    ("resource_type", "properties"),
    [
        ("AWS::Logs::SubscriptionFilter", {"DestinationArn": ARN}),
        ("AWS::Cognito::UserPool", {"LambdaConfig": {"PreSignUp": ARN}}),
        ("AWS::CloudFormation::CustomResource", {"ServiceToken": ARN}),
        ("Custom::Seed", {"ServiceToken": ARN}),
        ("AWS::Lambda::Url", {"TargetFunctionArn": ARN, "Qualifier": "$LATEST"}),
    ],
)
def test_other_invokers_of_the_unqualified_function(resource_type: str, properties: dict[str, Any]) -> None:
    stack = _stack(Invoker={"Type": resource_type, "Properties": properties})

    assert unqualified_invocation(stack.resources["Invoker"], stack) is Compliance.NON_COMPLIANT


def test_function_url_with_an_alias_qualifier_is_compliant() -> None:
    url = {"Type": "AWS::Lambda::Url", "Properties": {"TargetFunctionArn": ARN, "Qualifier": "live"}}
    stack = _stack(Url=url)

    assert unqualified_invocation(stack.resources["Url"], stack) is Compliance.COMPLIANT


def _subscriber(lambda_parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::EventsV2::Subscriber",
        "Properties": {
            "EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/orders",
            "InvokeConfiguration": {"TargetArn": ARN, "LambdaParameters": lambda_parameters},
        },
    }


@pytest.mark.parametrize(
    ("lambda_parameters", "expected"),
    [
        ({"InvocationType": "EVENT"}, Compliance.NON_COMPLIANT),
        ({"InvocationType": "EVENT", "Qualifier": "$LATEST"}, Compliance.NON_COMPLIANT),
        ({"InvocationType": "EVENT", "Qualifier": "live"}, Compliance.COMPLIANT),
    ],
)
def test_eventsv2_subscriber_is_qualified_by_its_lambda_parameters(
    lambda_parameters: dict[str, Any], expected: Compliance
) -> None:
    stack = _stack(Subscriber=_subscriber(lambda_parameters))

    assert unqualified_invocation(stack.resources["Subscriber"], stack) is expected


@pytest.mark.parametrize(
    ("invoker", "expected"),
    [
        # Asynchronous invokers (the async rows of INVOKERS): W1 applies, no DLQ -> non-compliant.
        ({"Type": "Custom::Seed", "Properties": {"ServiceToken": ARN}}, Compliance.NON_COMPLIANT),
        ({"Type": "AWS::SNS::Subscription", "Properties": {"Endpoint": ARN}}, Compliance.NON_COMPLIANT),
        # A synchronous invoker: W1 does not apply (timeout 600 s, within 15 minutes).
        ({"Type": "AWS::Lambda::Url", "Properties": {"TargetFunctionArn": ARN}}, Compliance.NOT_APPLICABLE),
    ],
)
def test_dlq_rule_reads_the_async_flag_of_the_invokers_table(invoker: Any, expected: Compliance) -> None:
    stack = _stack(Invoker=invoker)

    assert async_without_dlq(stack.resources["Fn"], stack) is expected


def test_one_invokers_table_serves_both_invocation_rules() -> None:
    assert INVOKERS["AWS::Events::Rule"].asynchronous
    assert not INVOKERS["AWS::Lambda::EventSourceMapping"].asynchronous
    assert {t for t, i in INVOKERS.items() if i.asynchronous} >= {
        "AWS::Events::Rule",
        "AWS::Scheduler::Schedule",
        "AWS::SNS::Subscription",
        "AWS::S3::Bucket",
        "AWS::IoT::TopicRule",
        "AWS::Logs::SubscriptionFilter",
        "AWS::CloudFormation::CustomResource",
    }
