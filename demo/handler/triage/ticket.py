"""The input ticket: validated before the workflow's first step, so a malformed ticket fails fast.

Pure and deterministic (safe outside steps): the same event always gives the same ticket or the
same error.
"""

from __future__ import annotations

import re
from typing import Any, Final, TypedDict

CUSTOMER_TIERS: Final = ("free", "pro", "enterprise")
#: Ticket ids double as durable execution names (``ticket-<id>``): 1-57 of ``[A-Za-z0-9_-]``.
TICKET_ID_PATTERN: Final = r"^[A-Za-z0-9_-]{1,57}$"
EMAIL_PATTERN: Final = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_SUBJECT_CHARS: Final = 200
MAX_BODY_CHARS: Final = 10_000
REQUIRED_FIELDS: Final = ("ticketId", "customerId", "customerTier", "subject", "body", "contactEmail")


class Ticket(TypedDict):
    ticketId: str
    customerId: str
    customerTier: str
    subject: str
    body: str
    contactEmail: str


class TicketValidationError(ValueError):
    """The input event is not a valid support ticket."""


def validate_ticket(event: Any) -> Ticket:
    """Return the ticket's fields (stripped) or raise :class:`TicketValidationError` naming the field."""
    if not isinstance(event, dict):
        raise TicketValidationError(
            f"invalid ticket: the event must be a JSON object with {', '.join(REQUIRED_FIELDS)}, "
            f"got {type(event).__name__}"
        )
    missing = [f for f in REQUIRED_FIELDS if f not in event]
    if missing:
        raise TicketValidationError(
            f"invalid ticket: missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(required: {', '.join(REQUIRED_FIELDS)})"
        )
    values: dict[str, str] = {}
    for field in REQUIRED_FIELDS:
        value = event[field]
        if not isinstance(value, str) or not value.strip():
            raise TicketValidationError(f"invalid ticket: {field} must be a non-empty string, got {value!r}")
        values[field] = value.strip()

    if not re.match(TICKET_ID_PATTERN, values["ticketId"]):
        raise TicketValidationError(
            "invalid ticket: ticketId must be 1-57 characters of letters, digits, '-' and '_', "
            f"got {values['ticketId']!r}"
        )
    tier = values["customerTier"].lower()
    if tier not in CUSTOMER_TIERS:
        raise TicketValidationError(
            f"invalid ticket: customerTier must be one of {', '.join(CUSTOMER_TIERS)}, "
            f"got {values['customerTier']!r}"
        )
    if not re.match(EMAIL_PATTERN, values["contactEmail"]):
        raise TicketValidationError(
            f"invalid ticket: contactEmail must be an email address, got {values['contactEmail']!r}"
        )
    if len(values["subject"]) > MAX_SUBJECT_CHARS:
        raise TicketValidationError(
            f"invalid ticket: subject must be at most {MAX_SUBJECT_CHARS} characters, "
            f"got {len(values['subject'])}"
        )
    if len(values["body"]) > MAX_BODY_CHARS:
        raise TicketValidationError(
            f"invalid ticket: body must be at most {MAX_BODY_CHARS:,} characters, got {len(values['body']):,}"
        )
    return Ticket(
        ticketId=values["ticketId"],
        customerId=values["customerId"],
        customerTier=tier,
        subject=values["subject"],
        body=values["body"],
        contactEmail=values["contactEmail"],
    )
