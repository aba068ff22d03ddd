from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    context.logger.info("start", extra={"id": event["id"]})
    result = context.step(lambda _: event["id"], name="work")
    context.logger.info("done %s", result)
    return result
