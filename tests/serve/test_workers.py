"""Workers stay warm, like Lambda sandboxes, whichever request started them (a worker dies with the
*thread* that started it on Linux, and ``serve`` answers each connection in a thread of its own)."""

from __future__ import annotations

import json
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .conftest import BOUND, FLOWS


def test_workers_started_for_concurrent_invocations_stay_warm(serve: Any) -> None:
    served = serve("--function", f"pid={FLOWS}:pid,plain")

    def invoke(_: int) -> int:
        # one connection per request (urllib closes it): its server thread ends with the answer
        request = urllib.request.Request(
            f"{served.url}/2015-03-31/functions/pid/invocations",
            data=json.dumps({"sleep": 1}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=BOUND) as response:  # loopback only
            value: int = json.loads(response.read())
            return value

    with ThreadPoolExecutor(3) as pool:
        first = set(pool.map(invoke, range(3)))
        second = set(pool.map(invoke, range(3)))
    assert len(first) == 3  # three at once: three workers
    assert second == first  # all still warm, none started again
    assert all(os.path.exists(f"/proc/{pid}") for pid in first)
