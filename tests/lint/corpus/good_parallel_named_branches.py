from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python import durable_parallel_branch


@durable_parallel_branch(name="fetch-user")
def fetch_user(ctx: DurableContext, user_id: str) -> dict:
    return ctx.step(lambda _: {"id": user_id}, name="load-user")


@durable_parallel_branch(name="fetch-orders")
def fetch_orders(ctx: DurableContext, user_id: str) -> list:
    return ctx.step(lambda _: [user_id], name="load-orders")


@durable_execution
def handler(event, context: DurableContext):
    user_id = event["user_id"]
    return context.parallel([fetch_user(user_id), fetch_orders(user_id)], name="load").get_results()
