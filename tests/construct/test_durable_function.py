# ruff: noqa: E501  (expected CloudFormation fragments stay on one line each so they read like the template)
"""DurableFunction behaviour: what it creates, qualified wiring, roles, DLQ, KMS, outputs, annotations.

Given/When/Then per test; stacks are shared through module fixtures where a test only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Capture, Match, Template

from cdk_durable.durable_function import DeadLetterQueueMode, DurableFunction
from cdk_durable.platform import (
    DURABLE_MANAGED_POLICY_NAME,
    STATUS_CHANGE_DETAIL_TYPE,
    DurableExecutionStatus,
)

from .conftest import durable, new_stack, resources_of, synth

D = cdk.Duration


def _lid(stack: cdk.Stack, construct: Any) -> str:
    return str(stack.resolve(construct.node.default_child.logical_id))


@dataclass
class Built:
    stack: cdk.Stack
    fn: DurableFunction
    template: Template

    @property
    def fn_id(self) -> str:
        return _lid(self.stack, self.fn.function)

    @property
    def alias_id(self) -> str:
        return _lid(self.stack, self.fn.alias)


@pytest.fixture(scope="module")
def default() -> Built:
    stack = new_stack()
    fn = durable(stack)
    return Built(stack, fn, synth(stack))


@pytest.fixture(scope="module")
def wired() -> Built:
    """One function with every wiring the construct does (grants, rules, sources, async config, outputs)."""
    stack = new_stack()
    fn = durable(
        stack,
        execution_timeout=D.minutes(10),
        max_event_age=D.hours(1),
        retry_attempts=1,
        memory_size=512,
        environment={"TABLE": "orders"},
        tracing=lambda_.Tracing.ACTIVE,
        architecture=lambda_.Architecture.ARM_64,
        events=[sources.SqsEventSource(sqs.Queue(stack, "Inbox"))],
    )
    user = iam.User(stack, "Operator")
    fn.grant_invoke(user)
    fn.grant_invoke(iam.ServicePrincipal("events.amazonaws.com"))
    fn.grant_send_callback(user)
    fn.grant_read_executions(user)
    fn.grant_stop_execution(user)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Second")))
    fn.on_status_change("Failures", target=targets.SnsTopic(sns.Topic(stack, "Topic")))
    fn.add_outputs()
    return Built(stack, fn, synth(stack))


# --- What gets created ------------------------------------------------------------------------------------


def test_durable_config_defaults_to_14_days_retention(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "DurableConfig": {"ExecutionTimeout": 604800, "RetentionPeriodInDays": 14},
            "Runtime": "python3.13",
            "Handler": "index.handler",
        },
    )


def test_a_version_and_an_alias_named_live_on_it_are_always_created(default: Built) -> None:
    version = Capture()
    default.template.resource_count_is("AWS::Lambda::Version", 1)
    default.template.has_resource_properties(
        "AWS::Lambda::Alias",
        {
            "Name": "live",
            "FunctionName": {"Ref": default.fn_id},
            "FunctionVersion": {"Fn::GetAtt": [version, "Version"]},
        },
    )
    assert version.as_string() == _lid(default.stack, default.fn.version)


def test_created_role_carries_the_durable_managed_policy(default: Built) -> None:
    default.template.has_resource_properties(
        "AWS::IAM::Role",
        {"ManagedPolicyArns": Match.array_with([Match.object_like({"Fn::Join": ["", Match.array_with([Match.string_like_regexp(DURABLE_MANAGED_POLICY_NAME)])]})])},
    )  # fmt: skip


def test_dead_letter_queue_is_created_encrypted_with_14_day_retention(default: Built) -> None:
    # Given the default props, Then an SSE-SQS queue with 14 days' retention and TLS-only access exists
    default.template.has_resource_properties(
        "AWS::SQS::Queue", {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 14 * 86400}
    )
    default.template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}},
    )  # fmt: skip
    queue_id = _lid(default.stack, default.fn.dead_letter_queue)
    default.template.has_resource_properties(
        "AWS::Lambda::Function", {"DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": [queue_id, "Arn"]}}}
    )
    default.template.has_resource_properties(
        "AWS::IAM::Policy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [queue_id, "Arn"]}})])}},
    )  # fmt: skip


def test_attributes_are_the_children_users_need(default: Built) -> None:
    fn = default.fn
    assert isinstance(fn.function, lambda_.Function)
    assert isinstance(fn.version, lambda_.Version)
    assert isinstance(fn.alias, lambda_.Alias)
    assert fn.role.node.path == fn.function.role.node.path  # jsii returns a fresh proxy per access
    assert fn.role.role_arn == fn.function.role.role_arn


def test_durable_function_is_grantable_so_other_functions_can_be_invoked_by_it() -> None:
    # Given two durable functions, When other.grant_invoke(fn), Then fn's role may invoke other's alias
    stack = new_stack()
    fn = durable(stack, id="Caller")
    other = durable(stack, id="Callee")
    other.grant_invoke(fn)
    template = synth(stack)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": _lid(stack, fn.role)}],
            "PolicyDocument": {"Statement": Match.array_with([{"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Ref": _lid(stack, other.alias)}}])},
        },
    )  # fmt: skip


def test_default_stack_has_only_the_expected_resources(default: Built) -> None:
    types = sorted(r["Type"] for r in default.template.to_json()["Resources"].values())
    assert types == sorted(
        [
            "AWS::IAM::Role",
            "AWS::IAM::Policy",
            "AWS::Lambda::Function",
            "AWS::Lambda::Version",
            "AWS::Lambda::Alias",
            "AWS::SQS::Queue",
            "AWS::SQS::QueuePolicy",
        ]
    )


# --- Pass-through and alias options ---------------------------------------------------------------------------


def test_function_options_pass_through(wired: Built) -> None:
    wired.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "MemorySize": 512,
            "Environment": {"Variables": {"TABLE": "orders"}},
            "TracingConfig": {"Mode": "Active"},
            "Architectures": ["arm64"],
            "DurableConfig": {"ExecutionTimeout": 600},
        },
    )


def test_async_invocation_config_is_on_the_alias(wired: Built) -> None:
    wired.template.resource_count_is("AWS::Lambda::EventInvokeConfig", 1)
    wired.template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 1},
    )
    (config,) = resources_of(wired.template, "AWS::Lambda::EventInvokeConfig").values()
    assert wired.alias_id in json.dumps(config["Properties"]["Qualifier"])  # the alias' name, not $LATEST


def test_custom_alias_name_and_retention() -> None:
    stack = new_stack()
    durable(stack, alias_name="prod", retention_period=D.days(90))
    template = synth(stack)
    template.has_resource_properties("AWS::Lambda::Alias", {"Name": "prod"})
    template.has_resource_properties(
        "AWS::Lambda::Function", {"DurableConfig": {"RetentionPeriodInDays": 90}}
    )


# --- Qualified everywhere -----------------------------------------------------------------------------------------


def test_every_event_source_mapping_targets_the_alias(wired: Built) -> None:
    mappings = resources_of(wired.template, "AWS::Lambda::EventSourceMapping")
    assert len(mappings) == 2  # events= prop and add_event_source
    for mapping in mappings.values():
        name = mapping["Properties"]["FunctionName"]
        assert wired.alias_id in json.dumps(name)
        assert name["Fn::Join"][1][-1] == ":live"


def test_permissions_for_service_principals_are_on_the_alias(wired: Built) -> None:
    permissions = resources_of(wired.template, "AWS::Lambda::Permission")
    assert permissions
    for perm in permissions.values():
        assert perm["Properties"]["FunctionName"] == {"Ref": wired.alias_id}


def test_nothing_wired_uses_latest_or_the_unqualified_arn_for_invocation(wired: Built) -> None:
    text = json.dumps(wired.template.to_json())
    assert "$LATEST" not in text
    # Every lambda:InvokeFunction grant names the alias only
    for policy in resources_of(wired.template, "AWS::IAM::Policy").values():
        for st in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "lambda:InvokeFunction" in json.dumps(st["Action"]):
                assert st["Resource"] == {"Ref": wired.alias_id}
    # Every output that names something invokable is the alias
    outputs = wired.template.to_json()["Outputs"]
    arn_outputs = [o["Value"] for k, o in outputs.items() if "AliasArn" in k]
    assert arn_outputs == [{"Ref": wired.alias_id}]


def test_add_event_source_on_short_execution_attaches_to_alias_with_sqs_permissions(wired: Built) -> None:
    wired.template.has_resource_properties(
        "AWS::IAM::Policy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Action": Match.array_with(["sqs:ReceiveMessage"])})])}},
    )  # fmt: skip


# --- Roles -----------------------------------------------------------------------------------------------------------


def test_user_supplied_role_also_gets_the_durable_managed_policy() -> None:
    stack = new_stack()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    durable(stack, role=role)
    template = synth(stack)
    template.resource_count_is("AWS::IAM::Role", 1)
    template.has_resource_properties(
        "AWS::IAM::Role",
        {"ManagedPolicyArns": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::aws:policy/{DURABLE_MANAGED_POLICY_NAME}"]]}]},
    )  # fmt: skip


def test_imported_role_gets_checkpoint_actions_on_execution_arns() -> None:
    stack = new_stack()
    role = iam.Role.from_role_arn(stack, "Role", "arn:aws:iam::123456789012:role/existing")
    durable(stack, role=role)
    template = synth(stack)  # (referencing the function itself here would be a dependency cycle)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": ["existing"],
            "PolicyDocument": {"Statement": Match.array_with([{
                "Action": ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"],
                "Effect": "Allow",
                "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":lambda:us-east-1:123456789012:function:*:*"]]},
            }])},
        },
    )  # fmt: skip


def test_immutable_imported_role_gets_a_warning() -> None:
    stack = new_stack()
    role = iam.Role.from_role_arn(stack, "Role", "arn:aws:iam::123456789012:role/existing", mutable=False)
    durable(stack, role=role)
    Annotations.from_stack(stack).has_warning("/Test/Orders", Match.string_like_regexp("role is immutable"))


# --- Dead-letter queue modes ----------------------------------------------------------------------------------------


def test_dead_letter_queue_mode_none_creates_no_queue() -> None:
    stack = new_stack()
    fn = durable(stack, dead_letter_queue_mode=DeadLetterQueueMode.NONE)
    template = synth(stack)
    assert fn.dead_letter_queue is None
    template.resource_count_is("AWS::SQS::Queue", 0)
    template.has_resource_properties("AWS::Lambda::Function", {"DeadLetterConfig": Match.absent()})


def test_own_dead_letter_queue_is_used_and_none_is_created() -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Mine", encryption=sqs.QueueEncryption.SQS_MANAGED)
    fn = durable(stack, dead_letter_queue=queue)
    template = synth(stack)
    assert fn.dead_letter_queue is queue
    template.resource_count_is("AWS::SQS::Queue", 1)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": [_lid(stack, queue), "Arn"]}}},
    )


def test_dead_letter_topic_replaces_the_default_queue() -> None:
    stack = new_stack()
    topic = sns.Topic(stack, "Dlt")
    durable(stack, dead_letter_topic=topic)
    template = synth(stack)
    template.resource_count_is("AWS::SQS::Queue", 0)
    template.has_resource_properties(
        "AWS::Lambda::Function", {"DeadLetterConfig": {"TargetArn": {"Ref": _lid(stack, topic)}}}
    )


# --- Annotations ------------------------------------------------------------------------------------------------------


def test_pinned_function_name_gets_a_replacement_warning() -> None:
    stack = new_stack()
    durable(stack, function_name="orders")
    Annotations.from_stack(stack).has_warning(
        "/Test/Orders",
        Match.string_like_regexp("function_name is pinned to 'orders'.*replaces it.*collid|taken"),
    )


def test_generated_function_name_gets_no_warning(default: Built) -> None:
    Annotations.from_stack(default.stack).has_no_warning("*", Match.string_like_regexp("pinned"))


# --- KMS ----------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_key() -> tuple[Built, kms.Key, iam.User]:
    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    fn = durable(stack, kms_key=key, function_name="orders")
    reader = iam.User(stack, "Reader")
    fn.grant_read_executions(reader)
    invoker = iam.User(stack, "Invoker")
    fn.grant_invoke(invoker)
    return Built(stack, fn, synth(stack)), key, reader


def test_kms_key_sets_durable_config_kms_key_arn(with_key: tuple[Built, kms.Key, iam.User]) -> None:
    built, key, _ = with_key
    built.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "DurableConfig": {
                "ExecutionTimeout": 604800,
                "KMSKeyArn": {"Fn::GetAtt": [_lid(built.stack, key), "Arn"]},
            }
        },
    )


ORDERS_ARN = {
    "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":lambda:us-east-1:123456789012:function:orders"]]
}


def test_key_policy_lets_the_lambda_service_use_the_key_for_this_function(
    with_key: tuple[Built, kms.Key, iam.User],
) -> None:
    built, _, _ = with_key
    built.template.has_resource_properties(
        "AWS::KMS::Key",
        {"KeyPolicy": {"Statement": Match.array_with([{
            "Sid": "DurableExecutionLambdaService",
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": "123456789012"},
                "ArnLike": {"aws:SourceArn": ORDERS_ARN, "kms:EncryptionContext:aws:lambda:FunctionArn": ORDERS_ARN},
            },
        }])}},
    )  # fmt: skip


def test_execution_role_decrypts_only_via_lambda(with_key: tuple[Built, kms.Key, iam.User]) -> None:
    built, key, _ = with_key
    role_id = _lid(built.stack, built.fn.role)
    built.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": role_id}],
            "PolicyDocument": {"Statement": Match.array_with([{
                "Action": "kms:Decrypt",
                "Effect": "Allow",
                "Resource": {"Fn::GetAtt": [_lid(built.stack, key), "Arn"]},
                "Condition": {
                    "StringEquals": {"kms:ViaService": {"Fn::Join": ["", ["lambda.us-east-1.", {"Ref": "AWS::URLSuffix"}]]}},
                    "ArnLike": {"kms:EncryptionContext:aws:lambda:FunctionArn": ORDERS_ARN},
                },
            }])},
        },
    )  # fmt: skip


def test_readers_of_execution_data_get_decrypt_and_invokers_do_not(
    with_key: tuple[Built, kms.Key, iam.User],
) -> None:
    built, key, reader = with_key
    policies = resources_of(built.template, "AWS::IAM::Policy")
    by_user = {
        p["Properties"]["Users"][0]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
        for p in policies.values()
        if "Users" in p["Properties"]
    }
    key_arn = {"Fn::GetAtt": [_lid(built.stack, key), "Arn"]}
    reader_statements = by_user[_lid(built.stack, reader)]
    assert {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": key_arn} in reader_statements
    invoker_statements = [s for uid, sts in by_user.items() if uid != _lid(built.stack, reader) for s in sts]
    assert all("kms:" not in json.dumps(s["Action"]) for s in invoker_statements)


def test_generated_function_name_uses_a_wildcard_arn_to_avoid_a_dependency_cycle() -> None:
    stack = new_stack()
    durable(stack, kms_key=kms.Key(stack, "Key"))
    template = synth(stack)
    wildcard = {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":lambda:us-east-1:123456789012:function:*"]]
    }
    template.has_resource_properties(
        "AWS::KMS::Key",
        {"KeyPolicy": {"Statement": Match.array_with([Match.object_like({"Condition": Match.object_like({"ArnLike": {"aws:SourceArn": wildcard, "kms:EncryptionContext:aws:lambda:FunctionArn": wildcard}})})])}},
    )  # fmt: skip


def test_imported_key_sets_the_arn_and_warns_about_the_key_policy() -> None:
    stack = new_stack()
    arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    durable(stack, kms_key=kms.Key.from_key_arn(stack, "Key", arn))
    synth(stack).has_resource_properties("AWS::Lambda::Function", {"DurableConfig": {"KMSKeyArn": arn}})
    Annotations.from_stack(stack).has_warning(
        "/Test/Orders", Match.string_like_regexp("kms_key is imported.*key policy")
    )


# --- Outputs -------------------------------------------------------------------------------------------------------------


def test_add_outputs_exports_alias_arn_and_function_name(wired: Built) -> None:
    outputs = wired.template.to_json()["Outputs"]
    alias_arn = [o for k, o in outputs.items() if "OutputsAliasArn" in k]
    name = [o for k, o in outputs.items() if "OutputsFunctionName" in k]
    assert [o["Value"] for o in alias_arn] == [{"Ref": wired.alias_id}]
    assert [o["Value"] for o in name] == [{"Ref": wired.fn_id}]
    assert "Export" not in alias_arn[0]


def test_add_outputs_with_prefix_exports_them() -> None:
    stack = new_stack()
    durable(stack).add_outputs(export_prefix="orders")
    template = synth(stack)
    template.has_output("*", {"Export": {"Name": "orders-AliasArn"}})
    template.has_output("*", {"Export": {"Name": "orders-FunctionName"}})


# --- Status events -----------------------------------------------------------------------------------------------------------


def test_status_rule_matches_this_function_only_with_trailing_colon(wired: Built) -> None:
    wired.template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.lambda"],
                "detail-type": [STATUS_CHANGE_DETAIL_TYPE],
                "detail": {"functionArn": [{"prefix": {"Fn::Join": ["", [{"Fn::GetAtt": [wired.fn_id, "Arn"]}, ":"]]}}]},
            },
            "Targets": [Match.object_like({"Arn": Match.any_value()})],
        },
    )  # fmt: skip


def test_status_rule_filters_statuses_deduplicated_and_target_is_optional() -> None:
    stack = new_stack()
    fn = durable(stack)
    rule = fn.on_status_change(
        "Failures",
        statuses=[
            DurableExecutionStatus.FAILED,
            DurableExecutionStatus.TIMED_OUT,
            DurableExecutionStatus.FAILED,
        ],
    )
    template = synth(stack)
    template.has_resource_properties(
        "AWS::Events::Rule",
        {"EventPattern": Match.object_like({"detail": Match.object_like({"status": ["FAILED", "TIMED_OUT"]})}), "Targets": Match.absent()},
    )  # fmt: skip
    assert rule.node.scope is fn


def test_status_rule_prefix_does_not_match_a_longer_function_name() -> None:
    # The pattern's prefix is "<unqualified ARN>:"; simulate EventBridge prefix matching on real ARNs.
    prefix = "arn:aws:lambda:us-east-1:123456789012:function:orders:"
    assert "arn:aws:lambda:us-east-1:123456789012:function:orders:2".startswith(prefix)
    assert "arn:aws:lambda:us-east-1:123456789012:function:orders:live".startswith(prefix)
    assert not "arn:aws:lambda:us-east-1:123456789012:function:orders-v2:1".startswith(prefix)
    stack = new_stack()
    durable(stack, function_name="orders").on_status_change("All")
    pattern = synth(stack).to_json()["Resources"]
    (rule,) = [r for r in pattern.values() if r["Type"] == "AWS::Events::Rule"]
    joined = rule["Properties"]["EventPattern"]["detail"]["functionArn"][0]["prefix"]["Fn::Join"][1]
    assert joined[-1] == ":"


def test_event_rule_target_should_be_the_alias_for_invocation() -> None:
    # Given another rule that invokes the durable function, When it targets fn.alias, Then the rule
    # target and the permission use the qualified alias ARN (aws-cdk#36463: the unqualified ARN never fires)
    stack = new_stack()
    fn = durable(stack)
    from aws_cdk import aws_events as events

    events.Rule(
        stack, "Nightly", schedule=events.Schedule.rate(D.days(1)), targets=[targets.LambdaFunction(fn.alias)]
    )
    template = synth(stack)
    alias_id = _lid(stack, fn.alias)
    template.has_resource_properties(
        "AWS::Events::Rule", {"Targets": [Match.object_like({"Arn": {"Ref": alias_id}})]}
    )
    template.has_resource_properties("AWS::Lambda::Permission", {"FunctionName": {"Ref": alias_id}})
