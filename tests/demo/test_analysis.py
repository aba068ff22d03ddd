"""Ticket validation, defensive parsing of the model's answer, the escalation policy, local rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from demo.handler.triage import analyzer
from demo.handler.triage.analyzer import (
    AnalysisFormatError,
    AnalyzerConfigError,
    TransientAnalyzerError,
    analyze,
    local_analysis_text,
    parse_analysis,
    strip_code_fences,
)
from demo.handler.triage.app import ReviewAnswerError, parse_review
from demo.handler.triage.prompt import CATEGORIES, PRIORITIES, SENTIMENTS, SYSTEM_PROMPT, user_message
from demo.handler.triage.ticket import Ticket, TicketValidationError, validate_ticket

from .conftest import StubBedrock, load_event, throttling

TICKET: Ticket = validate_ticket(load_event("standard"))
VALID = {
    "category": "billing",
    "priority": "medium",
    "sentiment": "neutral",
    "suggestedResponse": "We will refund the duplicate charge.",
    "needsEscalation": False,
    "escalationReason": None,
    "summary": "Duplicate charge.",
}


def ticket(**changes: Any) -> dict[str, Any]:
    return {**load_event("standard"), **changes}


# --- ticket validation ------------------------------------------------------------------------------


def test_valid_ticket_is_normalized() -> None:
    t = validate_ticket(ticket(customerTier=" Enterprise ", subject="  Hi  "))
    assert t["customerTier"] == "enterprise"
    assert t["subject"] == "Hi"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        pytest.param([], "the event must be a JSON object", id="not-an-object"),
        pytest.param({"ticketId": "T"}, "missing fields customerId, customerTier", id="missing-fields"),
        pytest.param(ticket(body="   "), "body must be a non-empty string, got '   '", id="blank-body"),
        pytest.param(
            ticket(subject=42), "subject must be a non-empty string, got 42", id="subject-not-string"
        ),
        pytest.param(
            ticket(customerTier="gold"), "customerTier must be one of free, pro, enterprise", id="tier"
        ),
        pytest.param(
            ticket(contactEmail="dana"), "contactEmail must be an email address, got 'dana'", id="email"
        ),
        pytest.param(ticket(ticketId="TKT 1"), "ticketId must be 1-57 characters", id="ticket-id-space"),
        pytest.param(ticket(ticketId="T" * 58), "ticketId must be 1-57 characters", id="ticket-id-long"),
        pytest.param(
            ticket(subject="s" * 201), "subject must be at most 200 characters, got 201", id="subject"
        ),
        pytest.param(
            ticket(body="b" * 10_001), "body must be at most 10,000 characters, got 10,001", id="body"
        ),
    ],
)
def test_malformed_ticket_is_rejected_with_the_field_named(event: Any, message: str) -> None:
    with pytest.raises(TicketValidationError, match=r"^invalid ticket: ") as e:
        validate_ticket(event)
    assert message in str(e.value)


def test_ticket_bounds_pass_at_the_limit() -> None:
    validate_ticket(ticket(ticketId="T" * 57, subject="s" * 200, body="b" * 10_000))


# --- parsing the model's answer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(json.dumps(VALID), id="raw"),
        pytest.param("```json\n" + json.dumps(VALID) + "\n```", id="json-fence"),
        pytest.param("```\n" + json.dumps(VALID) + "\n```", id="bare-fence"),
        pytest.param("Here is the triage:\n" + json.dumps(VALID) + "\nHope it helps.", id="wrapped-in-prose"),
        pytest.param(json.dumps({**VALID, "category": " BILLING "}), id="enum-case-and-space"),
    ],
)
def test_parse_accepts_what_models_actually_send(text: str) -> None:
    assert parse_analysis(text, TICKET) == VALID


def test_strip_code_fences_leaves_plain_text() -> None:
    assert strip_code_fences("  {}  ") == "{}"
    assert strip_code_fences("```json\n{}\n```") == "{}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("I cannot help with that.", "model output is not a JSON object", id="prose"),
        pytest.param("", "model output is not a JSON object", id="empty"),
        pytest.param("[1, 2]", "model output must be a JSON object, got list", id="list"),
        pytest.param(
            json.dumps({**VALID, "category": "refunds"}), "category must be one of billing", id="cat"
        ),
        pytest.param(json.dumps({**VALID, "priority": "p1"}), "priority must be one of low", id="priority"),
        pytest.param(
            json.dumps({**VALID, "sentiment": None}), "sentiment must be one of positive", id="sent"
        ),
        pytest.param(
            json.dumps({**VALID, "needsEscalation": "no"}), "needsEscalation must be true", id="bool"
        ),
        pytest.param(
            json.dumps({**VALID, "summary": ""}), "summary must be a non-empty string", id="summary"
        ),
        pytest.param(
            json.dumps({**VALID, "escalationReason": 3}), "escalationReason must be a string", id="rsn"
        ),
        pytest.param(
            json.dumps({k: v for k, v in VALID.items() if k != "suggestedResponse"}),
            "suggestedResponse must be a non-empty string, got None",
            id="missing-response",
        ),
    ],
)
def test_parse_rejects_garbage_with_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(AnalysisFormatError, match="model output") as e:
        parse_analysis(text, TICKET)
    assert message in str(e.value)


def test_prompt_lists_exactly_the_enums_the_parser_accepts() -> None:
    for values in (CATEGORIES, PRIORITIES, SENTIMENTS):
        assert ", ".join(values) in SYSTEM_PROMPT
    assert all(section in SYSTEM_PROMPT for section in ("# Role", "# Instructions", "# Steps", "# End goal"))
    assert json.loads(user_message(TICKET).split("\n", 1)[1])["ticketId"] == "TKT-001"


# --- escalation policy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "tier", "model_says", "escalates"),
    [
        ("data_loss", "free", False, True),
        ("security", "pro", False, True),
        ("legal_compliance", "free", False, True),
        ("billing", "enterprise", False, True),
        ("billing", "pro", True, False),  # the model may not escalate a billing question
        ("technical", "free", True, False),
        ("other", "pro", False, False),
    ],
)
def test_escalation_only_for_data_loss_security_legal_or_enterprise(
    category: str, tier: str, model_says: bool, escalates: bool
) -> None:
    t = validate_ticket(ticket(customerTier=tier))
    text = json.dumps(
        {**VALID, "category": category, "needsEscalation": model_says, "escalationReason": None}
    )
    result = parse_analysis(text, t)
    assert result["needsEscalation"] is escalates
    assert (result["escalationReason"] is not None) is escalates


# --- the local keyword analyzer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "body", "category", "priority"),
    [
        ("Account hacked", "Someone logged in with unauthorized access", "security", "urgent"),
        ("Files gone", "We lost data after the sync", "data_loss", "urgent"),
        ("GDPR request", "Please delete my personal data per GDPR", "legal_compliance", "high"),
        ("Invoice", "I was charged twice", "billing", "medium"),
        ("Locked out", "I cannot log in to my account", "account", "medium"),
        ("App crash", "The app shows an error and crashes", "technical", "medium"),
        ("Idea", "Would be nice to have dark mode", "feature_request", "low"),
        ("Hello", "Just saying hi", "other", "low"),
    ],
)
def test_local_rules_classify_by_keyword(subject: str, body: str, category: str, priority: str) -> None:
    t = validate_ticket(ticket(subject=subject, body=body))
    result = parse_analysis(local_analysis_text(t), t)
    assert (result["category"], result["priority"]) == (category, priority)


def test_local_rules_are_deterministic_and_raise_enterprise_priority() -> None:
    t = validate_ticket(ticket(customerTier="enterprise", subject="Idea", body="please add a feature"))
    assert local_analysis_text(t) == local_analysis_text(t)
    result = parse_analysis(local_analysis_text(t), t)
    assert result["priority"] == "high" and result["needsEscalation"] is True


# --- analyzer selection and Bedrock errors ----------------------------------------------------------------


def test_unknown_analyzer_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_ANALYZER", "gpt")
    with pytest.raises(AnalyzerConfigError, match="TRIAGE_ANALYZER must be one of bedrock, local, got 'gpt'"):
        analyze(TICKET)


def test_bedrock_without_model_id_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_ANALYZER", "bedrock")
    monkeypatch.delenv("TRIAGE_MODEL_ID", raising=False)
    with pytest.raises(AnalyzerConfigError, match="TRIAGE_MODEL_ID must name a Bedrock model"):
        analyze(TICKET)


def test_bedrock_errors_are_classified(bedrock: type[StubBedrock]) -> None:
    analyzer.use_bedrock_client(bedrock(throttling()))
    with pytest.raises(TransientAnalyzerError, match="ThrottlingException"):
        analyze(TICKET)
    analyzer.use_bedrock_client(bedrock(ReadTimeoutError(endpoint_url="https://bedrock")))
    with pytest.raises(TransientAnalyzerError, match="Read timeout"):
        analyze(TICKET)
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "Converse")
    analyzer.use_bedrock_client(bedrock(denied))
    with pytest.raises(ClientError):  # not transient: retrying cannot help
        analyze(TICKET)


# --- reviewer answers -------------------------------------------------------------------------------------


def test_review_answer_accepts_string_bytes_or_object() -> None:
    expected = {"approved": True, "editedResponse": "Done.", "notes": "n"}
    payload = {"approved": True, "editedResponse": " Done. ", "agentNotes": "n"}
    assert parse_review(json.dumps(payload), name="agent-review") == expected
    assert parse_review(json.dumps(payload).encode(), name="agent-review") == expected
    assert parse_review(payload, name="agent-review") == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("yes", "agent-review answer is not JSON"),
        ("[true]", "agent-review answer must be an object"),
        ('{"approved": "yes"}', "approved must be true or false, got 'yes'"),
        ('{"approved": true, "editedResponse": ""}', "editedResponse must be a non-empty string"),
        ('{"approved": true, "agentNotes": 1}', "agentNotes must be a string"),
    ],
)
def test_review_answer_errors_name_the_callback_and_field(raw: str, message: str) -> None:
    with pytest.raises(ReviewAnswerError) as e:
        parse_review(raw, name="agent-review")
    assert message in str(e.value)
