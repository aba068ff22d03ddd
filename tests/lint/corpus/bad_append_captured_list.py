from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    processed = []

    def process(_):
        processed.append(event["id"])  # expect: DUR004
        return True

    context.step(process, name="process")
    return {"processed": processed}
