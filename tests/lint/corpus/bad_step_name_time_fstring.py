from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event, context: DurableContext):
    context.wait(Duration.from_seconds(5), name=f"pause-{time.time()}")  # expect: DUR007
