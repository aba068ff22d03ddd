from aws_durable_execution_sdk_python import DurableContext, durable_execution
from datetime import datetime as dt


@durable_execution
def handler(event, context: DurableContext):
    stamp = dt.now().isoformat()  # expect: DUR001
    return context.step(lambda _: stamp, name="echo")
