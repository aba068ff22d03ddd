# ruff: noqa: E501  (the bad-input table keeps one case per line: input, then the message it must produce)
"""Bad input fails at construction (before CloudFormation) with one message naming the input, the value
and what is allowed; every bound is tested on both sides; tokens are skipped."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template

from cdk_durable._validation import DurableValidationError
from cdk_durable.durable_function import DeadLetterQueueMode, DurableFunction
from cdk_durable.observability import DurableAlarms
from cdk_durable.platform import DurableExecutionStatus, DurableMetric
from cdk_durable.starter import AsyncStarter

from .conftest import HANDLER_DIR, durable, new_stack

D = cdk.Duration


def _fn(**overrides: Any) -> Callable[[cdk.Stack], object]:
    return lambda stack: durable(stack, **overrides)


def _key_in(region: str) -> Callable[[cdk.Stack], object]:
    def build(stack: cdk.Stack) -> object:
        key = kms.Key.from_key_arn(
            stack, "Key", f"arn:aws:kms:{region}:123456789012:key/11111111-2222-3333-4444-555555555555"
        )
        return durable(stack, kms_key=key)

    return build


def _key(**key_props: Any) -> Callable[[cdk.Stack], object]:
    return lambda stack: durable(stack, kms_key=kms.Key(stack, "Key", **key_props))


def _queue(stack: cdk.Stack) -> sqs.Queue:
    return sqs.Queue(stack, "Q")


def _event_source_on_long_execution(stack: cdk.Stack) -> object:
    fn = durable(stack, execution_timeout=D.seconds(901))
    fn.add_event_source(sources.SqsEventSource(_queue(stack)))
    return fn


def _status(statuses: Any) -> Callable[[cdk.Stack], object]:
    return lambda stack: durable(stack).on_status_change("Rule", statuses=statuses)


def _alarms(**props: Any) -> Callable[[cdk.Stack], object]:
    return lambda stack: DurableAlarms(stack, "Alarms", target=durable(stack), **props)


def _starter(**props: Any) -> Callable[[cdk.Stack], object]:
    def build(stack: cdk.Stack) -> object:
        props.setdefault("target", durable(stack, execution_timeout=D.days(1)))
        return AsyncStarter(stack, "Starter", queue=_queue(stack), **props)

    return build


# (id, builder, expected message regex). Each is one bad input.
BAD_INPUTS: list[tuple[str, Callable[[cdk.Stack], object], str]] = [
    # execution_timeout: 1 s - 366 days, whole seconds
    ("exec-0s", _fn(execution_timeout=D.seconds(0)), r"execution_timeout must be between 1 second and 366 days .*got 0 seconds"),
    ("exec-366d+1s", _fn(execution_timeout=D.seconds(31_622_401)), r"execution_timeout must be between .*got 31,622,401 seconds"),
    ("exec-367d", _fn(execution_timeout=D.days(367)), r"execution_timeout .*got 367 days"),
    ("exec-fraction", _fn(execution_timeout=D.millis(1500)), r"execution_timeout must be a whole number of seconds, got 1.5 seconds"),
    ("exec-not-duration", _fn(execution_timeout=3600), r"execution_timeout must be a Duration .*got int 3600"),
    # retention_period: whole days 1 - 90
    ("retention-0", _fn(retention_period=D.days(0)), r"retention_period must be between 1 and 90 days, got 0 days"),
    ("retention-91", _fn(retention_period=D.days(91)), r"retention_period must be between 1 and 90 days, got 91 days"),
    ("retention-fraction", _fn(retention_period=D.hours(36)), r"retention_period must be a whole number of days .*got 1.5 days"),
    # timeout: <= 15 min and <= execution_timeout
    ("timeout-901s", _fn(timeout=D.seconds(901)), r"timeout \(per invocation\) must be between 1 second and 15 minutes .*got 901 seconds"),
    ("timeout-0s", _fn(timeout=D.seconds(0)), r"timeout \(per invocation\) must be between 1 second and 15 minutes"),
    ("timeout-over-exec", _fn(execution_timeout=D.seconds(60), timeout=D.seconds(61)), r"timeout \(per invocation\) must not exceed execution_timeout \(1 minute \(60 seconds\)\), got 61 seconds"),
    # alias_name
    ("alias-latest", _fn(alias_name="$LATEST"), r"alias_name must not be \$LATEST"),
    ("alias-digits", _fn(alias_name="42"), r"alias_name must be 1-128 characters .*not only digits.*got '42'"),
    ("alias-empty", _fn(alias_name=""), r"alias_name must be 1-128 characters.*got ''"),
    ("alias-129", _fn(alias_name="a" * 129), r"alias_name must be 1-128 characters"),
    ("alias-space", _fn(alias_name="my alias"), r"alias_name must be .*got 'my alias'"),
    # runtime
    ("runtime-python3.12", _fn(runtime=lambda_.Runtime.PYTHON_3_12), r"runtime must be a runtime that supports durable execution .*got 'python3.12'"),
    ("runtime-nodejs20", _fn(runtime=lambda_.Runtime.NODEJS_20_X), r"runtime must be .*python3.13.*got 'nodejs20.x'"),
    ("runtime-java", _fn(runtime=lambda_.Runtime.JAVA_21), r"runtime must be .*got 'java21'"),
    ("runtime-custom-no-optin", _fn(runtime=lambda_.Runtime.PROVIDED_AL2023), r"runtime 'provided.al2023' is a custom runtime.*allow_custom_runtime=True"),
    ("runtime-image-no-optin", _fn(runtime=lambda_.Runtime.FROM_IMAGE), r"runtime FROM_IMAGE .*allow_custom_runtime=True"),
    ("runtime-string", _fn(runtime="python3.13"), r"runtime must be a lambda_.Runtime .*got str 'python3.13'"),
    # other types
    ("code-string", _fn(code="src/"), r"code must be a lambda_.Code .*got str 'src/'"),
    ("handler-none", _fn(handler=None), r"handler must be a string .*got NoneType None"),
    ("replay-lint-string", _fn(replay_lint="WARN"), r"replay_lint must be a ReplayLint \(WARN, ERROR, OFF\), got str 'WARN'"),
    ("dlq-mode-string", _fn(dead_letter_queue_mode="NONE"), r"dead_letter_queue_mode must be a DeadLetterQueueMode \(CREATE, NONE\)"),
    # refused and conflicting options
    ("on-failure", lambda s: durable(s, on_failure=destinations.SqsDestination(_queue(s))), r"on_failure is not allowed on a DurableFunction: Lambda destinations are not supported"),
    ("on-success", lambda s: durable(s, on_success=destinations.SqsDestination(_queue(s))), r"on_success is not allowed .*destinations are not supported.*on_status_change"),
    ("durable-config", _fn(durable_config=lambda_.DurableConfig(execution_timeout=D.hours(1))), r"durable_config is not allowed .*use execution_timeout= and retention_period="),
    ("dlq-enabled", _fn(dead_letter_queue_enabled=True), r"dead_letter_queue_enabled is not allowed .*dead_letter_queue_mode"),
    ("dlq-and-none", lambda s: durable(s, dead_letter_queue=_queue(s), dead_letter_queue_mode=DeadLetterQueueMode.NONE), r"dead_letter_queue cannot be combined with dead_letter_queue_mode=NONE"),
    ("topic-and-queue", lambda s: durable(s, dead_letter_queue=_queue(s), dead_letter_topic=sns.Topic(s, "T")), r"dead_letter_topic cannot be combined with dead_letter_queue"),
    ("topic-and-none", lambda s: durable(s, dead_letter_topic=sns.Topic(s, "T"), dead_letter_queue_mode=DeadLetterQueueMode.NONE), r"dead_letter_topic cannot be combined with dead_letter_queue_mode=NONE"),
    ("unknown-option", _fn(memory=512), r"unknown option\(s\) memory: DurableFunction accepts"),
    # event sources and the 15-minute rule
    ("event-source-long", _event_source_on_long_execution, r"event source SqsEventSource cannot be attached: event source mappings .*synchronously.*15 minutes.*execution_timeout is 901 seconds\. Use cdk_durable.AsyncStarter"),
    ("events-prop-long", lambda s: durable(s, events=[sources.SqsEventSource(_queue(s))]), r"events cannot be attached: .*execution_timeout is 7 days .*AsyncStarter"),
    # KMS
    ("kms-other-region", _key_in("eu-west-1"), r"kms_key must be in the function's region \(us-east-1\).*got a key in eu-west-1"),
    ("kms-asymmetric", _key(key_spec=kms.KeySpec.RSA_2048, key_usage=kms.KeyUsage.ENCRYPT_DECRYPT), r"kms_key must be a symmetric encryption key \(key spec SYMMETRIC_DEFAULT\), got key spec RSA_2048"),
    ("kms-hmac", _key(key_spec=kms.KeySpec.HMAC_256, key_usage=kms.KeyUsage.GENERATE_VERIFY_MAC), r"kms_key must be a symmetric encryption key .*got key spec HMAC_256"),
    # status events
    ("statuses-empty", _status([]), r"statuses must list at least one status \(RUNNING, SUCCEEDED, FAILED, TIMED_OUT, STOPPED\)"),
    ("statuses-string", _status(["FAILED"]), r"statuses must contain DurableExecutionStatus values .*got 'FAILED'"),
    # metrics and alarms
    ("metric-number", lambda s: durable(s).metric(42), r"metric must be a DurableMetric \(STARTED, .*got 42"),
    ("alarm-threshold-0", _alarms(failures_threshold=0), r"failures_threshold must be a whole number >= 1 \(or None to skip\), got 0"),
    ("alarm-utilization-101", _alarms(running_utilization_percent=101), r"running_utilization_percent must be above 0 and at most 100 .*got 101"),
    ("alarm-storage-0", _alarms(storage_written_percent=0), r"storage_written_percent must be above 0 and at most 100 .*got 0"),
    # AsyncStarter
    ("starter-field-and-template", _starter(execution_name_field="id", execution_name_template="x-{id}"), r"execution_name_field cannot be combined with execution_name_template"),
    ("starter-bad-field", _starter(execution_name_field="order id"), r"execution_name_field must be a dotted path of JSON keys .*got 'order id'"),
    ("starter-template-no-placeholder", _starter(execution_name_template="fixed"), r"execution_name_template must contain at least one \{field\} placeholder .*got 'fixed'"),
    ("starter-target-l2", lambda s: AsyncStarter(s, "S", target=lambda_.Function(s, "F", code=lambda_.Code.from_inline("x"), handler="index.h", runtime=lambda_.Runtime.PYTHON_3_13), queue=_queue(s)), r"target must be a cdk_durable.DurableFunction .*got Function"),
    ("starter-visibility-below-timeout", _starter(timeout=D.seconds(31)), r"queue visibility timeout \(30 seconds\) must be at least the starter's timeout \(31 seconds\)"),
    ("starter-node-runtime", _starter(runtime=lambda_.Runtime.NODEJS_22_X), r"runtime must be a Python runtime \(the starter is Python\), got 'nodejs22.x'"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "message"), [pytest.param(b, m, id=i) for i, b, m in BAD_INPUTS])
def test_bad_input_is_rejected_with_a_clear_message(
    build: Callable[[cdk.Stack], object], message: str
) -> None:
    # Given a fresh stack, When the bad input is used, Then one DurableValidationError names it
    stack = new_stack()
    with pytest.raises(DurableValidationError, match=message):
        build(stack)


def test_there_are_at_least_25_bad_input_cases() -> None:
    assert len(BAD_INPUTS) >= 25


def test_bad_input_raises_before_any_resource_is_created() -> None:
    stack = new_stack()
    with pytest.raises(DurableValidationError):
        durable(stack, execution_timeout=D.seconds(0))
    assert Template.from_stack(stack).to_json().get("Resources", {}) == {}


# --- Both sides of every bound: the accepted side ------------------------------------------------------

GOOD_INPUTS: list[tuple[str, dict[str, Any]]] = [
    ("exec-1s", {"execution_timeout": D.seconds(1), "timeout": D.seconds(1)}),
    ("exec-366d", {"execution_timeout": D.seconds(31_622_400)}),
    ("retention-1", {"retention_period": D.days(1)}),
    ("retention-90", {"retention_period": D.days(90)}),
    ("timeout-900s", {"timeout": D.seconds(900)}),
    ("timeout-equals-exec", {"execution_timeout": D.seconds(60), "timeout": D.seconds(60)}),
    ("alias-128", {"alias_name": "a" * 128}),
    ("alias-mixed", {"alias_name": "prod_2-blue"}),
    ("runtime-python3.13", {"runtime": lambda_.Runtime.PYTHON_3_13}),
    ("runtime-python3.14", {"runtime": lambda_.Runtime.PYTHON_3_14}),
    ("runtime-nodejs22", {"runtime": lambda_.Runtime.NODEJS_22_X}),
    ("runtime-nodejs24", {"runtime": lambda_.Runtime.NODEJS_24_X}),
    (
        "runtime-custom-optin",
        {
            "runtime": lambda_.Runtime.PROVIDED_AL2023,
            "allow_custom_runtime": True,
            "code": lambda_.Code.from_asset(str(HANDLER_DIR)),
            "handler": "bootstrap",
        },
    ),
]


@pytest.mark.parametrize("overrides", [pytest.param(o, id=i) for i, o in GOOD_INPUTS])
def test_values_on_the_allowed_side_of_each_bound_are_accepted(overrides: dict[str, Any]) -> None:
    fn = durable(new_stack(), **overrides)
    assert fn.function.runtime.name == overrides.get("runtime", lambda_.Runtime.PYTHON_3_13).name


def test_event_source_at_exactly_15_minutes_is_accepted_on_the_alias() -> None:
    stack = new_stack()
    fn = durable(stack, execution_timeout=D.minutes(15))
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Q")))
    mapping = Template.from_stack(stack).find_resources("AWS::Lambda::EventSourceMapping")
    (props,) = [r["Properties"] for r in mapping.values()]
    # Then the mapping targets NAME:live, built from the alias (never the bare function)
    alias_id = stack.get_logical_id(fn.alias.node.default_child)
    assert json.dumps(props["FunctionName"]).count(alias_id) == 1
    assert props["FunctionName"]["Fn::Join"][1][-1] == ":live"


def test_starter_timeout_equal_to_the_visibility_timeout_is_accepted() -> None:
    stack = new_stack()
    fn = durable(stack, execution_timeout=D.days(1))
    queue = sqs.Queue(stack, "Q", visibility_timeout=D.seconds(60))
    starter = AsyncStarter(stack, "S", target=fn, queue=queue, timeout=D.seconds(60))
    assert starter.queue is queue


def test_kms_key_in_same_region_and_symmetric_is_accepted() -> None:
    stack = new_stack()
    key = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    assert durable(stack, kms_key=key).kms_key is key


def test_tokens_are_skipped() -> None:
    # Given values only known at deploy time, When the construct is built, Then no check fires
    stack = new_stack()
    seconds = cdk.CfnParameter(stack, "Seconds", type="Number")
    days = cdk.CfnParameter(stack, "Days", type="Number")
    alias = cdk.CfnParameter(stack, "AliasName")
    name = cdk.CfnParameter(stack, "FnName")
    fn = durable(
        stack,
        execution_timeout=D.seconds(seconds.value_as_number),
        retention_period=D.days(days.value_as_number),
        timeout=D.seconds(seconds.value_as_number),
        alias_name=alias.value_as_string,
        function_name=name.value_as_string,
    )
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Q")))
    # a token region on the stack skips the KMS region check
    agnostic = new_stack(env=None)
    key = kms.Key.from_key_arn(
        agnostic, "Key", "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    durable(agnostic, kms_key=key)


def test_user_role_type_is_not_touched_when_it_is_an_iam_role() -> None:
    stack = new_stack()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    assert durable(stack, role=role).role is role


def test_durable_metric_enum_is_complete_for_helpers() -> None:
    fn = durable(new_stack())
    names = {fn.metric(m).metric_name for m in DurableMetric}
    assert names == {m.value for m in DurableMetric}
    assert {s.name for s in DurableExecutionStatus} == {
        "RUNNING",
        "SUCCEEDED",
        "FAILED",
        "TIMED_OUT",
        "STOPPED",
    }


def test_durable_function_type_is_exported_lazily() -> None:
    import cdk_durable

    assert cdk_durable.DurableFunction is DurableFunction
    assert cdk_durable.DeadLetterQueueMode is DeadLetterQueueMode
    assert cdk_durable.AsyncStarter is AsyncStarter
    assert cdk_durable.DurableAlarms is DurableAlarms
    assert re.match(r"\d+\.\d+\.\d+", cdk_durable.__version__)
