"""A map over three parcels: ``pack-b`` fails its first attempt and succeeds on the retry; then a wait.

Recorded as the ``map_retry`` fixture (``tests/diagnose/make_page_fixtures.py``): map items nested
under the map, a step with two attempts, and a pending wait, for the timeline page.
"""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy

RETRY = create_retry_strategy(
    RetryStrategyConfig(max_attempts=3, initial_delay=Duration.from_seconds(2), backoff_rate=2)
)


class ScannerBusyError(Exception):
    pass


def _pack(step: StepContext, parcel: str) -> str:
    if parcel == "b" and step.attempt < 2:
        raise ScannerBusyError("label scanner busy, try again")
    return f"packed {parcel}"


def _item(context: DurableContext, parcel: str, index: int, _items: Any) -> str:
    return context.step(lambda step: _pack(step, parcel), name=f"pack-{parcel}", config=StepConfig(RETRY))


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> list[str]:
    packed = context.map(event["parcels"], _item, name="pack-parcels").get_results()
    context.wait(Duration.from_hours(6), name="wait-for-pickup")
    return packed
