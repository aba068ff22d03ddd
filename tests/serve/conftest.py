"""Start ``cdk-durable serve`` as a subprocess on a free loopback port; stop it by its PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HANDLERS = Path(__file__).parent / "handlers"
FLOWS = HANDLERS / "flows.py"
REPO = Path(__file__).resolve().parents[2]
#: Real seconds any one wait in these tests may take (a hang bound, not a speed target).
BOUND = 60.0


CDK_DURABLE = str(Path(sys.executable).parent / "cdk-durable")


def cdk_durable_cli(*args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """``cdk-durable ARGS`` as a user runs it: text output captured, bounded by ``BOUND``."""
    return subprocess.run([CDK_DURABLE, *args], capture_output=True, text=True, timeout=BOUND, **options)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Served:
    port: int
    log: Path
    args: list[str]
    process: subprocess.Popen[bytes] | None = None
    cwd: Path = field(default=REPO)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Served:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [CDK_DURABLE, "serve", "--port", str(self.port), *self.args],
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=str(self.cwd),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        handle.close()
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            if "cdk-durable serve: http" in self.log.read_text():
                return self
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited {self.process.returncode}:\n{self.log.read_text()}")
            time.sleep(0.05)
        raise AssertionError(f"serve did not start:\n{self.log.read_text()}")

    def kill(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)
        try:
            return self.process.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=BOUND)

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "lambda",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 0}, read_timeout=BOUND),
        )


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    started: list[Served] = []

    def start(*args: str, port: int | None = None, log: Path | None = None) -> Served:
        served = Served(port or free_port(), log or tmp_path / f"serve-{len(started)}.log", list(args))
        started.append(served)
        return served.start()

    yield start
    for served in started:
        if served.process is not None and served.process.poll() is None:
            served.kill(signal.SIGKILL)


def wait_until(check: Any, what: str, bound: float = BOUND) -> Any:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
