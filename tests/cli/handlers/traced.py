"""A workflow to trace: a step, a wait (a second invocation), and a step after it. The OTel plugin
comes from DURABLE_EXECUTION_PLUGINS, as on Lambda, not from the code."""

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    order = context.step(lambda _: {"id": event["id"], "total": 42}, name="load-order")
    context.wait(Duration.from_seconds(30), name="cool-off")
    receipt = context.step(lambda _: f"receipt-{order['id']}", name="charge")
    return {"order": order, "receipt": receipt}
