"""Durable chained-invoke target that waits for a callback (answered by `run` like the parent's)."""

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    approval = context.create_callback(name="approval")
    return {"approved_by": approval.result(), "amount": event["amount"]}


@durable_execution
def parent(event: dict, context: DurableContext) -> dict:
    return context.invoke("approver", {"amount": event["amount"]}, name="ask-approver")
