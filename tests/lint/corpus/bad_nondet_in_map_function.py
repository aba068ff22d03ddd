from aws_durable_execution_sdk_python import DurableContext, durable_execution
import random


@durable_execution
def handler(event, context: DurableContext):
    return context.map(
        event["items"],
        lambda ctx, item, index, items: item * random.random(),  # expect: DUR001
        name="score",
    )
