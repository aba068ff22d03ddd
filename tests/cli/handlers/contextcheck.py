"""Reports the Lambda context the handler got, and whether its process loaded the testing SDK
(after a checkpoint and a wait, so the service's answers have crossed into the process too)."""

import sys

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    context.step(lambda _: "checkpointed", name="first")
    context.wait(Duration.from_seconds(5), name="pause")
    lambda_context = context.lambda_context
    lambda_context.log("context.log goes to the function's log\n")
    seen = {
        "function_name": lambda_context.function_name,
        "aws_request_id_set": bool(lambda_context.aws_request_id),
        "remaining_millis": lambda_context.get_remaining_time_in_millis(),
        "testing_sdk_loaded": "aws_durable_execution_sdk_python_testing" in sys.modules,
    }
    return context.step(lambda _: seen, name="context")
