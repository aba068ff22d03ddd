from aws_durable_execution_sdk_python import DurableContext, durable_execution
import uuid


@durable_execution
def handler(event, context: DurableContext):
    order_id = str(uuid.uuid4())  # expect: DUR001
    context.step(lambda _: {"id": order_id}, name="create-order")
    return order_id
