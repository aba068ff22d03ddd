from aws_durable_execution_sdk_python import DurableContext, durable_execution
import uuid


@durable_execution
def handler(event, context: DurableContext):
    order = context.step(lambda _: {"id": uuid.uuid4().hex}, name="create-order")
    if order["id"].startswith("a"):
        context.step(lambda _: "special", name="special")
    return context.step(lambda _: order, name=f"ship-{order['id']}")
