from aws_durable_execution_sdk_python import DurableContext, durable_execution


class Order:
    status = "new"


@durable_execution
def handler(event, context: DurableContext):
    order = Order()

    def pay(_):
        order.status = "paid"  # expect: DUR004
        return "ok"

    context.step(pay, name="pay")
    context.step(lambda _: order.items.update(event), name="items")  # expect: DUR004
    return order.status
