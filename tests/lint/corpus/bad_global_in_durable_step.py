from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python import durable_step

TOTAL = 0


@durable_step
def add(step_ctx, amount: int) -> int:
    global TOTAL
    TOTAL = TOTAL + amount  # expect: DUR004
    return TOTAL


@durable_execution
def handler(event, context: DurableContext):
    context.step(add(event["amount"]), name="add")
    return TOTAL
