from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    if not context.is_replaying():
        context.step(lambda _: "audit", name="audit")  # expect: DUR006
    return context.step(lambda _: "work", name="work")
