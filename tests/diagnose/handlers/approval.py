"""Order approval: validate, ask a human through a callback, then fulfil.

Used for the pending-callback, near-timeout and timed-out fixtures (the callback is never answered)
and, answered, for the succeeded fixture.
"""

from __future__ import annotations

import time
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration


def _validate(_: Any) -> dict[str, Any]:
    time.sleep(0.05)
    return {"order": "o-1001", "amount": 129.5}


def _reserve_stock(_: Any) -> str:
    time.sleep(0.15)
    return "reservation-7"


def _fulfil(child: DurableContext) -> str:
    label = child.step(lambda _: "label-1", name="print-label")
    return child.step(lambda _: f"shipped with {label}", name="ship")


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    order = context.step(_validate, name="validate-order")
    context.step(_reserve_stock, name="reserve-stock")
    callback = context.create_callback(
        name="manager-approval",
        config=CallbackConfig(timeout=Duration.from_hours(4), heartbeat_timeout=Duration.from_hours(1)),
    )
    context.step(lambda _: callback.callback_id, name="notify-manager")
    decision = callback.result()
    context.wait(Duration.from_seconds(30), name="cool-off")
    context.run_in_child_context(_fulfil, name="fulfilment")
    return {"order": order["order"], "decision": decision}
