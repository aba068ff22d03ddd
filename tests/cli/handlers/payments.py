"""Durable chained-invoke target: a step, a day-long wait, a result."""

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    charged = context.step(lambda _: event["amount"] * 100, name="charge")
    context.wait(Duration.from_days(1), name="settle")
    return {"charged_cents": charged}
