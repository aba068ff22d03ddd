from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event, context: DurableContext):
    def fulfil(child: DurableContext):
        child.step(lambda _: "reserved", name="reserve")
        child.wait(Duration.from_seconds(60), name="settle")
        return child.step(lambda _: "shipped", name="ship")

    return context.run_in_child_context(fulfil, name="fulfilment")
