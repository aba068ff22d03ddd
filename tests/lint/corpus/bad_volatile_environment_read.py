from aws_durable_execution_sdk_python import DurableContext, durable_execution
from os import environ


@durable_execution
def handler(event, context: DurableContext):
    trace_id = environ.get("_X_AMZN_TRACE_ID", "")  # expect: DUR008
    stream = environ["AWS_LAMBDA_LOG_STREAM_NAME"]  # expect: DUR008
    return context.step(lambda _: {"trace": trace_id, "stream": stream}, name="record")
