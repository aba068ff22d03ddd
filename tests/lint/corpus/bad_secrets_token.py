from aws_durable_execution_sdk_python import DurableContext, durable_execution
from secrets import token_urlsafe


@durable_execution
def handler(event, context: DurableContext):
    token = token_urlsafe(16)  # expect: DUR001
    return context.step(lambda _: token, name="store-token")
