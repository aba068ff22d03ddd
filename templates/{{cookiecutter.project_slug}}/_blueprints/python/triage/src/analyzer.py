"""Ticket analysis: Amazon Bedrock when ``TRIAGE_MODEL_ID`` is set, local keyword rules otherwise.

The stack sets ``TRIAGE_MODEL_ID`` (the account's ``global.`` cross-region inference profile of the
chosen model) and allows ``bedrock:InvokeModel`` on it; only a stack deployed without a model leaves
it unset, and then the deterministic keyword rules classify (the tests use them too). Both paths go
through :func:`parse_analysis`, so the workflow only ever sees a well-formed analysis, and the
escalation rules decide in code whatever the model says.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

CATEGORIES = ("billing", "technical", "account", "other")
PRIORITIES = ("low", "medium", "high")
SENTIMENTS = ("positive", "neutral", "negative", "frustrated")
MODEL_ID_ENV = "TRIAGE_MODEL_ID"
TRANSIENT_ERROR_CODES = frozenset(
    {"ThrottlingException", "ServiceUnavailableException", "InternalServerException", "ModelTimeoutException"}
)
KEYWORDS = {
    "billing": ("invoice", "charge", "charged", "refund", "payment", "price"),
    "technical": ("error", "outage", "down", "crash", "bug", "data loss", "restore", "upgrade"),
    "account": ("password", "login", "sign in", "account", "email address"),
}
URGENT = ("outage", "data loss", "urgent", "down", "security")
FRUSTRATED = ("unacceptable", "again", "still", "!!", "angry", "worst")
SYSTEM_PROMPT = f"""\
# Role
You are a senior customer-support triage analyst. You read one support ticket and classify it
precisely; you never invent facts that are not in the ticket.

# Steps
1. Read the subject and the body; identify the customer's actual problem.
2. category: one of {", ".join(CATEGORIES)}.
3. priority: one of {", ".join(PRIORITIES)} ("high" only for outages, data loss, security incidents
   or a customer who cannot work at all).
4. sentiment: one of {", ".join(SENTIMENTS)}.
5. suggestedResponse: a short, polite reply (at most 120 words) a human agent can send.
6. needsEscalation and escalationReason. Escalation rules: escalate to a specialist when the
   priority is high, or when an enterprise customer reports a technical problem; otherwise the
   agent handles the ticket. When you escalate, give the reason in escalationReason; otherwise null.
7. summary: one sentence.

# Answer
ONE JSON object and nothing else (no prose, no Markdown, no code fences), with exactly these keys:
""" + (
    '{"category": "...", "priority": "...", "sentiment": "...", "suggestedResponse": "...",\n'
    ' "needsEscalation": true|false, "escalationReason": "..."|null, "summary": "..."}\n'
)
_FENCE = re.compile(r"^\s*```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)
_client: Any = None


class TransientAnalyzerError(Exception):
    """The model could not answer right now (throttling, timeout): retry."""


class AnalysisFormatError(ValueError):
    """The model's answer is not the JSON the prompt asks for: do not retry."""


def escalation(category: str, priority: str, customer_tier: str) -> str | None:
    """The escalation rules (the prompt states the same): the reason to escalate, or None."""
    if priority == "high":
        return "high priority"
    if customer_tier == "enterprise" and category == "technical":
        return "technical problem of an enterprise customer"
    return None


def parse_analysis(data: Any, *, customer_tier: str) -> dict[str, Any]:
    """Check the answer's shape and apply the escalation rules (they decide, the model advises)."""
    if not isinstance(data, dict):
        raise AnalysisFormatError(f"the analysis must be a JSON object, got {type(data).__name__}")
    category, priority = data.get("category"), data.get("priority")
    if category not in CATEGORIES or priority not in PRIORITIES:
        raise AnalysisFormatError(f"unexpected category/priority: {category!r}/{priority!r}")
    sentiment = data.get("sentiment", "neutral")
    if sentiment not in SENTIMENTS:
        raise AnalysisFormatError(f"sentiment must be one of {', '.join(SENTIMENTS)}, got {sentiment!r}")
    response = data.get("suggestedResponse")
    if not isinstance(response, str) or not response.strip():
        raise AnalysisFormatError("suggestedResponse must be a non-empty string")
    rule = escalation(category, priority, customer_tier)
    given = data.get("escalationReason")
    reason = given.strip() if rule and isinstance(given, str) and given.strip() else rule
    return {
        "category": category,
        "priority": priority,
        "sentiment": sentiment,
        "summary": str(data.get("summary", ""))[:500],
        "suggestedResponse": response.strip(),
        "needsEscalation": rule is not None,
        "escalationReason": reason,
    }


def analyze_locally(ticket: dict[str, Any]) -> dict[str, Any]:
    text = f"{ticket['subject']} {ticket['body']}".lower()
    category = next((c for c, words in KEYWORDS.items() if any(w in text for w in words)), "other")
    priority = "high" if any(w in text for w in URGENT) else "medium" if category != "other" else "low"
    return {
        "category": category,
        "priority": priority,
        "sentiment": "frustrated" if any(w in text for w in FRUSTRATED) else "neutral",
        "summary": ticket["subject"],
        "suggestedResponse": f'Thanks for reaching out about "{ticket["subject"]}". We are looking into it.',
    }


def bedrock_client() -> Any:
    """The Bedrock runtime client, created once per container. Its own retries are off: the
    ``analyze-ticket`` step retries throttling (checkpointed, with backoff)."""
    global _client
    if _client is None:
        import boto3
        from botocore.config import Config

        no_retries = Config(retries={"max_attempts": 1, "mode": "standard"})
        _client = boto3.client("bedrock-runtime", config=no_retries)
    return _client


def model_text(text: str) -> Any:
    """The JSON object in the model's answer, inside code fences or not."""
    match = _FENCE.match(text)
    cleaned = (match.group(1) if match else text).strip()
    try:
        return json.loads(cleaned)
    except json.JSONDecodeError as err:
        raise AnalysisFormatError(f"model answer is not JSON: {cleaned[:80]!r}") from err


def analyze_with_bedrock(ticket: dict[str, Any], model_id: str) -> Any:
    from botocore.exceptions import ClientError

    message = json.dumps({k: ticket[k] for k in ("ticketId", "customerTier", "subject", "body")}, indent=2)
    try:
        answer = bedrock_client().converse(
            modelId=model_id,
            system=[{"text": SYSTEM_PROMPT}],
            messages=[{"role": "user", "content": [{"text": f"Support ticket:\n{message}"}]}],
            inferenceConfig={"maxTokens": 1024, "temperature": 0},
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in TRANSIENT_ERROR_CODES:
            raise TransientAnalyzerError(str(err)) from err
        raise
    return model_text(answer["output"]["message"]["content"][0]["text"])


def analyze(ticket: dict[str, Any]) -> dict[str, Any]:
    model_id = os.environ.get(MODEL_ID_ENV)
    raw = analyze_with_bedrock(ticket, model_id) if model_id else analyze_locally(ticket)
    return parse_analysis(raw, customer_tier=ticket["customerTier"])
