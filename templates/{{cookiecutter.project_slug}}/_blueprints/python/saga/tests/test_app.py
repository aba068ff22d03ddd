"""saga: booked, rejected with compensation, transient errors retried, retries exhausted, bad input."""

from __future__ import annotations

import pytest
from aws_durable_execution_sdk_python.execution import InvocationStatus

import services
from conftest import payload, run, step_result

TRIP = {"trip_id": "trip-1", "flight": "LH400", "hotel": "berlin-mitte", "amount": 842.5}


def names(result):
    return [op.name for op in result.operations]


def failing(error, times=None):
    """A service call that raises ``error`` (always, or the first ``times`` calls) and counts calls."""
    calls = []

    def call(*args):
        calls.append(args)
        if times is None or len(calls) <= times:
            raise error
        return {"reservation_id": "HT-trip-1", "hotel": "berlin-mitte"}

    call.calls = calls
    return call


def test_books_flight_hotel_and_payment(runner):
    result = run(runner, TRIP)

    assert result.status is InvocationStatus.SUCCEEDED
    body = payload(result.result)
    assert body["status"] == "BOOKED"
    assert step_result(result, "reserve-flight") == {"reservation_id": "FL-trip-1", "flight": "LH400"}
    assert step_result(result, "charge-payment") == {"payment_id": "PAY-trip-1", "amount": 842.5}
    assert "cancel-flight" not in names(result)


def test_rejected_payment_compensates_in_reverse_order(runner, monkeypatch):
    charge = failing(services.BookingRejectedError("card declined"))
    monkeypatch.setattr(services, "charge_payment", charge)

    result = run(runner, TRIP)

    assert result.status is InvocationStatus.SUCCEEDED
    body = payload(result.result)
    assert body["status"] == "ROLLED_BACK"
    assert body["failed_step"] == "charge-payment"
    assert body["compensated"] == ["cancel-hotel", "cancel-flight"]
    assert len(charge.calls) == 1  # a rejection is not retried
    ops = names(result)
    assert ops.index("cancel-hotel") < ops.index("cancel-flight")
    assert step_result(result, "cancel-hotel") == {"cancelled": "HT-trip-1"}
    assert step_result(result, "cancel-flight") == {"cancelled": "FL-trip-1"}


def test_transient_errors_are_retried(runner, monkeypatch):
    hotel = failing(services.TransientServiceError("503"), times=2)
    monkeypatch.setattr(services, "reserve_hotel", hotel)

    result = run(runner, TRIP)

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result)["status"] == "BOOKED"
    assert len(hotel.calls) == 3
    assert result.get_step("reserve-hotel").attempt >= 2


def test_retries_exhausted_compensates_what_was_booked(runner, monkeypatch):
    hotel = failing(services.TransientServiceError("503"))
    monkeypatch.setattr(services, "reserve_hotel", hotel)

    result = run(runner, TRIP)

    body = payload(result.result)
    assert body["status"] == "ROLLED_BACK"
    assert body["failed_step"] == "reserve-hotel"
    assert body["compensated"] == ["cancel-flight"]
    assert len(hotel.calls) == 3
    assert "charge-payment" not in names(result)
    assert "cancel-hotel" not in names(result)


def test_compensation_is_retried_until_it_succeeds(runner, monkeypatch):
    monkeypatch.setattr(services, "charge_payment", failing(services.BookingRejectedError("declined")))
    cancel = failing(services.TransientServiceError("timeout"), times=2)
    monkeypatch.setattr(services, "cancel_flight", cancel)

    result = run(runner, TRIP)

    assert payload(result.result)["status"] == "ROLLED_BACK"
    assert len(cancel.calls) == 3


@pytest.mark.parametrize("event", [{}, {**TRIP, "amount": 0}, {**TRIP, "flight": 7}])
def test_invalid_trip_fails_before_booking(runner, event):
    result = run(runner, event)

    assert result.status is InvocationStatus.FAILED
    assert "reserve-flight" not in names(result)
