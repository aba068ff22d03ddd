from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event, context: DurableContext):
    def charge(step_ctx):
        context.wait(Duration.from_seconds(5))  # expect: DUR003
        return "charged"

    return context.step(charge, name="charge")
