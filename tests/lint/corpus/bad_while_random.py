from aws_durable_execution_sdk_python import DurableContext, durable_execution
import random


@durable_execution
def handler(event, context: DurableContext):
    while random.random() < 0.5:  # expect: DUR001, DUR006
        context.step(lambda _: "retry", name="again")
    return "ok"
