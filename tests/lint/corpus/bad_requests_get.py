from aws_durable_execution_sdk_python import DurableContext, durable_execution
import requests


@durable_execution
def handler(event, context: DurableContext):
    price = requests.get(event["url"], timeout=5).json()  # expect: DUR002
    return context.step(lambda _: price, name="record-price")
