from aws_durable_execution_sdk_python import DurableContext, durable_execution
import os


@durable_execution
def handler(event, context: DurableContext):
    table = os.environ["TABLE_NAME"]  # expect: DUR009
    mode = os.getenv("MODE", "fast")  # expect: DUR009
    return context.step(lambda _: (table, mode), name="config")
