from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python import durable_with_child_context


@durable_with_child_context
def ship(ctx: DurableContext, order_id: str) -> str:
    print("shipping", order_id)  # expect: DUR005
    return ctx.step(lambda _: "shipped", name="ship")


@durable_execution
def handler(event, context: DurableContext):
    return context.run_in_child_context(ship(event["id"]), name="shipping")
