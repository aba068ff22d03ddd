from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step


@durable_step
def mark_paid(step_context: StepContext, order: dict) -> str:
    order["status"] = "paid"  # expect: DUR004
    return "paid"


@durable_step
def normalise(step_context: StepContext, order: dict) -> dict:
    order = dict(order)
    order["status"] = order["status"].upper()
    return order


@durable_execution
def handler(event, context: DurableContext):
    order = event["order"]
    context.step(mark_paid(order), name="pay")
    order = context.step(normalise(order), name="normalise")
    return order["status"]
