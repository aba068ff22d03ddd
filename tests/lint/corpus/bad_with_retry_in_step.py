from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.retries import WithRetryConfig, with_retry


@durable_execution
def handler(event, context: DurableContext):
    def attempt(_):
        return with_retry(context, lambda ctx, n: n, WithRetryConfig(), name="r")  # expect: DUR003

    return context.step(attempt, name="attempt")
