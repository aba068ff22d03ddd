from aws_durable_execution_sdk_python import DurableContext, durable_execution
import random

import requests
from aws_durable_execution_sdk_python import StepContext, durable_step


@durable_step
def fetch_quote(step_context: StepContext, url: str) -> dict:
    step_context.logger.info("fetching %s", url)
    jitter = random.random()
    return {"quote": requests.get(url, timeout=5).json(), "jitter": jitter}


@durable_execution
def handler(event, context: DurableContext):
    return context.step(fetch_quote(event["url"]), name="quote")
