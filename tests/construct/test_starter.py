# ruff: noqa: E501  (stubbed request parameters stay on one line each)
"""AsyncStarter: the construct wiring, and the handler logic against a stubbed boto3 Lambda client."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Match
from botocore.stub import Stubber

from cdk_durable._starter_handler import index
from cdk_durable.platform import EXECUTION_NAME_PATTERN
from cdk_durable.starter import HANDLER_DIR, AsyncStarter

from .conftest import durable, new_stack, resources_of, synth

ALIAS_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders:live"

# --- Construct ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def starter_stack() -> Any:
    stack = new_stack()
    fn = durable(stack, execution_timeout=cdk.Duration.days(30))
    queue = sqs.Queue(stack, "Inbox", visibility_timeout=cdk.Duration.minutes(3))
    starter = AsyncStarter(
        stack, "Starter", target=fn, queue=queue, execution_name_field="order.id", batch_size=5
    )
    return stack, fn, starter, synth(stack)


def _lid(stack: cdk.Stack, c: Any) -> str:
    return str(stack.resolve(c.node.default_child.logical_id))


def test_starter_function_gets_the_alias_arn_and_name_source(starter_stack: Any) -> None:
    stack, fn, starter, template = starter_stack
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "index.handler",
            "Runtime": "python3.13",
            "Timeout": 30,
            "MemorySize": 256,
            "Environment": {
                "Variables": {
                    "TARGET_FUNCTION_ARN": {"Ref": _lid(stack, fn.alias)},
                    "EXECUTION_NAME_FIELD": "order.id",
                }
            },
        },
    )
    assert starter.function.node.path.endswith("Starter/Function")


def test_starter_is_fed_by_the_queue_with_partial_batch_failures(starter_stack: Any) -> None:
    stack, _, starter, template = starter_stack
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": _lid(stack, starter.function)},
            "BatchSize": 5,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )


def test_starter_may_invoke_the_alias_only(starter_stack: Any) -> None:
    stack, fn, starter, template = starter_stack
    role_id = _lid(stack, starter.function.role)
    invoke = [
        s
        for p in resources_of(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "lambda:InvokeFunction" in json.dumps(s["Action"])
    ]
    assert invoke == [
        {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Ref": _lid(stack, fn.alias)}}
    ]
    # and the long durable function itself has no event source mapping
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)


def test_starter_asset_contains_only_the_handler(starter_stack: Any) -> None:
    _, _, starter, template = starter_stack
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Code": {"S3Key": Match.string_like_regexp(r"^[0-9a-f]{64}\.zip$")}}
    )
    assembly = cdk.Stage.of(starter).synth()  # type: ignore[union-attr]
    asset_dirs = [p for p in Path(assembly.directory).glob("asset.*") if p.is_dir()]
    contents = sorted(sorted(f.name for f in d.iterdir()) for d in asset_dirs)
    assert ["index.py"] in contents
    assert HANDLER_DIR.joinpath("index.py").exists()


def test_template_name_source_is_passed_to_the_handler() -> None:
    stack = new_stack()
    fn = durable(stack, execution_timeout=cdk.Duration.hours(2))
    AsyncStarter(
        stack, "Starter", target=fn, queue=sqs.Queue(stack, "Q"), execution_name_template="order-{id}"
    )
    synth(stack).has_resource_properties(
        "AWS::Lambda::Function",
        {"Environment": {"Variables": Match.object_like({"EXECUTION_NAME_TEMPLATE": "order-{id}"})}},
    )


# --- Handler: execution names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("order-123", "order-123"),
        ("A_b-9", "A_b-9"),
        ("x" * 64, "x" * 64),
    ],
)
def test_valid_names_are_kept(raw: str, expected: str) -> None:
    assert index.sanitize_name(raw) == expected


@pytest.mark.parametrize(
    "raw", ["order 123", "a.b", "a-b!", "x" * 65, "ü", "   ", "order/2024/07", "x" * 500]
)
def test_invalid_names_are_cleaned_deterministically_within_the_rule(raw: str) -> None:
    name = index.sanitize_name(raw)
    assert re.match(EXECUTION_NAME_PATTERN, name)
    assert name == index.sanitize_name(raw)  # deterministic (redelivery -> same name)
    assert hashlib.sha256(raw.encode()).hexdigest()[:16] in name


def test_distinct_raw_values_that_clean_alike_get_distinct_names() -> None:
    assert index.sanitize_name("a.b") != index.sanitize_name("a-b")
    assert index.sanitize_name("a.b") != index.sanitize_name("a/b")


def test_name_from_field_template_and_body_hash() -> None:
    body = json.dumps({"order": {"id": 42}, "customer": "c 1"})
    assert index.execution_name(body, field="order.id") == "42"
    templated = index.execution_name(body, template="order-{order.id}-{customer}")
    assert templated.startswith("order-42-c-1-") and re.match(EXECUTION_NAME_PATTERN, templated)
    hashed = index.execution_name(body)
    assert hashed == hashlib.sha256(body.encode()).hexdigest() and len(hashed) == 64


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ('{"other": 1}', "order.id", "field 'order.id' is missing"),
        ('{"order": {"id": null}}', "order.id", "must be a non-empty string or number"),
        ('{"order": {"id": ""}}', "order.id", "must be a non-empty string or number"),
        ('{"order": {"id": [1]}}', "order.id", "must be a non-empty string or number"),
        ("not json", "order.id", "message body is not JSON"),
    ],
)
def test_name_errors_name_the_field(body: str, field: str, message: str) -> None:
    with pytest.raises(index.MessageError, match=re.escape(message)):
        index.execution_name(body, field=field)


# --- Handler: invocation and partial batch failures ------------------------------------------------------------


@pytest.fixture
def lambda_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Stubber]]:
    monkeypatch.setenv("TARGET_FUNCTION_ARN", ALIAS_ARN)
    monkeypatch.setenv("EXECUTION_NAME_FIELD", "orderId")
    monkeypatch.delenv("EXECUTION_NAME_TEMPLATE", raising=False)
    client = boto3.client(
        "lambda", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _record(message_id: str, body: str) -> dict[str, Any]:
    return {"messageId": message_id, "body": body, "eventSource": "aws:sqs"}


def test_each_message_starts_an_async_execution_with_its_name(lambda_client: Any) -> None:
    client, stubber = lambda_client
    bodies = [json.dumps({"orderId": "o-1"}), json.dumps({"orderId": "o 2"})]
    for body, name in zip(bodies, ["o-1", index.sanitize_name("o 2")], strict=True):
        stubber.add_response(
            "invoke",
            {"StatusCode": 202},
            {
                "FunctionName": ALIAS_ARN,
                "InvocationType": "Event",
                "DurableExecutionName": name,
                "Payload": body.encode(),
            },
        )
    result = index.handler({"Records": [_record("m1", bodies[0]), _record("m2", bodies[1])]}, client=client)
    assert result == {"batchItemFailures": []}


def test_redelivery_uses_the_same_name_and_payload(lambda_client: Any) -> None:
    client, stubber = lambda_client
    body = json.dumps({"orderId": "o-7"})
    expected = {
        "FunctionName": ALIAS_ARN,
        "InvocationType": "Event",
        "DurableExecutionName": "o-7",
        "Payload": body.encode(),
    }
    stubber.add_response("invoke", {"StatusCode": 202}, expected)
    stubber.add_response("invoke", {"StatusCode": 202}, expected)
    assert index.handler({"Records": [_record("m1", body)]}, client=client) == {"batchItemFailures": []}
    assert index.handler({"Records": [_record("m1", body)]}, client=client) == {"batchItemFailures": []}


def test_failures_are_reported_per_message_and_the_rest_still_start(lambda_client: Any) -> None:
    client, stubber = lambda_client
    ok = json.dumps({"orderId": "ok"})
    stubber.add_client_error("invoke", service_error_code="TooManyRequestsException", http_status_code=429)
    stubber.add_client_error(
        "invoke", service_error_code="DurableExecutionAlreadyStartedException", http_status_code=409
    )
    stubber.add_response(
        "invoke", {"StatusCode": 202},
        {"FunctionName": ALIAS_ARN, "InvocationType": "Event", "DurableExecutionName": "ok", "Payload": ok.encode()},
    )  # fmt: skip
    records = [
        _record("throttled", json.dumps({"orderId": "a"})),
        _record("conflict", json.dumps({"orderId": "b"})),
        _record("no-field", json.dumps({"other": 1})),
        _record("not-json", "hello"),
        _record("fine", ok),
    ]
    result = index.handler({"Records": records}, client=client)
    assert result == {
        "batchItemFailures": [
            {"itemIdentifier": "throttled"},
            {"itemIdentifier": "conflict"},
            {"itemIdentifier": "no-field"},
            {"itemIdentifier": "not-json"},
        ]
    }


def test_body_hash_names_need_no_configuration(lambda_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client, stubber = lambda_client
    monkeypatch.delenv("EXECUTION_NAME_FIELD")
    body = json.dumps({"anything": True})
    stubber.add_response(
        "invoke", {"StatusCode": 202},
        {"FunctionName": ALIAS_ARN, "InvocationType": "Event", "DurableExecutionName": hashlib.sha256(body.encode()).hexdigest(), "Payload": body.encode()},
    )  # fmt: skip
    assert index.handler({"Records": [_record("m", body)]}, client=client) == {"batchItemFailures": []}
