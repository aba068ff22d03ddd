from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    budget = context.lambda_context.get_remaining_time_in_millis()  # expect: DUR001
    if budget < 1000:  # expect: DUR006
        return "no time"
    return context.step(lambda _: "work", name="work")
