from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    state = {"paid": False}

    def pay(_):
        state["paid"] = True  # expect: DUR004
        return "ok"

    context.step(pay, name="pay")
    return state
