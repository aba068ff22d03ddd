from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python import durable_step


@durable_step
def notify(step_ctx, ctx: DurableContext, order: dict) -> None:
    ctx.invoke("notifier:live", order, name="notify")  # expect: DUR003


@durable_execution
def handler(event, context: DurableContext):
    context.step(notify(context, event), name="notify")
