"""triage on `cdk-durable serve` (this project's template), driven through boto3 as your code would:
an escalated ticket waits for the agent's review, then the specialist's; each answered by callback.
The service runs the function with ``TRIAGE_MODEL_ID`` empty: the local rules, no Bedrock call."""

from __future__ import annotations

import json

from conftest import event


def test_an_escalated_ticket_waits_for_the_agent_then_the_specialist(service):
    arn = service.start("triage-escalated", "escalation.json")

    service.lambda_client.send_durable_execution_callback_success(
        CallbackId=service.callback_id(arn, "agent-review"), Result=event("agent-answer.json")
    )
    service.lambda_client.send_durable_execution_callback_success(
        CallbackId=service.callback_id(arn, "specialist-review"), Result=event("specialist-answer.json")
    )
    execution = service.finish(arn)
    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"]) == {
        "status": "escalated",
        "ticketId": "TKT-002",
        "category": "technical",
        "priority": "medium",
        "finalResponse": "We restored your data from the backup taken before the upgrade.",
    }


def test_a_callback_failure_fails_the_execution(service):
    arn = service.start("triage-failed", "start.json")

    service.lambda_client.send_durable_execution_callback_failure(
        CallbackId=service.callback_id(arn, "agent-review"),
        Error={"ErrorType": "Unavailable", "ErrorMessage": "review tool down"},
    )
    execution = service.finish(arn)
    assert execution["Status"] == "FAILED"
    assert "review tool down" in execution["Error"]["ErrorMessage"]
