from aws_durable_execution_sdk_python import DurableContext, durable_execution
import uuid


@durable_execution
def handler(event, context: DurableContext):
    def reserve(child: DurableContext):
        ref = uuid.uuid4().hex  # expect: DUR001
        return child.step(lambda _: ref, name="reserve")

    return context.run_in_child_context(reserve, name="reservation")
