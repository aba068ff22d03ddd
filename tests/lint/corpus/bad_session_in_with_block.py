from aws_durable_execution_sdk_python import DurableContext, durable_execution
import requests


@durable_execution
def handler(event, context: DurableContext):
    with requests.Session() as http:
        quote = http.get(event["url"], timeout=5).json()  # expect: DUR002
    return context.step(lambda _: quote, name=event["kind"].lower())
