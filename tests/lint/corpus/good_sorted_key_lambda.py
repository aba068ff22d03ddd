from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    ordered = sorted(event["items"], key=lambda item: item["priority"])
    return context.step(lambda _: [i["id"] for i in ordered], name="ids")
