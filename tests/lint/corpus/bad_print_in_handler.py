from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    print("processing", event)  # expect: DUR005
    return context.step(lambda _: "done", name="work")
