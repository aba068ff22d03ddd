"""hello: the minimal complete durable workflow — steps and a durable wait.

Every step's result is checkpointed: when the function resumes after the wait, the steps before it
are not run again, their recorded results are returned instead. Code outside steps runs on every
replay, so it must be deterministic (no clocks, random numbers or I/O outside a step).
"""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryPresets

#: How long the workflow pauses between greeting and farewell. A durable wait costs nothing while it
#: waits: the function is not running.
PAUSE = Duration.from_seconds(30)
NO_RETRY = StepConfig(retry_strategy=RetryPresets.none())


class InvalidInputError(ValueError):
    """The input event cannot be processed; retrying would not help."""


@durable_step
def validate_input(step_context: StepContext, event: dict[str, Any]) -> str:
    name = event.get("name", "World")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise InvalidInputError("name must be a non-empty string of at most 100 characters")
    return name.strip()


@durable_step
def make_greeting(step_context: StepContext, name: str) -> str:
    step_context.logger.info("greeting %s", name)
    return f"Hello, {name}!"


@durable_step
def make_farewell(step_context: StepContext, name: str) -> str:
    return f"Goodbye, {name}!"


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, str]:
    name = context.step(validate_input(event), name="validate-input", config=NO_RETRY)
    greeting = context.step(make_greeting(name), name="make-greeting")
    context.logger.info("pausing before the farewell")
    context.wait(PAUSE, name="pause")
    farewell = context.step(make_farewell(name), name="make-farewell")
    return {"greeting": greeting, "farewell": farewell}
