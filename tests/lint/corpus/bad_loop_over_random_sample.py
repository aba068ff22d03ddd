from aws_durable_execution_sdk_python import DurableContext, durable_execution
import random


@durable_execution
def handler(event, context: DurableContext):
    for winner in random.sample(event["players"], 2):  # expect: DUR001
        if winner["vip"]:  # expect: DUR006
            context.step(lambda _: "vip", name="vip")
    return "ok"
