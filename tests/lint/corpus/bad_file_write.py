from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    with open("/tmp/audit.log", "a") as fh:  # expect: DUR005
        fh.write("started")
    return context.step(lambda _: "done", name="work")
