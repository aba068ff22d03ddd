from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time


def charge(context, order):
    started = context.step(lambda _: time.time(), name="charge-started")
    context.logger.info("charging %s at %s", order["id"], started)
    return context.step(lambda _: {"charged": order["amount"]}, name="charge")


@durable_execution
def handler(event, context: DurableContext):
    return charge(context, event["order"])
