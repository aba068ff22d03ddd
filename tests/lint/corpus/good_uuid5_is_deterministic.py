from aws_durable_execution_sdk_python import DurableContext, durable_execution
import uuid


@durable_execution
def handler(event, context: DurableContext):
    key = uuid.uuid5(uuid.NAMESPACE_URL, event["url"]).hex
    return context.step(lambda _: key, name="key")
