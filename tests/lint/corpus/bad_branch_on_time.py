from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time


@durable_execution
def handler(event, context: DurableContext):
    if time.time() > event["deadline"]:  # expect: DUR001, DUR006
        return context.step(lambda _: "late", name="late")
    return context.step(lambda _: "on-time", name="on-time")
