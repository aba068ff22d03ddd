"""triage: resolved, edited, rejected, escalated, review timeout and failure, retries, bad input.

The analyzer is the local keyword analyzer (no TRIAGE_MODEL_ID in tests).
"""

from __future__ import annotations

import json

import pytest
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig
from aws_durable_execution_sdk_python.execution import InvocationStatus
from aws_durable_execution_sdk_python.lambda_service import ErrorObject
from aws_durable_execution_sdk_python.serdes import JsonSerDes

import analyzer
import app
from conftest import callback_id, finish, payload, run, start, step_result

STANDARD = {
    "ticketId": "TKT-001",
    "customerTier": "pro",
    "subject": "Charged twice for my subscription",
    "body": "My invoice shows the same charge twice.",
    "contactEmail": "dana@example.com",
}
URGENT = {
    "ticketId": "TKT-002",
    "customerTier": "enterprise",
    "subject": "Production database lost data after the upgrade",
    "body": "Data loss in three tables, restore now!",
    "contactEmail": "ops@example.org",
}


def answer(runner, arn, name, decision):
    runner.send_callback_success(callback_id(runner, arn, name), result=json.dumps(decision).encode())


def names(result):
    return [op.name for op in result.operations]


@pytest.fixture(autouse=True)
def local_analyzer(monkeypatch):
    monkeypatch.delenv(analyzer.MODEL_ID_ENV, raising=False)


def test_standard_ticket_is_resolved_after_agent_approval(runner):
    arn = start(runner, STANDARD)
    answer(runner, arn, "agent-review", {"approved": True})
    result = finish(runner, arn)

    assert result.status is InvocationStatus.SUCCEEDED
    body = payload(result.result)
    assert body["status"] == "resolved"
    assert (body["category"], body["priority"]) == ("billing", "medium")
    assert body["finalResponse"].startswith("Thanks for reaching out")
    assert step_result(result, "analyze-ticket")["needsEscalation"] is False
    close_out = result.get_context("close-out")
    assert step_result(close_out.get_context("send-reply"), "send-reply")["to"] == "dana@example.com"
    assert step_result(close_out.get_context("send-survey"), "send-survey")["survey"] == "csat-v1"
    assert "specialist-review" not in names(result)


def test_agent_edit_replaces_the_suggested_response(runner):
    arn = start(runner, STANDARD)
    answer(runner, arn, "agent-review", {"approved": True, "editedResponse": "Refunded."})
    result = finish(runner, arn)

    assert payload(result.result)["finalResponse"] == "Refunded."


def test_agent_rejection_sends_nothing(runner):
    arn = start(runner, STANDARD)
    answer(runner, arn, "agent-review", {"approved": False, "agentNotes": "wrong category"})
    result = finish(runner, arn)

    assert payload(result.result)["status"] == "rejected"
    assert "close-out" not in names(result)


def test_urgent_ticket_is_escalated_to_a_specialist(runner):
    arn = start(runner, URGENT)
    answer(runner, arn, "agent-review", {"approved": True})
    answer(runner, arn, "specialist-review", {"approved": True, "editedResponse": "Restored from backup."})
    result = finish(runner, arn)

    body = payload(result.result)
    assert (body["status"], body["priority"]) == ("escalated", "high")
    assert body["finalResponse"] == "Restored from backup."
    assert result.get_context("specialist-review").status.value == "SUCCEEDED"


def test_specialist_timeout_leaves_the_ticket_escalated(runner, monkeypatch):
    # Callback timeouts run on real time in the runner (skip_time skips waits and retry delays only).
    monkeypatch.setattr(
        app, "SPECIALIST_REVIEW", WaitForCallbackConfig(timeout=Duration.from_seconds(1), serdes=JsonSerDes())
    )
    arn = start(runner, URGENT)
    answer(runner, arn, "agent-review", {"approved": True})
    result = finish(runner, arn)

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result) == {**payload(result.result), "status": "escalated", "finalResponse": None}
    assert "close-out" not in names(result)


def test_agent_timeout_escalates(runner, monkeypatch):
    monkeypatch.setattr(
        app, "AGENT_REVIEW", WaitForCallbackConfig(timeout=Duration.from_seconds(1), serdes=JsonSerDes())
    )
    arn = start(runner, STANDARD)
    answer(runner, arn, "specialist-review", {"approved": True})
    result = finish(runner, arn)

    assert payload(result.result)["status"] == "escalated"


def test_review_failure_fails_the_execution(runner):
    arn = start(runner, STANDARD)
    error = ErrorObject(message="review tool crashed", type="ReviewError", data=None, stack_trace=None)
    runner.send_callback_failure(callback_id(runner, arn, "agent-review"), error=error)
    result = finish(runner, arn)

    assert result.status is InvocationStatus.FAILED
    assert "review tool crashed" in (result.error.message or "")


def test_transient_analyzer_errors_are_retried(runner, monkeypatch):
    calls = []
    real = analyzer.analyze_locally

    def flaky(ticket):
        calls.append(ticket["ticketId"])
        if len(calls) < 3:
            raise analyzer.TransientAnalyzerError("throttled")
        return real(ticket)

    monkeypatch.setattr(analyzer, "analyze_locally", flaky)
    arn = start(runner, STANDARD)
    answer(runner, arn, "agent-review", {"approved": True})
    result = finish(runner, arn)

    assert payload(result.result)["status"] == "resolved"
    assert len(calls) == 3


@pytest.mark.parametrize("event", [{}, {**STANDARD, "subject": " "}, {**STANDARD, "customerTier": "gold"}])
def test_invalid_ticket_fails_before_analysis(runner, event):
    result = run(runner, event)

    assert result.status is InvocationStatus.FAILED
    assert "analyze-ticket" not in names(result)


def test_malformed_model_answer_is_rejected():
    with pytest.raises(analyzer.AnalysisFormatError):
        analyzer.parse_analysis({"category": "weather", "priority": "high"}, customer_tier="pro")
