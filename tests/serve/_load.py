"""Drive N concurrent executions of the load workflow through boto3: start, answer each callback, collect.

Shared by ``tests/serve/test_load.py`` and ``bench/serve_load.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoadResult:
    results: dict[int, Any] = field(default_factory=dict)
    statuses: dict[int, str] = field(default_factory=dict)
    #: seconds from a callback's answer being sent to its execution ending (server timestamps)
    resume_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0


def drive(
    client: Any, count: int, *, bound: float, clock: Callable[[], float], threads: int = 16
) -> LoadResult:
    """Start ``count`` executions, answer each callback as it appears, wait for all of them."""
    out = LoadResult()
    started = time.monotonic()

    def start(n: int) -> str:
        arn: str = client.invoke(
            FunctionName="load:$LATEST",
            InvocationType="Event",
            DurableExecutionName=f"load-{n}",
            Payload=json.dumps({"n": n}),
        )["DurableExecutionArn"]
        return arn

    with ThreadPoolExecutor(threads) as pool:
        arns = dict(zip(range(count), pool.map(start, range(count)), strict=True))
    sent: dict[int, float] = {}
    pending = set(arns)
    deadline = time.monotonic() + bound
    while pending and time.monotonic() < deadline:
        for n in sorted(pending):
            arn = arns[n]
            if n not in sent:
                events = client.get_durable_execution_history(DurableExecutionArn=arn)["Events"]
                ids = [
                    e["CallbackStartedDetails"]["CallbackId"]
                    for e in events
                    if e["EventType"] == "CallbackStarted"
                ]
                if ids:
                    sent[n] = clock()
                    client.send_durable_execution_callback_success(
                        CallbackId=ids[0], Result=json.dumps(f"ok-{n}")
                    )
                continue
            execution = client.get_durable_execution(DurableExecutionArn=arn)
            if execution["Status"] != "RUNNING":
                pending.discard(n)
                out.statuses[n] = execution["Status"]
                out.results[n] = json.loads(execution.get("Result") or "null")
                out.resume_seconds.append(execution["EndTimestamp"].timestamp() - sent[n])
        time.sleep(0.01)
    out.seconds = time.monotonic() - started
    return out
