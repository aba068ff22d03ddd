from aws_durable_execution_sdk_python import DurableContext, durable_execution
from datetime import datetime


@durable_execution
def handler(event, context: DurableContext):
    today = datetime.now()  # expect: DUR001
    if today.weekday() >= 5:  # expect: DUR006
        context.step(lambda _: "weekend", name="weekend")
    return "ok"
