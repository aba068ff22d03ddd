from aws_durable_execution_sdk_python import DurableContext, durable_execution
import os


@durable_execution
def handler(event, context: DurableContext):
    table = context.step(lambda _: os.environ["TABLE_NAME"], name="table-name")
    return context.step(lambda _: {"table": table, "trace": os.getenv("_X_AMZN_TRACE_ID")}, name="record")
