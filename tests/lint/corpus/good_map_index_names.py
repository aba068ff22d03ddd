from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    return context.map(
        inputs=event["items"],
        func=lambda ctx, item, index, _: ctx.step(lambda _: item * 2, name=f"double-{index}"),
        name="double-all",
    ).get_results()
