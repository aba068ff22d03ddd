"""Handlers that misbehave: an endless loop, and one that starts a child process and then hangs."""

import os
import subprocess
import sys
import time

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def spin(event: dict, context: DurableContext) -> dict:
    while True:
        time.sleep(0.01)


@durable_execution
def spawn(event: dict, context: DurableContext) -> dict:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    with open(event["pids"], "w") as f:
        f.write(f"{os.getpid()} {child.pid}\n")
    while True:
        time.sleep(0.05)


@durable_execution
def big(event: dict, context: DurableContext) -> dict:
    text = context.step(lambda _: "x" * event["size"], name="big")
    return {"size": len(text)}


@durable_execution
def big_child(event: dict, context: DurableContext) -> dict:
    def build(child: DurableContext) -> str:
        return child.step(lambda _: "y" * event["size"], name="make")

    text = context.run_in_child_context(build, name="build")
    context.wait(Duration.from_seconds(5), name="later")  # the next invocation replays the context
    return {"size": len(text)}
