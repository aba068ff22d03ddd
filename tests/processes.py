"""Whether processes a test saw are gone: every loop bounded in count and time, nothing left running.

``gone`` and ``wait_gone`` follow single processes (a handler's worker and what it spawned);
``assert_group_gone`` a command's whole process group (``start_new_session=True``).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

POLL = 0.05


def gone(pid: int) -> bool:
    """``pid`` has exited (a zombie of a process we did not start is gone for our purpose)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True


def wait_gone(pids: Iterable[int], bound: float) -> bool:
    """Wait up to ``bound`` seconds for every one of ``pids`` to exit; whether they all did."""
    waiting = list(pids)
    deadline = time.monotonic() + bound
    while not all(gone(pid) for pid in waiting) and time.monotonic() < deadline:
        time.sleep(POLL)
    return all(gone(pid) for pid in waiting)


def assert_group_gone(pgid: int, bound: float = 5) -> None:
    """Nothing of the command's process group (its workers and their children) is left."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(POLL)
    os.killpg(pgid, signal.SIGKILL)
    raise AssertionError(f"processes of group {pgid} were left running")
