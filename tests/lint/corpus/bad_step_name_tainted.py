from aws_durable_execution_sdk_python import DurableContext, durable_execution
import uuid


@durable_execution
def handler(event, context: DurableContext):
    run_id = uuid.uuid4().hex  # expect: DUR001
    return context.step(lambda _: 1, name=f"run-{run_id}")  # expect: DUR007
