from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time


@durable_execution
def handler(event, context: DurableContext):
    started = time.time()  # expect: DUR001
    context.step(lambda _: "work", name="work")
    return {"started": started}
