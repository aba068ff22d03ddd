"""Work made once per test run and shared by the xdist workers (each worker is its own session)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def made_once(factory: pytest.TempPathFactory, area: str, name: str, make: Callable[[Path], object]) -> Path:
    """``<shared tmp>/<area>/<name>``, made by ``make`` in the first worker that asks; the others wait
    for it (a lock file beside it). Without xdist the shared directory is the session's own."""
    base = factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / area
    shared.mkdir(exist_ok=True)
    target = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / f"{name}.done"
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            make(target)
            done.touch()
    return target
