"""Callbacks with and without timeouts."""

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration
from aws_durable_execution_sdk_python.exceptions import CallbackError


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    outcomes = {}
    for name, config in (
        ("review", CallbackConfig(timeout=Duration.from_hours(8))),
        ("pulse", CallbackConfig(heartbeat_timeout=Duration.from_minutes(10))),
        ("forever", CallbackConfig()),
    ):
        if name not in event.get("callbacks", ["review", "pulse", "forever"]):
            continue
        callback = context.create_callback(name=name, config=config)
        try:
            outcomes[name] = callback.result()
        except CallbackError as e:
            outcomes[name] = f"{type(e).__name__}: {e}"
    return outcomes
