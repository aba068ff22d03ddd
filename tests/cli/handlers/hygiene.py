"""Handlers that misbehave: an endless loop, and one that starts a child process and then hangs."""

import os
import subprocess
import sys
import time

from aws_durable_execution_sdk_python import DurableContext, durable_execution


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
