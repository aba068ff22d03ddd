from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time


def build_request(event):
    return {"body": event, "at": time.time()}  # expect: DUR001


@durable_execution
def handler(event, context: DurableContext):
    request = build_request(event)
    return context.step(lambda _: request, name="send")
