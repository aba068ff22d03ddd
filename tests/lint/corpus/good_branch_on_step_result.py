from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time


@durable_execution
def handler(event, context: DurableContext):
    now = context.step(lambda _: time.time(), name="now")
    if now > event["deadline"]:
        return context.step(lambda _: "late", name="late")
    return "on-time"
