from aws_durable_execution_sdk_python import DurableContext, durable_execution
from datetime import date


def process(ctx: DurableContext, item: dict, index: int, items: list) -> dict:
    due = date.today()  # expect: DUR001
    return ctx.step(lambda _: {**item, "due": str(due)}, name=f"process-{index}")


@durable_execution
def handler(event, context: DurableContext):
    return context.map(event["items"], process, name="process-all").get_results()
