"""approval on `cdk-durable serve` (this project's template), driven through boto3 as your code would:
start by name, answer the callback (SendDurableExecutionCallbackSuccess/Failure), read the outcome."""

from __future__ import annotations

import json

from conftest import event


def test_an_approved_request_is_applied(service):
    arn = service.start("approval-approved", "start.json")
    callback_id = service.callback_id(arn, "await-approval")

    assert service.status(arn) == "RUNNING", "waits for the answer"
    service.lambda_client.send_durable_execution_callback_success(
        CallbackId=callback_id, Result=event("approve-answer.json")
    )
    execution = service.finish(arn)
    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"]) == {
        "status": "APPROVED",
        "request_id": "req-001",
        "applied": True,
        "approver": "grace@example.com",
    }


def test_a_callback_failure_fails_the_execution(service):
    arn = service.start("approval-failed", "start.json")

    service.lambda_client.send_durable_execution_callback_failure(
        CallbackId=service.callback_id(arn, "await-approval"),
        Error={"ErrorType": "Rejected", "ErrorMessage": "not now"},
    )
    execution = service.finish(arn)
    assert execution["Status"] == "FAILED"
    assert "not now" in execution["Error"]["ErrorMessage"]
