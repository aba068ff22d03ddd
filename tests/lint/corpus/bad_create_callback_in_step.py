from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    def request_approval(_):
        cb = context.create_callback(name="approval")  # expect: DUR003
        return cb.callback_id

    return context.step(request_approval, name="request")
