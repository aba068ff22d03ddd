"""approval: approve, reject, callback failure, timeout and bad input, driven by operation name."""

from __future__ import annotations

import json

import pytest
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig
from aws_durable_execution_sdk_python.execution import InvocationStatus
from aws_durable_execution_sdk_python.lambda_service import ErrorObject
from aws_durable_execution_sdk_python.serdes import JsonSerDes

import app
from conftest import callback_id, finish, payload, run, start, step_result

REQUEST = {"request_id": "req-1", "amount": 120.5, "requester": "ada", "description": "laptop"}


def answer(runner, execution_arn, decision):
    runner.send_callback_success(
        callback_id(runner, execution_arn, "await-approval"), result=json.dumps(decision).encode()
    )
    return finish(runner, execution_arn)


def test_approved_request_is_applied(runner):
    arn = start(runner, REQUEST)
    result = answer(runner, arn, {"approved": True, "approver": "grace", "comment": "ok"})

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result) == {
        "status": "APPROVED",
        "request_id": "req-1",
        "applied": True,
        "approver": "grace",
    }
    assert step_result(result, "apply-request")["applied"] is True
    assert result.get_context("await-approval").status.value == "SUCCEEDED"


def test_rejected_request_is_recorded_not_applied(runner):
    arn = start(runner, REQUEST)
    result = answer(runner, arn, {"approved": False, "approver": "grace", "comment": "over budget"})

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result)["status"] == "REJECTED"
    assert step_result(result, "record-rejection")["reason"] == "over budget"
    assert "apply-request" not in [op.name for op in result.operations]


def test_callback_failure_fails_the_execution(runner):
    arn = start(runner, REQUEST)
    error = ErrorObject(message="approval system down", type="Unavailable", data=None, stack_trace=None)
    runner.send_callback_failure(callback_id(runner, arn, "await-approval"), error=error)
    result = finish(runner, arn)

    assert result.status is InvocationStatus.FAILED
    assert "approval system down" in (result.error.message or "")
    assert "apply-request" not in [op.name for op in result.operations]


def test_unanswered_request_expires(runner, monkeypatch):
    # The runner's skip_time skips waits and retry delays, but callback timeouts run on real time:
    # shorten the approval window to one second.
    monkeypatch.setattr(
        app, "APPROVAL_CALLBACK", WaitForCallbackConfig(timeout=Duration.from_seconds(1), serdes=JsonSerDes())
    )
    result = run(runner, REQUEST)

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result) == {"status": "EXPIRED", "request_id": "req-1", "expired": True}
    assert result.get_step("record-expiry").status.value == "SUCCEEDED"


def test_submitter_publishes_the_callback_id(runner, monkeypatch):
    published = []

    class FakeSns:
        def publish(self, **kwargs):
            published.append(kwargs)

    monkeypatch.setenv("NOTIFY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:approvals")
    monkeypatch.setattr(app.boto3, "client", lambda service: FakeSns())
    arn = start(runner, REQUEST)
    answer(runner, arn, {"approved": True, "approver": "grace"})

    assert len(published) == 1
    message = json.loads(published[0]["Message"])
    assert message["request"]["request_id"] == "req-1"
    assert message["callback_id"]


@pytest.mark.parametrize("event", [{}, {"request_id": "r", "amount": -1}, {"request_id": "", "amount": 5}])
def test_invalid_request_fails_before_asking(runner, event):
    result = run(runner, event)

    assert result.status is InvocationStatus.FAILED
    assert "await-approval" not in [op.name for op in result.operations]
