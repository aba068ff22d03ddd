"""approval: a human approves or rejects a request; the workflow waits durably for the answer.

The function stops running while it waits (no compute is billed), and resumes when someone sends
the callback (``aws lambda send-durable-execution-callback-success``) or when the timeout passes.
The callback id is published to the approvers' SNS topic (``NOTIFY_TOPIC_ARN``) by the submitter,
which runs exactly when the callback is created.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_durable_execution_sdk_python import (
    CallbackTimeoutError,
    DurableContext,
    StepContext,
    durable_execution,
    durable_step,
)
from aws_durable_execution_sdk_python.config import Duration, StepConfig, WaitForCallbackConfig
from aws_durable_execution_sdk_python.retries import RetryPresets
from aws_durable_execution_sdk_python.serdes import JsonSerDes
from aws_durable_execution_sdk_python.types import WaitForCallbackContext

#: How long approvers have to answer before the request expires.
APPROVAL_TIMEOUT = Duration.from_days(3)
#: Callback answers are JSON objects ({"approved": true, "approver": "...", "comment": "..."});
#: without a serdes they would arrive as raw strings.
APPROVAL_CALLBACK = WaitForCallbackConfig(timeout=APPROVAL_TIMEOUT, serdes=JsonSerDes())
NO_RETRY = StepConfig(retry_strategy=RetryPresets.none())


class InvalidRequestError(ValueError):
    """The request cannot be processed; retrying would not help."""


@durable_step
def validate_request(step_context: StepContext, event: dict[str, Any]) -> dict[str, Any]:
    request_id = event.get("request_id")
    amount = event.get("amount")
    if not isinstance(request_id, str) or not request_id:
        raise InvalidRequestError("request_id must be a non-empty string")
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
        raise InvalidRequestError("amount must be a positive number")
    return {
        "request_id": request_id,
        "amount": amount,
        "requester": str(event.get("requester", "unknown")),
        "description": str(event.get("description", "")),
    }


def notify_approvers(callback_id: str, context: WaitForCallbackContext, request: dict[str, Any]) -> None:
    """Tell the approvers how to answer. Runs once, when the callback is created."""
    message = {"callback_id": callback_id, "request": request}
    topic_arn = os.environ.get("NOTIFY_TOPIC_ARN")
    if topic_arn:
        boto3.client("sns").publish(
            TopicArn=topic_arn,
            Subject=f"Approval needed: {request['request_id']}",
            Message=json.dumps(message, indent=2),
        )
    context.logger.info("approval requested", extra={"callback_id": callback_id})


@durable_step
def apply_request(step_context: StepContext, request: dict[str, Any], approver: str) -> dict[str, Any]:
    # Replace with the real change (e.g. call the purchasing API). Steps are retried on failure.
    return {"request_id": request["request_id"], "applied": True, "approver": approver}


@durable_step
def record_rejection(step_context: StepContext, request: dict[str, Any], reason: str) -> dict[str, Any]:
    return {"request_id": request["request_id"], "rejected": True, "reason": reason}


@durable_step
def record_expiry(step_context: StepContext, request: dict[str, Any]) -> dict[str, Any]:
    return {"request_id": request["request_id"], "expired": True}


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    request = context.step(validate_request(event), name="validate-request", config=NO_RETRY)
    try:
        decision = context.wait_for_callback(
            lambda callback_id, ctx: notify_approvers(callback_id, ctx, request),
            name="await-approval",
            config=APPROVAL_CALLBACK,
        )
    except CallbackTimeoutError:
        context.logger.warning("approval timed out")
        outcome = context.step(record_expiry(request), name="record-expiry")
        return {"status": "EXPIRED", **outcome}

    if isinstance(decision, dict) and decision.get("approved") is True:
        approver = str(decision.get("approver", "unknown"))
        outcome = context.step(apply_request(request, approver), name="apply-request")
        return {"status": "APPROVED", **outcome}

    reason = str(decision.get("comment", "")) if isinstance(decision, dict) else "malformed decision"
    outcome = context.step(record_rejection(request, reason), name="record-rejection")
    return {"status": "REJECTED", **outcome}
