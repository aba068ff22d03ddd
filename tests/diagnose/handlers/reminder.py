"""A reminder that sleeps for a week between two steps (the wait stays pending)."""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> str:
    context.step(lambda _: "scheduled", name="schedule-reminder")
    context.wait(Duration.from_days(7), name="wait-one-week")
    return context.step(lambda _: "sent", name="send-reminder")
