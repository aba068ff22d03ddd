from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    def submit(callback_id, cb_ctx):
        context.step(lambda _: callback_id, name="record")  # expect: DUR003

    return context.wait_for_callback(submit, name="approval")
