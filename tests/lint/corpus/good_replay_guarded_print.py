from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    if not context.is_replaying():
        print("first run only", event["id"])
    return context.step(lambda _: "work", name="work")
