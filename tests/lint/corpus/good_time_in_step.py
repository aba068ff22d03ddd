from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time
import uuid


@durable_execution
def handler(event, context: DurableContext):
    started = context.step(lambda _: time.time(), name="started")
    order_id = context.step(lambda _: uuid.uuid4().hex, name="order-id")
    return {"started": started, "order_id": order_id}
