"""A long history: ``rounds`` rounds of ``steps`` steps, each round ending in a wait."""

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict, context: DurableContext) -> int:
    total = 0
    for round_ in range(event["rounds"]):
        for step in range(event["steps"]):
            total += context.step(lambda _, step=step: step, name=f"s{round_}-{step}")
        context.wait(Duration.from_hours(1), name=f"w{round_}")
    return total
