"""Snapshot of one full stack using every DurableFunction feature, asset hashes masked.

Update after an intended change and review the diff::

    CDK_DURABLE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/construct/test_snapshot.py

Snapshot: ``tests/construct/snapshots/full_stack.json``.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match

from cdk_durable.durable_function import DurableFunction, ReplayLint
from cdk_durable.platform import DurableExecutionStatus
from cdk_durable.starter import AsyncStarter

from .conftest import HANDLER_DIR, new_stack, synth

SNAPSHOT = os.path.join(os.path.dirname(__file__), "snapshots", "full_stack.json")
UPDATE_ENV = "CDK_DURABLE_UPDATE_SNAPSHOTS"


def build_full_stack() -> cdk.Stack:
    stack = new_stack("Full")
    key = kms.Key(stack, "ExecutionKey", enable_key_rotation=True)
    fn = DurableFunction(
        stack,
        "Orders",
        code=lambda_.Code.from_asset(str(HANDLER_DIR)),
        handler="app.handler",
        execution_timeout=cdk.Duration.days(7),
        retention_period=cdk.Duration.days(30),
        timeout=cdk.Duration.minutes(1),
        kms_key=key,
        memory_size=512,
        environment={"STAGE": "test"},
        max_event_age=cdk.Duration.hours(2),
        retry_attempts=1,
        replay_lint=ReplayLint.WARN,
    )
    operator = iam.User(stack, "Operator")
    fn.grant_send_callback(operator)
    fn.grant_read_executions(operator)
    fn.grant_stop_execution(operator)
    fn.grant_pause_execution(operator)
    fn.grant_delete_execution(operator)
    fn.grant_invoke(operator)
    oncall = sns.Topic(stack, "Oncall")
    fn.on_status_change(
        "Failures",
        target=targets.SnsTopic(oncall),
        statuses=[DurableExecutionStatus.FAILED, DurableExecutionStatus.TIMED_OUT],
    )
    fn.add_recommended_alarms(topic=oncall)
    fn.add_outputs()
    inbox = sqs.Queue(
        stack, "Inbox", encryption=sqs.QueueEncryption.SQS_MANAGED, visibility_timeout=cdk.Duration.minutes(3)
    )
    AsyncStarter(stack, "Starter", target=fn, queue=inbox, execution_name_field="orderId")
    return stack


def mask(template: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(template, indent=1, sort_keys=True)
    text = re.sub(r"CurrentVersion([0-9A-F]{8})[0-9a-f]{32}", r"CurrentVersion\1<HASH>", text)
    text = re.sub(r"\b[0-9a-f]{64}\b", "<ASSET_HASH>", text)
    return json.loads(text)  # type: ignore[no-any-return]


def test_full_stack_matches_the_snapshot() -> None:
    stack = build_full_stack()
    actual = mask(synth(stack).to_json())  # cfn-lint clean too
    assert "$LATEST" not in json.dumps(actual)
    if os.environ.get(UPDATE_ENV) == "1" or not os.path.exists(SNAPSHOT):
        os.makedirs(os.path.dirname(SNAPSHOT), exist_ok=True)
        with open(SNAPSHOT, "w") as f:
            json.dump(actual, f, indent=1, sort_keys=True)
            f.write("\n")
        if os.environ.get(UPDATE_ENV) != "1":
            raise AssertionError(f"snapshot {SNAPSHOT} did not exist and was written: review and commit it")
    with open(SNAPSHOT) as f:
        expected = json.load(f)
    assert actual == expected, f"template changed; if intended, rerun with {UPDATE_ENV}=1 and review the diff"
    # A correct handler produces no replay-model warnings; the stack has no errors.
    Annotations.from_stack(stack).has_no_error("*", Match.any_value())
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("replay model"))
