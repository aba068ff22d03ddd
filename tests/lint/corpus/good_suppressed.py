from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time


@durable_execution
def handler(event, context: DurableContext):
    print("cold path")  # noqa: DUR005
    started = time.time()  # durable: ignore[DUR001]
    return context.step(lambda _: started, name="work")
