"""Fixtures for the unit tests (``tests/``) and the integration test (``tests/integration/``).

Unit tests: the handler runs on the durable testing SDK's in-process runner. ``skip_time=True`` turns
durable waits, retry delays and callback timeouts into instant steps; a small ``poll_interval`` keeps
each callback round trip in milliseconds instead of a second.

Integration test: ``service`` starts ``cdk-durable serve`` on this project's own template (AWS's
Lambda and durable-execution API, locally) once per test session, and tests drive it through boto3
exactly as your code would drive Lambda.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_durable_execution_sdk_python.serdes import EXTENDED_TYPES_SERDES
from aws_durable_execution_sdk_python_testing.runner import (
    ContextOperation,
    DurableFunctionTestResult,
    DurableFunctionTestRunner,
)

import app

POLL_INTERVAL_SECONDS = 0.005
#: Real seconds a test waits for an execution or a callback before failing.
EXECUTION_TIMEOUT_SECONDS = 30


@pytest.fixture
def runner() -> Iterator[DurableFunctionTestRunner]:
    with DurableFunctionTestRunner(
        handler=app.handler, skip_time=True, poll_interval=POLL_INTERVAL_SECONDS
    ) as test_runner:
        yield test_runner


def run(runner: DurableFunctionTestRunner, event: dict[str, Any]) -> DurableFunctionTestResult:
    """Run one execution to completion with ``event`` as its input."""
    return runner.run(input=json.dumps(event), execution_timeout=EXECUTION_TIMEOUT_SECONDS)


def start(runner: DurableFunctionTestRunner, event: dict[str, Any]) -> str:
    """Start an execution and return its ARN (for tests that answer callbacks)."""
    return runner.run_async(input=json.dumps(event), execution_timeout=EXECUTION_TIMEOUT_SECONDS)


def callback_id(runner: DurableFunctionTestRunner, execution_arn: str, name: str) -> str:
    """The id of the callback that ``context.wait_for_callback(..., name=name)`` created.

    ``wait_for_callback`` runs in a child context named ``name``; the callback inside it is named
    ``"<name> create callback id"``.
    """
    return runner.wait_for_callback(execution_arn, name=f"{name} create callback id", timeout=10)


def finish(runner: DurableFunctionTestRunner, execution_arn: str) -> DurableFunctionTestResult:
    return runner.wait_for_result(execution_arn, timeout=EXECUTION_TIMEOUT_SECONDS)


def payload(raw: str | None) -> Any:
    """Decode the execution's result (JSON text)."""
    assert raw is not None
    return json.loads(raw)


def step_result(result: DurableFunctionTestResult | ContextOperation, name: str) -> Any:
    """Decode the checkpointed result of the step called ``name``.

    Steps checkpoint through the SDK's serializer, which wraps non-primitive values in a typed
    envelope; decode with the same serializer.
    """
    raw = result.get_step(name).result
    assert raw is not None, f"step {name!r} has no result"
    return EXTENDED_TYPES_SERDES.deserialize(raw)


# --- integration test: this project's functions on `cdk-durable serve`, driven through boto3 ---

PROJECT = Path(__file__).resolve().parent.parent
#: The alias every invocation names (durable functions cannot be invoked unqualified).
ALIAS = "{{ cookiecutter.alias_name }}"
#: Real seconds the service may take to start, and any one wait for an execution (hang bounds).
SERVE_BOUND_SECONDS = 60
#: Seconds between two looks at the service's log or an execution.
POLL_SECONDS = 0.05
#: Environment the service gives the function, beside the template's: offline, no AWS account.
{%- set offline_env = cookiecutter.__callbacks == "True" or manifest.blueprints[cookiecutter.blueprint].bedrock or cookiecutter.tracing != "none" %}
{%- if offline_env %}
SERVE_ENV = {
{%- if cookiecutter.__callbacks == "True" %}
    "NOTIFY_TOPIC_ARN": "",  # the submitter only logs the callback id (no SNS topic locally)
{%- endif %}
{%- if manifest.blueprints[cookiecutter.blueprint].bedrock %}
    "TRIAGE_MODEL_ID": "",  # the local keyword rules instead of Amazon Bedrock
{%- endif %}
{%- if cookiecutter.tracing != "none" %}
    "DURABLE_EXECUTION_PLUGINS": "",  # no OpenTelemetry plugin locally: no spans exported
{%- endif %}
}
{%- endif %}
{%- if not offline_env %}
SERVE_ENV: dict[str, str] = {}
{%- endif %}


def event(name: str) -> bytes:
    """``events/<name>``: the payloads the README's commands send."""
    return (PROJECT / "events" / name).read_bytes()


def poll(check: Callable[[], Any], what: str) -> Any:
    """``check()``'s first truthy value, asked every POLL_SECONDS for at most SERVE_BOUND_SECONDS."""
    deadline = time.monotonic() + SERVE_BOUND_SECONDS
    for _ in range(int(SERVE_BOUND_SECONDS / POLL_SECONDS)):
        value = check()
        if value or time.monotonic() > deadline:
            break
        time.sleep(POLL_SECONDS)
    assert value, f"{what}: not within {SERVE_BOUND_SECONDS} s"
    return value


@dataclass
class Service:
    """`cdk-durable serve` on 127.0.0.1 and a boto3 Lambda client pointed at it."""

    function_name: str
    lambda_client: Any

    def start(self, execution_name: str, event_file: str) -> str:
        """Invoke the alias asynchronously with an execution name; return the execution's ARN."""
        response = self.lambda_client.invoke(
            FunctionName=f"{self.function_name}:{ALIAS}",
            InvocationType="Event",
            DurableExecutionName=execution_name,
            Payload=event(event_file),
        )
        assert response["StatusCode"] == 202
        return str(response["DurableExecutionArn"])

    def callback_id(self, execution_arn: str, name: str) -> str:
        """The id of the callback ``wait_for_callback(..., name=name)`` created, from the history.

        (Deployed, the submitter publishes it to the notify topic; reviewers answer from there.)
        """

        def find() -> str | None:
            history = self.lambda_client.get_durable_execution_history(DurableExecutionArn=execution_arn)
            events = history["Events"]
            contexts = {e["Id"]: e.get("Name") for e in events if e["EventType"] == "ContextStarted"}
            for e in events:
                if e["EventType"] == "CallbackStarted" and contexts.get(e.get("ParentId")) == name:
                    return str(e["CallbackStartedDetails"]["CallbackId"])
            return None

        return str(poll(find, f"callback {name!r} of {execution_arn}"))

    def status(self, execution_arn: str) -> str:
        return str(self.lambda_client.get_durable_execution(DurableExecutionArn=execution_arn)["Status"])

    def finish(self, execution_arn: str) -> dict[str, Any]:
        """The execution (GetDurableExecution) once it has left RUNNING."""

        def done() -> dict[str, Any] | None:
            execution: dict[str, Any] = self.lambda_client.get_durable_execution(
                DurableExecutionArn=execution_arn
            )
            return None if execution["Status"] == "RUNNING" else execution

        finished: dict[str, Any] = poll(done, f"{execution_arn} to finish")
        return finished


def serve_template() -> Path:
    """The template `cdk-durable serve` runs: what `make integration` prepares."""
{%- if cookiecutter.iac == "sam" %}
    return PROJECT / "template.yaml"
{%- elif cookiecutter.iac == "cloudformation" %}
    if not (PROJECT / ".build" / "function").is_dir():
        pytest.fail(".build/function not found: run `make integration` (it runs `make build` first)")
    return PROJECT / "template.yaml"
{%- elif cookiecutter.iac == "cdk" %}
    templates = sorted((PROJECT / "cdk.out").glob("*.template.json"))
    if len(templates) != 1:
        pytest.fail("cdk.out/*.template.json not found: run `make integration` (it runs `cdk synth` first)")
    return templates[0]
{%- else %}{{ unsupported("iac", cookiecutter.iac, "tests/conftest.py") }}
{%- endif %}


def cdk_durable() -> str:
    """cdk-durable from this interpreter's environment (`.venv`, or `make ... PYTHON=`), else PATH."""
    beside = Path(sys.executable).parent / "cdk-durable"
    found = str(beside) if beside.exists() else shutil.which("cdk-durable")
    if found is None:
        pytest.fail("cdk-durable not found: run `make integration` (installs requirements-dev.txt in .venv)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_service(log: Path) -> tuple[subprocess.Popen[bytes], int, str]:
    """`cdk-durable serve --skip-time` on a free port (again on another if that one was taken
    meanwhile); returns the process, its port and the durable function's name from its banner."""
    command = [cdk_durable(), "serve", "--template", str(serve_template()), "--skip-time"]
    command += [f"--env={key}={value}" for key, value in SERVE_ENV.items()]
    for _ in range(3):
        port = free_port()
        with log.open("wb") as output:
            process = subprocess.Popen(
                [*command, "--port", str(port)],
                cwd=PROJECT,
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,  # its own process group: stopped together with its workers
            )

        def banner(process: subprocess.Popen[bytes] = process) -> re.Match[str] | bool | None:
            if process.poll() is not None:
                return True  # exited: stop waiting
            return re.search(r"cdk-durable serve: http\S+  functions: .*?(\S+) \(durable\)", log.read_text())

        started = None
        try:
            started = poll(banner, "cdk-durable serve to start")
        finally:
            if not isinstance(started, re.Match):
                stop_service(process)
        if isinstance(started, re.Match):
            return process, port, started.group(1)
        if "cannot listen" not in log.read_text():
            break
    raise AssertionError(f"cdk-durable serve did not start:\n{log.read_text()}")


def stop_service(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the service's process group; SIGKILL if it has not stopped within the bound."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=SERVE_BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=SERVE_BOUND_SECONDS)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service for the whole test session, stopped by its process group at the end."""
    import boto3
    from botocore.config import Config

    process, port, function_name = start_service(tmp_path_factory.mktemp("serve") / "serve.log")
    try:
        client = boto3.client(
            "lambda",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="local",  # any credentials: the service does not check them
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 0}, read_timeout=SERVE_BOUND_SECONDS),
        )
        yield Service(function_name, client)
    finally:
        stop_service(process)
