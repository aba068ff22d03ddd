from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_lambda_powertools import Logger

logger = Logger()


@durable_execution
def handler(event, context: DurableContext):
    logger.info("received")  # expect: DUR005
    return context.step(lambda _: event, name="echo")
