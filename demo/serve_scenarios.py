"""The triage workflow on ``cdk-durable serve``, its callbacks answered through the review endpoint.

``python -m demo.serve_scenarios`` starts ``cdk-durable serve`` (a subprocess on a free loopback
port, the local keyword analyzer), starts each scenario's execution with boto3 — ``Invoke`` with an
execution name, as the deployed starter does — and answers every review callback by calling the
review endpoint's own handler (``demo/review/review.py``) with the request body an agent's tool
would POST. That handler's boto3 client reaches the local service through
``AWS_ENDPOINT_URL_LAMBDA``, exactly as in Lambda it reaches the Lambda API: no mock in the path.
Exit status 1 if any scenario ends differently from what it expects.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cdk_durable._history import open_callbacks, parse_history

from .scenarios import HANDLER, Scenario, select_scenarios

#: Real seconds a scenario may take (the workflow has no long waits).
BOUND = 120.0


def decision_for(answer: dict[str, Any]) -> dict[str, Any]:
    """The review endpoint's request body for a scripted answer (``{"succeed": {...}}``/``{"fail": ...}``)."""
    if "fail" in answer:
        return {"decision": "fail", "reason": str(answer["fail"])}
    succeed = answer["succeed"]
    body: dict[str, Any] = {}
    if not succeed.get("approved"):
        body["decision"] = "reject"
    elif succeed.get("editedResponse"):
        body.update(decision="edit", editedResponse=succeed["editedResponse"])
    else:
        body["decision"] = "approve"
    if succeed.get("agentNotes"):
        body["agentNotes"] = succeed["agentNotes"]
    return body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LocalService:
    """``cdk-durable serve`` for the triage function, started and stopped by its PID."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkdtemp(prefix="demo-serve-")) / "serve.log"
        command = [str(Path(sys.executable).parent / "cdk-durable"), "serve", "--port", str(self.port)]
        command += ["--function", f"triage={HANDLER}:handler", "--env", "TRIAGE_ANALYZER=local"]
        with self.log.open("wb") as handle:
            self.process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + BOUND
        while "cdk-durable serve: http" not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"cdk-durable serve did not start:\n{self.log.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_on_serve(
    scenario: Scenario, service: LocalService, echo: Callable[[str], None] = click.echo
) -> tuple[bool, str]:
    """Start the scenario's execution on ``service``, answer its callbacks through the review handler."""
    import boto3

    from .review import review

    os.environ["AWS_ENDPOINT_URL_LAMBDA"] = service.url
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    review.use_lambda_client(None)  # the review endpoint builds its own client, from the environment
    client = boto3.client("lambda")
    answers = json.loads(scenario.answers.read_text())
    arn = client.invoke(
        FunctionName="triage:live",
        InvocationType="Event",
        DurableExecutionName=f"demo-{scenario.name}-{os.getpid()}",
        Payload=scenario.event.read_bytes(),
    )["DurableExecutionArn"]
    echo(f"  started {arn}")
    answered: set[str] = set()
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        execution = client.get_durable_execution(DurableExecutionArn=arn)
        if execution["Status"] != "RUNNING":
            break
        events = client.get_durable_execution_history(DurableExecutionArn=arn, IncludeExecutionData=True)
        for callback in open_callbacks(parse_history(events, source="serve")):
            callback_id = str(callback.callback_id)
            if callback_id in answered:
                continue
            name = callback.display_name
            if name not in answers:
                return False, f"no scripted answer for callback {name!r}"
            body = {"callbackId": callback_id, **decision_for(answers[name])}
            response = review.handler({"body": json.dumps(body)}, None)  # the review endpoint, as deployed
            echo(f"  review endpoint, {name}: {response['statusCode']} {response['body']}")
            if response["statusCode"] != 200:
                return False, f"the review endpoint refused {name}: {response['body']}"
            answered.add(callback_id)
        time.sleep(0.05)
    else:
        return False, "did not finish in time"
    result = json.loads(execution.get("Result") or "null")
    outcome = result.get("status") if isinstance(result, dict) else None
    ok = execution["Status"] == "SUCCEEDED" and outcome == scenario.expected_status
    expected = scenario.expected_status
    return ok, f"execution {execution['Status']}, workflow status {outcome!r} (expected {expected!r})"


def main(argv: list[str] | None = None) -> int:
    selected = select_scenarios(argv if argv is not None else sys.argv[1:])
    if selected is None:
        return 1
    service = LocalService()
    results = []
    try:
        click.echo(f"cdk-durable serve at {service.url} (console: {service.url}/)")
        for scenario in selected:
            click.secho(f"\n=== scenario {scenario.name} on serve: {scenario.description}", bold=True)
            results.append((scenario, *run_on_serve(scenario, service)))
    finally:
        service.stop()
    click.secho("\n=== summary", bold=True)
    for scenario, ok, outcome in results:
        mark = click.style("ok  ", fg="green") if ok else click.style("FAIL", fg="red")
        click.echo(f"  {mark} {scenario.name:<11} {outcome}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
