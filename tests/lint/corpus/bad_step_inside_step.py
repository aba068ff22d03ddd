from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    return context.step(
        lambda _: context.step(lambda _: 1, name="inner"),  # expect: DUR003
        name="outer",
    )
