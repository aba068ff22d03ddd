from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time

from aws_durable_execution_sdk_python import durable_parallel_branch


@durable_parallel_branch(name="timestamps")
def stamp(ctx: DurableContext, label: str) -> str:
    now = time.time()  # expect: DUR001
    return ctx.step(lambda _: f"{label}@{now}", name="stamp")


@durable_execution
def handler(event, context: DurableContext):
    return context.parallel([stamp("a"), stamp("b")], name="stamps")
