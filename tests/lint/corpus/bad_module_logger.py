from aws_durable_execution_sdk_python import DurableContext, durable_execution
import logging

logger = logging.getLogger(__name__)


@durable_execution
def handler(event, context: DurableContext):
    result = context.step(lambda _: 42, name="compute")
    logger.info("result %s", result)  # expect: DUR005
    return result
