"""saga: book a trip in three steps; when one fails for good, undo the ones that succeeded.

``reserve-flight`` -> ``reserve-hotel`` -> ``charge-payment``. Each step retries transient errors
with exponential backoff (the wait between attempts is durable: no compute is billed). When a step
fails for good (a rejection, or retries exhausted), the compensating steps of the completed ones
run in reverse order (``cancel-hotel``, ``cancel-flight``), each retried until it succeeds, and the
execution returns ``ROLLED_BACK``. Every step result is checkpointed, so a crash in the middle of the
saga resumes where it stopped instead of booking twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, StepError, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryPresets, RetryStrategyConfig, create_retry_strategy

import services

NO_RETRY = StepConfig(retry_strategy=RetryPresets.none())
#: Forward steps: transient errors only, 3 attempts.
BOOKING_RETRY = StepConfig(
    retry_strategy=create_retry_strategy(
        RetryStrategyConfig(
            max_attempts=3,
            initial_delay=Duration.from_seconds(2),
            max_delay=Duration.from_seconds(30),
            backoff_rate=2.0,
            retryable_error_types=[services.TransientServiceError],
        )
    )
)
#: Compensations must not give up early: any error, 10 attempts, up to 5 minutes apart.
COMPENSATION_RETRY = StepConfig(
    retry_strategy=create_retry_strategy(
        RetryStrategyConfig(
            max_attempts=10,
            initial_delay=Duration.from_seconds(5),
            max_delay=Duration.from_minutes(5),
            backoff_rate=2.0,
        )
    )
)


class InvalidTripError(ValueError):
    """The trip request cannot be processed; retrying would not help."""


def validate_trip(step_context: StepContext, event: dict[str, Any]) -> dict[str, Any]:
    missing = [key for key in ("trip_id", "flight", "hotel") if not isinstance(event.get(key), str)]
    if missing:
        raise InvalidTripError(f"missing or non-string fields: {', '.join(missing)}")
    amount = event.get("amount")
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
        raise InvalidTripError("amount must be a positive number")
    return {key: event[key] for key in ("trip_id", "flight", "hotel", "amount")}


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    trip = context.step(lambda ctx: validate_trip(ctx, event), name="validate-trip", config=NO_RETRY)

    # (name of the compensating step, what it undoes), in the order the bookings succeeded.
    compensations: list[tuple[str, Callable[[StepContext], dict[str, Any]]]] = []
    current = "reserve-flight"
    try:
        flight = context.step(lambda _: services.reserve_flight(trip), name=current, config=BOOKING_RETRY)
        compensations.append(("cancel-flight", lambda _: services.cancel_flight(flight)))

        current = "reserve-hotel"
        hotel = context.step(lambda _: services.reserve_hotel(trip), name=current, config=BOOKING_RETRY)
        compensations.append(("cancel-hotel", lambda _: services.cancel_hotel(hotel)))

        current = "charge-payment"
        payment = context.step(lambda _: services.charge_payment(trip), name=current, config=BOOKING_RETRY)
    except StepError as err:
        context.logger.warning(f"{current} failed ({err.error_type}): compensating")
        for name, undo in reversed(compensations):
            context.step(undo, name=name, config=COMPENSATION_RETRY)
        return {
            "status": "ROLLED_BACK",
            "trip_id": trip["trip_id"],
            "failed_step": current,
            "reason": err.message,
            "compensated": [name for name, _ in reversed(compensations)],
        }

    return {
        "status": "BOOKED",
        "trip_id": trip["trip_id"],
        "flight": flight,
        "hotel": hotel,
        "payment": payment,
    }
