from aws_durable_execution_sdk_python import DurableContext, durable_execution
import random


@durable_execution
def handler(event, context: DurableContext):
    winner = random.choice(event["players"])  # expect: DUR001
    return context.step(lambda _: winner, name="announce")
