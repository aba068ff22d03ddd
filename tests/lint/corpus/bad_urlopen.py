from aws_durable_execution_sdk_python import DurableContext, durable_execution
from urllib.request import urlopen


@durable_execution
def handler(event, context: DurableContext):
    body = urlopen(event["url"]).read()  # expect: DUR002
    return context.step(lambda _: len(body), name="size")
