from aws_durable_execution_sdk_python import DurableContext, durable_execution
import logging


@durable_execution
def handler(event, context: DurableContext):
    logging.info("start %s", event)  # expect: DUR005
    return context.step(lambda _: "done", name="work")
