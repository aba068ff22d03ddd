"""A generated project's ``make serve``: its functions on ``cdk-durable serve``, driven by boto3."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ..serve.conftest import BOUND, Served, free_port
from .conftest import PYTHON, bake, tool_env


@pytest.mark.slow
@pytest.mark.parametrize(
    ("iac", "runtime"),
    [("sam", "python3.13"), ("cloudformation", "python3.13"), ("cdk", "python3.13"), ("sam", "nodejs22.x")],
)
def test_make_serve_runs_the_projects_workflow(tmp_path: Path, iac: str, runtime: str) -> None:
    project = bake(tmp_path, iac=iac, runtime=runtime, blueprint="hello")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            ["make", "serve", f"PYTHON={PYTHON}", f"PORT={port}", "SKIP_TIME=1"],
            cwd=project,
            env=tool_env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and the service: one process group, stopped together
        )
    try:
        deadline = time.monotonic() + BOUND * 5  # a TypeScript project runs npm ci first
        while "cdk-durable serve: http" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        # the function's name as the service announces it (a CDK logical ID carries a hash)
        found = re.search(r"functions: (\S+) \(durable\)", log.read_text())
        assert found is not None, log.read_text()
        name = found.group(1)
        assert name.startswith("WorkflowFunction")
        client = Served(port, log, []).client()
        event = (project / "events" / "start.json").read_bytes()
        response = client.invoke(FunctionName=f"{name}:live", DurableExecutionName="ada", Payload=event)
        assert json.loads(response["Payload"].read()) == {
            "greeting": "Hello, Ada!",
            "farewell": "Goodbye, Ada!",
        }
        assert response["DurableExecutionArn"]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=BOUND)
