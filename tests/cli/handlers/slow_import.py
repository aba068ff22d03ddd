"""A handler module that takes long to import: it writes its process id to $SLOW_IMPORT_PIDS first."""

import os
import time

from aws_durable_execution_sdk_python import DurableContext, durable_execution

with open(os.environ["SLOW_IMPORT_PIDS"], "w") as f:
    f.write(f"{os.getpid()}\n")
time.sleep(60)


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    return {}
