"""The services the saga calls. Replace the bodies with your real API calls.

Every call receives the trip id as an idempotency key: a step can run more than once (a retry after
a timeout, a crash after the call but before the checkpoint), so the service must treat a repeated
request as the same booking.
"""

from __future__ import annotations

from typing import Any


class TransientServiceError(Exception):
    """Throttling, timeouts, 5xx: worth retrying."""


class BookingRejectedError(Exception):
    """The service said no (sold out, card declined): retrying will not help, compensate instead."""


def reserve_flight(trip: dict[str, Any]) -> dict[str, Any]:
    return {"reservation_id": f"FL-{trip['trip_id']}", "flight": trip["flight"]}


def reserve_hotel(trip: dict[str, Any]) -> dict[str, Any]:
    return {"reservation_id": f"HT-{trip['trip_id']}", "hotel": trip["hotel"]}


def charge_payment(trip: dict[str, Any]) -> dict[str, Any]:
    return {"payment_id": f"PAY-{trip['trip_id']}", "amount": trip["amount"]}


def cancel_flight(reservation: dict[str, Any]) -> dict[str, Any]:
    return {"cancelled": reservation["reservation_id"]}


def cancel_hotel(reservation: dict[str, Any]) -> dict[str, Any]:
    return {"cancelled": reservation["reservation_id"]}
