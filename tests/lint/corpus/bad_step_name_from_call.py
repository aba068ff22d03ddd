from aws_durable_execution_sdk_python import DurableContext, durable_execution


def next_name(prefix):
    return prefix + "-step"


@durable_execution
def handler(event, context: DurableContext):
    return context.step(lambda _: 1, name=next_name("charge"))  # expect: DUR007
