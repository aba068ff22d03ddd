"""Ticket analysis: Amazon Bedrock when ``TRIAGE_MODEL_ID`` is set, local keyword rules otherwise.

The keyword rules are deterministic (the tests use them); Bedrock answers go through the same
:func:`parse_analysis`, so the workflow only ever sees a well-formed analysis. To use Bedrock, set
``TRIAGE_MODEL_ID`` on the function and allow ``bedrock:InvokeModel`` on that model.
"""

from __future__ import annotations

import json
import os
from typing import Any

CATEGORIES = ("billing", "technical", "account", "other")
PRIORITIES = ("low", "medium", "high")
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
PROMPT = (
    "Classify this support ticket. Answer with JSON only: "
    '{"category": one of %s, "priority": one of %s, "summary": str, "suggestedResponse": str}.'
)


class TransientAnalyzerError(Exception):
    """The model could not answer right now (throttling, timeout): retry."""


class AnalysisFormatError(ValueError):
    """The model's answer is not the JSON the prompt asks for: do not retry."""


def parse_analysis(data: dict[str, Any], *, customer_tier: str) -> dict[str, Any]:
    category, priority = data.get("category"), data.get("priority")
    if category not in CATEGORIES or priority not in PRIORITIES:
        raise AnalysisFormatError(f"unexpected category/priority: {category!r}/{priority!r}")
    response = data.get("suggestedResponse")
    if not isinstance(response, str) or not response.strip():
        raise AnalysisFormatError("suggestedResponse must be a non-empty string")
    needs_escalation = priority == "high" or (customer_tier == "enterprise" and category == "technical")
    return {
        "category": category,
        "priority": priority,
        "summary": str(data.get("summary", ""))[:500],
        "suggestedResponse": response.strip(),
        "needsEscalation": needs_escalation,
    }


def analyze_locally(ticket: dict[str, Any]) -> dict[str, Any]:
    text = f"{ticket['subject']} {ticket['body']}".lower()
    category = next((c for c, words in KEYWORDS.items() if any(w in text for w in words)), "other")
    priority = "high" if any(w in text for w in URGENT) else "medium" if category != "other" else "low"
    return {
        "category": category,
        "priority": priority,
        "summary": ticket["subject"],
        "suggestedResponse": f'Thanks for reaching out about "{ticket["subject"]}". We are looking into it.',
    }


def analyze_with_bedrock(ticket: dict[str, Any], model_id: str) -> dict[str, Any]:
    import boto3
    from botocore.exceptions import ClientError

    try:
        answer = boto3.client("bedrock-runtime").converse(
            modelId=model_id,
            system=[{"text": PROMPT % (list(CATEGORIES), list(PRIORITIES))}],
            messages=[{"role": "user", "content": [{"text": f"{ticket['subject']}\n\n{ticket['body']}"}]}],
        )
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in TRANSIENT_ERROR_CODES:
            raise TransientAnalyzerError(str(err)) from err
        raise
    text = answer["output"]["message"]["content"][0]["text"].strip().removeprefix("```json").strip("`\n ")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise AnalysisFormatError(f"model answer is not JSON: {text[:80]!r}") from err


def analyze(ticket: dict[str, Any]) -> dict[str, Any]:
    model_id = os.environ.get(MODEL_ID_ENV)
    raw = analyze_with_bedrock(ticket, model_id) if model_id else analyze_locally(ticket)
    return parse_analysis(raw, customer_tier=ticket["customerTier"])
