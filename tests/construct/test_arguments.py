# ruff: noqa: E501  (the bad-argument table keeps each expected message readable as one string)
"""Wrong arguments are one ``DurableValidationError`` line at synth, never a jsii traceback; a missing
handler module is found at synth, not at the first invocation; alarms on a KMS-encrypted topic can
publish."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match

from cdk_durable import DurableFunction
from cdk_durable._validation import DurableValidationError
from cdk_durable.observability import ANN_ALARM_TOPIC_KEY

from .conftest import HANDLER_DIR, durable, new_stack, synth

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:oncall"

# (id, what the user wrote, the one line they get)
BAD_ARGUMENTS: list[tuple[str, Callable[[cdk.Stack], object], str]] = [
    (
        "alarms-topic-queue",
        lambda s: durable(s).add_recommended_alarms(topic=sqs.Queue(s, "Q")),
        r"^topic must be an sns.ITopic \(e.g. sns.Topic\(...\) or sns.Topic.from_topic_arn\(...\)\), got Queue ",
    ),
    (
        "alarms-topic-arn",
        lambda s: durable(s).add_recommended_alarms(topic=TOPIC_ARN),
        r"^topic must be an sns.ITopic .*got str 'arn:aws:sns",
    ),
    (
        "alarms-period-number",
        lambda s: durable(s).add_recommended_alarms(period=300),
        r"^period must be a Duration .*got int 300",
    ),
    (
        "alarms-actions-topic",
        lambda s: durable(s).add_recommended_alarms(alarm_actions=[TOPIC_ARN]),
        r"^alarm_actions\[0\] must be a cloudwatch.IAlarmAction",
    ),
    (
        "callback-arn",
        lambda s: durable(s).grant_send_callback("arn:aws:iam::123456789012:role/x"),
        r"^grantee must be an iam.IGrantable .*got str 'arn:aws:iam",
    ),  # type: ignore[arg-type]
    (
        "read-queue",
        lambda s: durable(s).grant_read_executions(sqs.Queue(s, "Q")),
        r"^grantee must be an iam.IGrantable .*got Queue",
    ),  # type: ignore[arg-type]
    ("invoke-string", lambda s: durable(s).grant_invoke("role"), r"^grantee must be an iam.IGrantable"),  # type: ignore[arg-type]
    (
        "retry-attempts-5",
        lambda s: durable(s, retry_attempts=5),
        r"^retry_attempts must be a whole number between 0 and 2, got 5$",
    ),
    (
        "retry-attempts-str",
        lambda s: durable(s, retry_attempts="2"),
        r"^retry_attempts must be a whole number between 0 and 2, got str '2'$",
    ),
    ("max-event-age-seconds", lambda s: durable(s, max_event_age=3600), r"^max_event_age must be a Duration"),
    (
        "max-event-age-7h",
        lambda s: durable(s, max_event_age=cdk.Duration.hours(7)),
        r"^max_event_age must be between 1 minute and 6 hours, got 7 hours$",
    ),
    (
        "memory-64",
        lambda s: durable(s, memory_size=64),
        r"^memory_size must be a whole number between 128 and 10240, got 64$",
    ),
    (
        "role-arn",
        lambda s: durable(s, role="arn:aws:iam::123456789012:role/x"),
        r"^role must be an iam.IRole .*got str",
    ),
    (
        "kms-key-arn",
        lambda s: durable(s, kms_key="arn:aws:kms:us-east-1:123456789012:key/x"),
        r"^kms_key must be a kms.IKey",
    ),
    (
        "dlq-topic",
        lambda s: durable(s, dead_letter_queue=sns.Topic(s, "T")),
        r"^dead_letter_queue must be an sqs.IQueue, got Topic",
    ),
    (
        "environment-int",
        lambda s: durable(s, environment={"RETRIES": 3}),
        r"^environment must be a mapping of strings to strings",
    ),
    (
        "provisioned-negative",
        lambda s: durable(s, provisioned_concurrent_executions=-1),
        r"^provisioned_concurrent_executions must be a whole number >= 0, got -1$",
    ),
    (
        "custom-runtime-str",
        lambda s: durable(s, allow_custom_runtime="yes"),
        r"^allow_custom_runtime must be True or False",
    ),
    (
        "event-source-queue",
        lambda s: durable(s).add_event_source(sqs.Queue(s, "Q")),
        r"^source must be a lambda_.IEventSource",
    ),  # type: ignore[arg-type]
    (
        "permission-string",
        lambda s: durable(s).add_permission("P", "apigateway.amazonaws.com"),
        r"^permission must be a lambda_.Permission",
    ),  # type: ignore[arg-type]
    ("alarms-id-number", lambda s: durable(s).add_recommended_alarms(7), r"^id must be a non-empty string"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("build", "message"), [(b, m) for _, b, m in BAD_ARGUMENTS], ids=[i for i, _, _ in BAD_ARGUMENTS]
)
def test_a_wrong_argument_is_one_line(build: Callable[[cdk.Stack], object], message: str) -> None:
    with pytest.raises(DurableValidationError, match=message) as caught:
        build(new_stack())
    assert "\n" not in str(caught.value)


def test_right_arguments_of_the_same_methods_pass() -> None:
    stack = new_stack()
    fn = durable(stack, retry_attempts=0, max_event_age=cdk.Duration.hours(6), memory_size=128)
    role = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    fn.grant_send_callback(role)
    fn.grant_read_executions(iam.Role.from_role_arn(stack, "Imported", "arn:aws:iam::123456789012:role/x"))
    fn.add_recommended_alarms(
        topic=sns.Topic.from_topic_arn(stack, "Oncall", TOPIC_ARN), period=cdk.Duration.minutes(1)
    )
    synth(stack)


def test_alarms_on_a_kms_encrypted_topic_let_cloudwatch_use_the_key() -> None:
    stack = new_stack()
    key = kms.Key(stack, "TopicKey")
    durable(stack).add_recommended_alarms(topic=sns.Topic(stack, "Oncall", master_key=key))

    template = synth(stack)
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            }
                        )
                    ]
                )
            }
        },
    )
    assert (
        Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(ANN_ALARM_TOPIC_KEY)) == []
    )


def test_alarms_on_a_topic_with_an_imported_key_warn() -> None:
    stack = new_stack()
    key = kms.Key.from_key_arn(
        stack, "TopicKey", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    durable(stack).add_recommended_alarms(topic=sns.Topic(stack, "Oncall", master_key=key))

    [warning] = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("imported KMS key"))
    assert "cloudwatch.amazonaws.com" in str(warning.entry.data)


# --- the handler's module must be in the asset ------------------------------------------------------


def _asset_fn(stack: cdk.Stack, path: Path, handler: str, **props: Any) -> DurableFunction:
    return durable(stack, code=lambda_.Code.from_asset(str(path)), handler=handler, **props)


def test_a_python_handler_missing_from_the_asset_is_a_synth_error() -> None:
    with pytest.raises(DurableValidationError) as caught:
        _asset_fn(new_stack(), HANDLER_DIR, "workflow.handler")
    assert str(caught.value) == (
        f"handler 'workflow.handler' names module 'workflow', but the asset directory {HANDLER_DIR} has no "
        "workflow.py or workflow/__init__.py or workflow.pyc: every invocation would fail with "
        "Runtime.ImportModuleError"
    )


def test_python_handlers_in_files_and_packages_are_found(tmp_path: Path) -> None:
    shutil.copytree(HANDLER_DIR, tmp_path / "src")
    (tmp_path / "src" / "pkg" / "flows").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "src" / "pkg" / "flows" / "__init__.py").write_text("def handler(e, c):\n    return e\n")
    stack = new_stack()
    _asset_fn(stack, tmp_path / "src", "app.handler", id="File")
    _asset_fn(stack, tmp_path / "src", "pkg.flows.handler", id="Package")
    _asset_fn(stack, tmp_path / "src", "pkg/flows.handler", id="Slashes")


def test_a_node_handler_is_looked_up_as_js_mjs_or_cjs(tmp_path: Path) -> None:
    (tmp_path / "index.mjs").write_text("export const handler = async (e) => e;\n")
    (tmp_path / "app.ts").write_text("export const handler = async (e: unknown) => e;\n")
    stack = new_stack()
    _asset_fn(stack, tmp_path, "index.handler", runtime=lambda_.Runtime.NODEJS_22_X)
    with pytest.raises(
        DurableValidationError, match=r"^handler 'app.handler' .* has no app.js or app.mjs or app.cjs"
    ):
        _asset_fn(stack, tmp_path, "app.handler", id="Ts", runtime=lambda_.Runtime.NODEJS_22_X)


def test_a_handler_without_a_function_part_is_refused() -> None:
    with pytest.raises(DurableValidationError, match=r"^handler must be 'module.function' .*got 'app'$"):
        _asset_fn(new_stack(), HANDLER_DIR, "app")


def test_bundled_code_is_checked_in_the_bundle_and_skipped_when_bundling_is(tmp_path: Path) -> None:
    # Given bundling that is skipped for the stack (cdk synth --exclusively of another stack): no check
    app = cdk.App(context={"aws:cdk:bundling-stacks": []})
    stack = cdk.Stack(app, "Skipped", env=cdk.Environment(account="123456789012", region="us-east-1"))
    (tmp_path / "src.ts").write_text("export const handler = 1;\n")
    code = lambda_.Code.from_asset(
        str(tmp_path),
        bundling=cdk.BundlingOptions(image=lambda_.Runtime.NODEJS_22_X.bundling_image, command=["build"]),
    )
    durable(stack, code=code, handler="index.handler", runtime=lambda_.Runtime.NODEJS_22_X)


def test_inline_code_is_not_checked() -> None:
    durable(
        new_stack(),
        code=lambda_.Code.from_inline("def handler(e, c):\n    return e\n"),
        handler="index.handler",
    )
