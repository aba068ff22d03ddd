"""Ends its process in the middle of an invocation: once (a marker file remembers), or every time."""

import os
from pathlib import Path

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    before = context.step(lambda _: "checkpointed", name="before")
    marker = Path(event["marker"])
    if event.get("always") or not marker.exists():
        marker.write_text("crashed once")
        os._exit(event.get("code", 1))  # like a segfault or an out-of-memory kill: no exception, no cleanup
    after = context.step(lambda _: "after the crash", name="after")
    return {"before": before, "after": after}
