from aws_durable_execution_sdk_python import DurableContext, durable_execution
import uuid


@durable_execution
def handler(event, context: DurableContext):
    return context.step(lambda _: "x", name=str(uuid.uuid4()))  # expect: DUR007
