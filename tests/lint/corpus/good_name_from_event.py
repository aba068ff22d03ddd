from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    order_id = event["order_id"]
    return context.step(lambda _: order_id, name=f"order-{order_id}")
