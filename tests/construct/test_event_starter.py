"""fn.add_event_starter: an EventBridge Custom Event Bus subscriber (AWS::EventsV2::Subscriber) that invokes
the alias asynchronously with a durable execution name; and DurableChecks on a stack with both starters."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_eventsv2 as eventsv2
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from cdk_durable import ApiStarter, DurableChecks, ExecutionName
from cdk_durable._validation import DurableValidationError
from cdk_durable.event_starter import EventStarter
from tests.cfn_lint._lint import durable_matches

from .conftest import durable, new_stack, resources_of, synth
from .test_api_starter import synth_linted
from .test_execution_name import evaluate_event

BUS_ARN = "arn:aws:events:us-east-1:123456789012:event-busv2/orders/abcdefghijklmnopqrstuvwxy"


def _lid(stack: cdk.Stack, construct: Any) -> str:
    return str(stack.resolve((construct.node.default_child or construct).logical_id))


@pytest.fixture(scope="module")
def starter_stack() -> Any:
    stack = new_stack()
    fn = durable(stack)
    bus = eventsv2.CfnEventBus(stack, "Bus", name="orders")
    dlq = sqs.Queue(stack, "Undelivered")
    starter = fn.add_event_starter(
        "OnOrderPlaced",
        bus=bus,
        execution_name=ExecutionName.from_template("order-{detail.orderId}"),
        event_pattern={"detail-type": ["OrderPlaced"], "source": ["shop"]},
        dead_letter_queue=dlq,
        retry_attempts=10,
        max_event_age=cdk.Duration.hours(2),
    )
    template = synth_linted(stack)
    return stack, fn, bus, dlq, starter, template


def _subscriber(template: Any) -> dict[str, Any]:
    (props,) = [r["Properties"] for r in resources_of(template, "AWS::EventsV2::Subscriber").values()]
    return props


def test_the_subscriber_invokes_the_alias_asynchronously_with_the_name(starter_stack: Any) -> None:
    stack, fn, bus, _, starter, template = starter_stack
    props = _subscriber(template)

    assert isinstance(starter, EventStarter)
    assert props["EventBusArn"] == {"Fn::GetAtt": [_lid(stack, bus), "EventBusArn"]}
    assert props["InvokeConfiguration"]["TargetArn"] == {"Fn::GetAtt": [_lid(stack, fn.function), "Arn"]}
    assert props["InvokeConfiguration"]["LambdaParameters"] == {
        "InvocationType": "EVENT",
        "Qualifier": "live",
        "DurableExecutionName": "{% 'order-' & $string($events.Data.`detail`.`orderId`) %}",
    }
    assert props["BatchConfiguration"] == {"MaxBatchSize": 1}  # one name per invocation
    name = ExecutionName.from_template("order-{detail.orderId}")
    event = {"detail-type": "OrderPlaced", "source": "shop", "detail": {"orderId": "A-17"}}
    assert evaluate_event(name, event) == "order-A-17"


def test_the_event_pattern_filters_the_event_data(starter_stack: Any) -> None:
    props = _subscriber(starter_stack[-1])

    (only,) = props["FilterConfiguration"]["Filters"]
    assert only["Scope"] == "DATA"
    assert json.loads(only["Pattern"]) == {"detail-type": ["OrderPlaced"], "source": ["shop"]}


def test_retries_and_the_dead_letter_queue(starter_stack: Any) -> None:
    stack, _, _, dlq, _, template = starter_stack
    props = _subscriber(template)

    assert props["RetryPolicy"] == {"MaxRetryAttempts": 10, "MaxEventAgeInSeconds": 7200}
    assert props["OnFailureConfiguration"] == {"Arn": {"Fn::GetAtt": [_lid(stack, dlq), "Arn"]}}


def test_the_role_may_invoke_the_alias_and_send_to_the_dead_letter_queue_only(starter_stack: Any) -> None:
    stack, fn, _, dlq, starter, template = starter_stack
    role_id = _lid(stack, starter.role)
    statements = [
        s
        for p in resources_of(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]

    assert {json.dumps(s["Action"]): s["Resource"] for s in statements} == {
        '"lambda:InvokeFunction"': {"Ref": _lid(stack, fn.alias)},
        # CDK's grant_send_messages (it also covers a queue's KMS key when there is one)
        '["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]': {
            "Fn::GetAtt": [_lid(stack, dlq), "Arn"]
        },
    }
    role = resources_of(template, "AWS::IAM::Role")[role_id]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "events.amazonaws.com"
    }
    assert _subscriber(template)["InvokeConfiguration"]["RoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_it_adds_the_subscriber_a_role_and_its_policy() -> None:
    def types(stack: cdk.Stack) -> list[str]:
        return sorted(r["Type"] for r in Template.from_stack(stack).to_json()["Resources"].values())

    base = new_stack()
    durable(base)
    with_starter = new_stack()
    durable(with_starter).add_event_starter(
        "OnOrder", bus=BUS_ARN, execution_name=ExecutionName.from_body_field("detail.orderId")
    )
    added = types(with_starter)
    for t in types(base):
        added.remove(t)

    assert added == ["AWS::EventsV2::Subscriber", "AWS::IAM::Policy", "AWS::IAM::Role"]


def test_an_event_pattern_struct_a_bus_arn_and_a_jsonata_name() -> None:
    stack = new_stack()
    fn = durable(stack)
    fn.add_event_starter(
        "OnOrder",
        bus=BUS_ARN,
        execution_name=ExecutionName.from_jsonata("{% $events.Data.detail.orderId %}"),
        event_pattern=events.EventPattern(
            detail_type=["OrderPlaced"], detail={"total": [{"numeric": [">", 0]}]}
        ),
        subscriber_name="orders-start",
    )
    props = _subscriber(synth_linted(stack))

    assert props["EventBusArn"] == BUS_ARN
    assert props["Name"] == "orders-start"
    assert props["InvokeConfiguration"]["LambdaParameters"]["DurableExecutionName"] == (
        "{% $events.Data.detail.orderId %}"
    )
    assert json.loads(props["FilterConfiguration"]["Filters"][0]["Pattern"]) == {
        "detail-type": ["OrderPlaced"],
        "detail": {"total": [{"numeric": [">", 0]}]},
    }
    assert "RetryPolicy" not in props and "OnFailureConfiguration" not in props


# --- Bad input: one line at construction ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"bus": "classic"},
            r"bus must be an EventBridge Custom Event Bus.* got EventBus \(a classic bus cannot",
        ),
        (
            {"bus": "arn:aws:events:us-east-1:123456789012:event-bus/orders"},
            r"got 'arn:aws:events:.*event-bus/",
        ),
        (
            {"execution_name": ExecutionName.from_header("Idempotency-Key")},
            r"cannot take its execution name from a header",
        ),
        ({"execution_name": "detail.orderId"}, r"execution_name must be an ExecutionName"),
        ({"event_pattern": {}}, r"event_pattern must be a non-empty event pattern"),
        ({"event_pattern": {"source": [{"wildcard": "shop*"}]}}, r"do not support wildcard matching"),
        ({"event_pattern": {"x": ["y" * 5000]}}, r"at most 4096 characters"),
        ({"retry_attempts": 186}, r"retry_attempts must be a whole number 0-185, got 186"),
        ({"max_event_age": cdk.Duration.seconds(30)}, r"between 1 minute and 24 hours, got 30 seconds"),
        ({"subscriber_name": "-bad"}, r"subscriber_name must be 1-256 letters"),
        (
            {"dead_letter_queue": "arn:aws:sqs:us-east-1:123456789012:q"},
            r"dead_letter_queue must be an sqs.IQueue",
        ),
    ],
)
def test_bad_props_are_refused_with_one_line(props: dict[str, Any], message: str) -> None:
    stack = new_stack()
    fn = durable(stack)
    args: dict[str, Any] = {
        "bus": BUS_ARN,
        "execution_name": ExecutionName.from_body_field("detail.orderId"),
        "event_pattern": {"detail-type": ["OrderPlaced"]},
    }
    args.update(props)
    if args["bus"] == "classic":
        args["bus"] = events.EventBus(stack, "Classic")
    with pytest.raises(DurableValidationError, match=message) as raised:
        fn.add_event_starter("OnOrder", **args)
    assert "\n" not in str(raised.value)


# --- Both starters under DurableChecks -----------------------------------------------------------------


def test_durable_checks_find_no_error_on_a_stack_with_both_starters() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Shop", env=cdk.Environment(account="123456789012", region="us-east-1"))
    fn = durable(stack)
    fn.add_recommended_alarms()
    ApiStarter(stack, "Api", target=fn, execution_name=ExecutionName.from_header("Idempotency-Key"))
    fn.add_event_starter(
        "OnOrder",
        bus=eventsv2.CfnEventBus(stack, "Bus", name="orders"),
        execution_name=ExecutionName.from_body_field("detail.orderId"),
        event_pattern={"detail-type": ["OrderPlaced"]},
    )
    cdk.Aspects.of(app).add(DurableChecks())

    annotations = Annotations.from_stack(stack)
    durable_findings = Match.string_like_regexp("^DUR-")
    assert annotations.find_error("*", durable_findings) == []
    assert annotations.find_warning("*", durable_findings) == []
    template = synth(stack)
    assert [m.rule.id for m in durable_matches(template.to_json())] == []
