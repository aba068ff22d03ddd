from aws_durable_execution_sdk_python import DurableContext, durable_execution
import os


@durable_execution
def handler(event, context: DurableContext):
    salt = os.urandom(8).hex()  # expect: DUR001
    return context.step(lambda _: salt, name="hash")
