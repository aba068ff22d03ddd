"""triage: resolved, edited, rejected, escalated, review timeout and failure, retries, bad input.

The analyzer is the local keyword analyzer (no TRIAGE_MODEL_ID), except in the Bedrock tests: they
set TRIAGE_MODEL_ID and answer the real boto3 client's Converse calls with botocore's Stubber (a
model answer in code fences, a malformed answer, throttling then success).
"""

from __future__ import annotations

import json

import boto3
import pytest
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig
from aws_durable_execution_sdk_python.execution import InvocationStatus
from aws_durable_execution_sdk_python.lambda_service import ErrorObject
from aws_durable_execution_sdk_python.serdes import JsonSerDes
from botocore.stub import ANY, Stubber

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


def test_escalation_rules_decide_whatever_the_model_says():
    said = {"category": "billing", "priority": "low", "suggestedResponse": "Hi", "needsEscalation": True}
    assert analyzer.parse_analysis(said, customer_tier="pro")["needsEscalation"] is False

    urgent = {**said, "priority": "high", "needsEscalation": False, "escalationReason": None}
    assert analyzer.parse_analysis(urgent, customer_tier="pro")["escalationReason"] == "high priority"


# --- the Bedrock path: the real boto3 client, its Converse calls answered by botocore's Stubber ---

MODEL = "global.{{ manifest.bedrock.default_model }}"
MODEL_ANSWER = {
    "category": "billing",
    "priority": "medium",
    "sentiment": "frustrated",
    "suggestedResponse": "Sorry about the double charge: we have refunded the duplicate.",
    "needsEscalation": False,
    "escalationReason": None,
    "summary": "Customer was charged twice.",
}


def converse_answer(text):
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 200, "outputTokens": 80, "totalTokens": 280},
        "metrics": {"latencyMs": 420},
    }


CONVERSE_PARAMS = {"modelId": MODEL, "system": ANY, "messages": ANY, "inferenceConfig": ANY}


@pytest.fixture
def bedrock(monkeypatch):
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    monkeypatch.setenv(analyzer.MODEL_ID_ENV, MODEL)
    monkeypatch.setattr(analyzer, "_client", client)
    with Stubber(client) as stubber:
        yield stubber


def test_bedrock_answer_in_code_fences_is_used(runner, bedrock):
    fenced = "```json\n" + json.dumps(MODEL_ANSWER, indent=2) + "\n```"
    bedrock.add_response("converse", converse_answer(fenced), CONVERSE_PARAMS)

    arn = start(runner, STANDARD)
    answer(runner, arn, "agent-review", {"approved": True})
    result = finish(runner, arn)

    assert result.status is InvocationStatus.SUCCEEDED
    analysis = step_result(result, "analyze-ticket")
    assert analysis["sentiment"] == "frustrated"
    assert (analysis["needsEscalation"], analysis["escalationReason"]) == (False, None)
    assert payload(result.result)["finalResponse"] == MODEL_ANSWER["suggestedResponse"]
    bedrock.assert_no_pending_responses()


def test_bedrock_prompt_asks_for_the_fields_and_the_escalation_rules():
    fields = ("category", "priority", "sentiment", "suggestedResponse", "needsEscalation", "escalationReason")
    for field in (*fields, "summary"):
        assert f'"{field}"' in analyzer.SYSTEM_PROMPT
    assert "Escalation rules" in analyzer.SYSTEM_PROMPT and "enterprise" in analyzer.SYSTEM_PROMPT


def test_malformed_bedrock_answer_fails_the_analysis_without_retrying(runner, bedrock):
    prose = "Sure! It looks like a billing question."
    bedrock.add_response("converse", converse_answer(prose), CONVERSE_PARAMS)

    result = run(runner, STANDARD)

    assert result.status is InvocationStatus.FAILED
    assert "model answer is not JSON" in (result.error.message or "")
    assert "agent-review" not in names(result)
    bedrock.assert_no_pending_responses()  # one call: a format error is not retried


def test_bedrock_throttling_is_retried_then_succeeds(runner, bedrock):
    bedrock.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    bedrock.add_response("converse", converse_answer(json.dumps(MODEL_ANSWER)), CONVERSE_PARAMS)

    arn = start(runner, STANDARD)
    answer(runner, arn, "agent-review", {"approved": True})
    result = finish(runner, arn)

    assert result.status is InvocationStatus.SUCCEEDED
    assert step_result(result, "analyze-ticket")["category"] == "billing"
    bedrock.assert_no_pending_responses()  # both answers consumed: the step ran twice
