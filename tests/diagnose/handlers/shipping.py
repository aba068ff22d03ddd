"""Shipping: a courier callback with a short timeout, a non-retried step, and a chained invoke.

``mode`` in the input picks the scenario:
- ``callback``: wait for the courier (answered with a failure, or left to time out after 1 s);
- ``address``: validate the address once, no retry (the input has no postcode);
- ``invoke``: ask the ``label-printer`` function (a chained invoke that fails).
"""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy


class InvalidAddressError(Exception):
    pass


def _validate_address(event: dict[str, Any]) -> str:
    if "postcode" not in event:
        raise InvalidAddressError("address has no postcode")
    return str(event["postcode"])


def label_printer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The plain (non-durable) function behind the chained invoke: the printer is offline."""
    raise RuntimeError("printer offline")


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> Any:
    mode = event["mode"]
    if mode == "callback":
        courier = context.create_callback(
            name="courier-pickup", config=CallbackConfig(timeout=Duration.from_seconds(1))
        )
        context.step(lambda _: courier.callback_id, name="book-courier")
        return courier.result()
    if mode == "address":
        no_retry = create_retry_strategy(RetryStrategyConfig(max_attempts=1))
        return context.step(
            lambda _: _validate_address(event),
            name="validate-address",
            config=StepConfig(retry_strategy=no_retry),
        )
    return context.invoke("label-printer", {"order": event["order"]}, name="print-label")
