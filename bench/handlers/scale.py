"""The bench workflow: ``waits`` rounds of ``steps`` steps then a one-minute wait (default 40 x 15 = 600
steps + 40 waits = 640 operations, 41 invocations, about 1,300 history events)."""

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict, context: DurableContext) -> int:
    total = 0
    for round_ in range(event.get("waits", 40)):
        for step in range(event.get("steps", 15)):
            total += context.step(lambda _, step=step: step, name=f"step-{round_}-{step}")
        context.wait(Duration.from_seconds(60), name=f"wait-{round_}")
    return total
