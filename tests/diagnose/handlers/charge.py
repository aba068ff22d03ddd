"""Payment that keeps failing: the step exhausts its retry strategy and the execution fails."""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy


class CardDeclinedError(Exception):
    pass


def _charge(_: Any) -> str:
    raise CardDeclinedError("card declined: insufficient funds")


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> str:
    context.step(lambda _: "ok", name="load-cart")
    retry = create_retry_strategy(
        RetryStrategyConfig(max_attempts=3, initial_delay=Duration.from_seconds(5), backoff_rate=2)
    )
    return context.step(_charge, name="charge-card", config=StepConfig(retry_strategy=retry))
