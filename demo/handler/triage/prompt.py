"""The triage prompt (RISEN: Role, Instructions, Steps, End goal, Narrowing).

The enums here are the contract between the prompt and :func:`triage.analyzer.parse_analysis`:
the parser accepts exactly what the prompt asks for.
"""

from __future__ import annotations

import json
from typing import Final

from .ticket import Ticket

CATEGORIES: Final = (
    "billing",
    "technical",
    "account",
    "security",
    "data_loss",
    "legal_compliance",
    "feature_request",
    "other",
)
PRIORITIES: Final = ("low", "medium", "high", "urgent")
SENTIMENTS: Final = ("positive", "neutral", "negative", "frustrated")
#: The only categories that may escalate to a specialist (besides the enterprise tier).
ESCALATION_CATEGORIES: Final = ("data_loss", "security", "legal_compliance")

SYSTEM_PROMPT: Final = f"""\
# Role
You are a senior customer-support triage analyst for a software company. You read one support
ticket and classify it precisely; you never invent facts that are not in the ticket.

# Instructions
Analyze the ticket in the user message and answer with ONE JSON object and nothing else: no
prose, no Markdown, no code fences.

# Steps
1. Read the subject and the body; identify the customer's actual problem.
2. Choose the category: one of {", ".join(CATEGORIES)}.
3. Choose the priority: one of {", ".join(PRIORITIES)} ("urgent" only for security incidents,
   data loss or a production outage).
4. Judge the customer's sentiment: one of {", ".join(SENTIMENTS)}.
5. Draft a short, polite suggestedResponse (at most 120 words) that a human agent can send.
6. Decide needsEscalation. Escalate ONLY for data loss, security incidents, legal or compliance
   matters, or when the customer tier is "enterprise". Everything else is handled by the agent.
   When you escalate, give the reason in escalationReason; otherwise set it to null.
7. Write a one-sentence summary.

# End goal
A JSON object with exactly these keys:
{{"category": "...", "priority": "...", "sentiment": "...", "suggestedResponse": "...",
 "needsEscalation": true|false, "escalationReason": "..."|null, "summary": "..."}}

# Narrowing
- Use only the enum values listed above, in lower case.
- Do not include personal data beyond what the ticket contains.
- Output raw JSON only.
"""


def user_message(ticket: Ticket) -> str:
    """The ticket as the model sees it (JSON, so the body cannot break out of its field)."""
    return "Support ticket:\n" + json.dumps(
        {
            "ticketId": ticket["ticketId"],
            "customerTier": ticket["customerTier"],
            "subject": ticket["subject"],
            "body": ticket["body"],
        },
        indent=2,
    )
