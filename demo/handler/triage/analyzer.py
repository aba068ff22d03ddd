"""Ticket analysis: Amazon Bedrock in the cloud, deterministic keyword rules locally and in tests.

``TRIAGE_ANALYZER`` selects the analyzer: ``bedrock`` (default; model id from ``TRIAGE_MODEL_ID``)
or ``local`` (the keyword rules, no AWS). Whatever the source, the answer goes through
:func:`parse_analysis`, which strips code fences, validates every field and enum and applies the
escalation policy, so the workflow only ever sees a well-formed analysis.

Errors: :class:`TransientAnalyzerError` (throttling, timeouts, 5xx) is what the workflow's retry
strategy retries; :class:`AnalysisFormatError` (garbage output) and :class:`AnalyzerConfigError`
are not retried.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Final, TypedDict

from .prompt import CATEGORIES, ESCALATION_CATEGORIES, PRIORITIES, SENTIMENTS, SYSTEM_PROMPT, user_message
from .ticket import Ticket

ANALYZER_ENV: Final = "TRIAGE_ANALYZER"
MODEL_ID_ENV: Final = "TRIAGE_MODEL_ID"
ANALYZERS: Final = ("bedrock", "local")
#: Bedrock error codes worth retrying (the rest are configuration or request errors).
TRANSIENT_ERROR_CODES: Final = frozenset(
    {
        "ThrottlingException",
        "ServiceUnavailableException",
        "InternalServerException",
        "ModelTimeoutException",
        "ModelNotReadyException",
        "TooManyRequestsException",
    }
)
MAX_RESPONSE_CHARS: Final = 4_000


class Analysis(TypedDict):
    category: str
    priority: str
    sentiment: str
    suggestedResponse: str
    needsEscalation: bool
    escalationReason: str | None
    summary: str


class AnalyzerError(Exception):
    """Base class of analysis failures."""


class TransientAnalyzerError(AnalyzerError):
    """The model could not answer right now (throttling, timeout, service error): retry."""


class AnalysisFormatError(AnalyzerError):
    """The model answered, but not with the JSON the prompt asks for: do not retry."""


class AnalyzerConfigError(AnalyzerError):
    """The analyzer is misconfigured (unknown analyzer, missing model id)."""


# --- parsing ------------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def strip_code_fences(text: str) -> str:
    """```json ... ``` -> the inside; anything else unchanged (but trimmed)."""
    match = _FENCE.match(text)
    return (match.group(1) if match else text).strip()


def _extract_json_object(text: str) -> Any:
    cleaned = strip_code_fences(text)
    try:
        return json.loads(cleaned)
    except json.JSONDecodeError:
        pass
    # Models sometimes wrap the object in a sentence: take the outermost {...}.
    start, end = cleaned.find("{"), cleaned.rfind("}")
    if start != -1 and end > start:
        try:
            return json.loads(cleaned[start : end + 1])
        except json.JSONDecodeError:
            pass
    preview = cleaned[:80].replace("\n", " ")
    raise AnalysisFormatError(f"model output is not a JSON object: {preview!r}")


def _enum(data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise AnalysisFormatError(
            f"model output field {key} must be one of {', '.join(allowed)}, got {value!r}"
        )
    return value.strip().lower()


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AnalysisFormatError(f"model output field {key} must be a non-empty string, got {value!r}")
    return value.strip()[:MAX_RESPONSE_CHARS]


def parse_analysis(text: str, ticket: Ticket) -> Analysis:
    """Parse the model's answer defensively and apply the escalation policy."""
    data = _extract_json_object(text)
    if not isinstance(data, dict):
        raise AnalysisFormatError(f"model output must be a JSON object, got {type(data).__name__}")
    needs = data.get("needsEscalation")
    if not isinstance(needs, bool):
        raise AnalysisFormatError(f"model output field needsEscalation must be true or false, got {needs!r}")
    reason = data.get("escalationReason")
    if reason is not None and not isinstance(reason, str):
        raise AnalysisFormatError(
            f"model output field escalationReason must be a string or null, got {reason!r}"
        )
    analysis = Analysis(
        category=_enum(data, "category", CATEGORIES),
        priority=_enum(data, "priority", PRIORITIES),
        sentiment=_enum(data, "sentiment", SENTIMENTS),
        suggestedResponse=_text(data, "suggestedResponse"),
        needsEscalation=needs,
        escalationReason=(reason or "").strip() or None,
        summary=_text(data, "summary"),
    )
    return apply_escalation_policy(analysis, ticket)


def apply_escalation_policy(analysis: Analysis, ticket: Ticket) -> Analysis:
    """Escalate only for data loss, security, legal/compliance, or the enterprise tier.

    The model's opinion is advisory: policy decides, so a creative model cannot escalate a billing
    question, and an enterprise ticket is never left without a specialist.
    """
    result = Analysis(**analysis)
    if analysis["category"] in ESCALATION_CATEGORIES:
        result["needsEscalation"] = True
        result["escalationReason"] = analysis["escalationReason"] or analysis["category"].replace("_", " ")
    elif ticket["customerTier"] == "enterprise":
        result["needsEscalation"] = True
        result["escalationReason"] = analysis["escalationReason"] or "enterprise tier"
    else:
        result["needsEscalation"] = False
        result["escalationReason"] = None
    return result


# --- local keyword rules --------------------------------------------------------------------------

#: First matching rule wins, so the most serious categories come first.
KEYWORD_RULES: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("security", "urgent", ("hacked", "breach", "unauthorized", "phishing", "vulnerability", "compromised")),
    ("data_loss", "urgent", ("data loss", "lost data", "lost all", "deleted", "missing files", "corrupt")),
    ("legal_compliance", "high", ("gdpr", "lawyer", "legal", "compliance", "subpoena", "hipaa", "lawsuit")),
    ("billing", "medium", ("invoice", "charged", "charge", "refund", "billing", "payment")),
    ("account", "medium", ("login", "log in", "password", "locked out", "account", "sign in")),
    ("technical", "medium", ("error", "crash", "bug", "timeout", "broken", "500", "not working")),
    ("feature_request", "low", ("feature", "would be nice", "please add", "suggestion")),
)
NEGATIVE_WORDS: Final = ("angry", "unacceptable", "terrible", "worst", "furious", "ridiculous", "!!")
UNHAPPY_WORDS: Final = ("not happy", "disappointed", "frustrat", "annoy", "problem", "issue", "again")
POSITIVE_WORDS: Final = ("thanks", "thank you", "love", "great", "appreciate")


def local_analysis_text(ticket: Ticket) -> str:
    """What a well-behaved model would answer, computed from keywords (deterministic)."""
    text = f"{ticket['subject']} {ticket['body']}".lower()
    category, priority = "other", "low"
    for rule_category, rule_priority, words in KEYWORD_RULES:
        if any(w in text for w in words):
            category, priority = rule_category, rule_priority
            break
    if ticket["customerTier"] == "enterprise" and priority in ("low", "medium"):
        priority = "high"
    if any(w in text for w in NEGATIVE_WORDS):
        sentiment = "frustrated"
    elif any(w in text for w in UNHAPPY_WORDS):
        sentiment = "negative"
    elif any(w in text for w in POSITIVE_WORDS):
        sentiment = "positive"
    else:
        sentiment = "neutral"
    escalate = category in ESCALATION_CATEGORIES or ticket["customerTier"] == "enterprise"
    reason = None
    if category in ESCALATION_CATEGORIES:
        reason = f"{category.replace('_', ' ')} reported"
    elif escalate:
        reason = "enterprise tier"
    topic = category.replace("_", " ")
    response = (
        f'Hello, thank you for contacting us about "{ticket["subject"]}". '
        f"We have classified your request as {topic} with {priority} priority and "
        + ("a specialist is reviewing it now. " if escalate else "an agent is working on it. ")
        + "We will get back to you shortly."
    )
    return json.dumps(
        {
            "category": category,
            "priority": priority,
            "sentiment": sentiment,
            "suggestedResponse": response,
            "needsEscalation": escalate,
            "escalationReason": reason,
            "summary": f"{topic.capitalize()} request from a {ticket['customerTier']} customer: "
            f"{ticket['subject']}",
        }
    )


# --- Bedrock -----------------------------------------------------------------------------------

_bedrock_client: Any = None


def use_bedrock_client(client: Any) -> None:
    """Replace the boto3 ``bedrock-runtime`` client (tests pass a stub; ``None`` resets)."""
    global _bedrock_client
    _bedrock_client = client


def bedrock_client() -> Any:
    global _bedrock_client
    if _bedrock_client is None:
        import boto3  # the Lambda runtime ships boto3; imported lazily so local runs need no AWS

        _bedrock_client = boto3.client("bedrock-runtime")
    return _bedrock_client


def bedrock_analysis_text(ticket: Ticket, *, model_id: str, client: Any) -> str:
    """One Converse call; transient failures become :class:`TransientAnalyzerError`."""
    from botocore.exceptions import BotoCoreError, ClientError  # lazy, as above

    try:
        response = client.converse(
            modelId=model_id,
            system=[{"text": SYSTEM_PROMPT}],
            messages=[{"role": "user", "content": [{"text": user_message(ticket)}]}],
            inferenceConfig={"maxTokens": 800, "temperature": 0.0},
        )
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code", "")
        if code in TRANSIENT_ERROR_CODES:
            raise TransientAnalyzerError(f"Bedrock {code}: {e}") from e
        raise
    except BotoCoreError as e:  # connection and read timeouts
        raise TransientAnalyzerError(f"Bedrock call failed: {e}") from e
    try:
        blocks = response["output"]["message"]["content"]
        return "".join(b.get("text", "") for b in blocks)
    except (KeyError, TypeError) as e:
        raise AnalysisFormatError(f"Bedrock response has no message content: {e}") from e


def selected_analyzer() -> str:
    name = os.environ.get(ANALYZER_ENV, "bedrock").strip().lower() or "bedrock"
    if name not in ANALYZERS:
        raise AnalyzerConfigError(f"{ANALYZER_ENV} must be one of {', '.join(ANALYZERS)}, got {name!r}")
    return name


def analyze(ticket: Ticket) -> Analysis:
    """Run the selected analyzer and return a validated analysis."""
    if selected_analyzer() == "local":
        return parse_analysis(local_analysis_text(ticket), ticket)
    model_id = os.environ.get(MODEL_ID_ENV, "").strip()
    if not model_id:
        raise AnalyzerConfigError(
            f"{MODEL_ID_ENV} must name a Bedrock model or inference profile when {ANALYZER_ENV}=bedrock "
            f"(set {ANALYZER_ENV}=local for the keyword rules)"
        )
    text = bedrock_analysis_text(ticket, model_id=model_id, client=bedrock_client())
    return parse_analysis(text, ticket)
