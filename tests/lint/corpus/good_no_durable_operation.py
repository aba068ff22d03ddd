"""A handler that calls no durable operation never suspends, so it never replays: the clock read
and the print run exactly once (the SDK still checkpoints the result)."""

import time

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    print("handling", event)
    return {"received_at": time.time(), "echo": event}
