from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    processed = []
    for index, item in enumerate(event["items"]):
        value = context.step(lambda _, item=item: item.upper(), name=f"upper-{index}")
        processed.append(value)
    return processed
