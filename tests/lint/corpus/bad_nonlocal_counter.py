from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    attempts = 0

    def call(_):
        nonlocal attempts
        attempts += 1  # expect: DUR004
        return attempts

    context.step(call, name="call")
    return attempts
