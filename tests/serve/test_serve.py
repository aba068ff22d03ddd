"""``cdk-durable serve`` driven as users drive it: boto3 and the AWS CLI against --endpoint-url."""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import BOUND, FLOWS, cdk_durable_cli, free_port, wait_until

APPROVAL = f"approval={FLOWS}:approval"
TAX = f"tax={FLOWS}:tax,plain"
CHAIN = f"chain={FLOWS}:chain"


def _events(client: Any, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = client.get_durable_execution_history(
        DurableExecutionArn=arn, IncludeExecutionData=True
    )["Events"]
    return events


def _callback_id(client: Any, arn: str) -> str:
    def started() -> str | None:
        for event in _events(client, arn):
            if event["EventType"] == "CallbackStarted":
                return str(event["CallbackStartedDetails"]["CallbackId"])
        return None

    found: str = wait_until(started, "the callback to start")
    return found


def _finished(client: Any, arn: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        execution: dict[str, Any] = client.get_durable_execution(DurableExecutionArn=arn)
        return None if execution["Status"] == "RUNNING" else execution

    found: dict[str, Any] = wait_until(done, f"execution {arn} to finish")
    return found


def test_boto3_idempotent_start_callback_listing_and_diagnose(serve: Any, tmp_path: Path) -> None:
    served = serve("--skip-time", "--function", APPROVAL)
    client = served.client()
    payload = json.dumps({"items": [1, 2, 3]})
    first = client.invoke(
        FunctionName="approval:$LATEST",
        InvocationType="Event",
        DurableExecutionName="order-1",
        Payload=payload,
    )
    assert first["StatusCode"] == 202
    arn = first["DurableExecutionArn"]
    # same name, same payload: the same execution (under the ARN form of the name too)
    again = client.invoke(
        FunctionName="arn:aws:lambda:us-east-1:123456789012:function:approval",
        Qualifier="live",
        InvocationType="Event",
        DurableExecutionName="order-1",
        Payload=payload,
    )
    assert again["DurableExecutionArn"] == arn
    # same name, another payload: AWS's conflict error
    with pytest.raises(client.exceptions.DurableExecutionAlreadyStartedException):
        client.invoke(
            FunctionName="approval:$LATEST",
            InvocationType="Event",
            DurableExecutionName="order-1",
            Payload="{}",
        )
    callback_id = _callback_id(client, arn)
    client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)
    client.send_durable_execution_callback_success(CallbackId=callback_id, Result=json.dumps({"ok": True}))
    execution = _finished(client, arn)
    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"])["total"] == 6
    listed = client.list_durable_executions_by_function(FunctionName="approval")["DurableExecutions"]
    assert [(e["DurableExecutionName"], e["Status"]) for e in listed] == [("order-1", "SUCCEEDED")]
    assert (
        client.list_durable_executions_by_function(FunctionName="approval", Statuses=["RUNNING"])[
            "DurableExecutions"
        ]
        == []
    )

    # the history, as `aws lambda get-durable-execution-history` writes it, into diagnose
    history = client.get_durable_execution_history(DurableExecutionArn=arn, IncludeExecutionData=True)
    history.pop("ResponseMetadata")
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history, default=str))
    result = cdk_durable_cli("diagnose", str(path))
    assert result.returncode == 0, result.stderr
    assert "SUCCEEDED" in result.stdout and "review" in result.stdout
    # and live, pointed at the service the way every AWS SDK is: AWS_ENDPOINT_URL_LAMBDA
    env = {**os.environ, "AWS_ENDPOINT_URL_LAMBDA": served.url, "AWS_REGION": "us-east-1"}
    env.update(AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")
    live = cdk_durable_cli("diagnose", "--execution-arn", arn, env=env)
    assert live.returncode == 0, live.stderr
    assert "SUCCEEDED" in live.stdout
    assert "Traceback" not in served.log.read_text()


def test_request_response_waits_for_the_result_and_fails_as_lambda(serve: Any) -> None:
    served = serve("--skip-time", "--function", APPROVAL, "--function", TAX, "--function", CHAIN)
    client = served.client()
    # a chained invoke of a plain function, synchronously
    response = client.invoke(FunctionName="chain:$LATEST", Payload=json.dumps({"amount": 50}))
    assert response["StatusCode"] == 200 and "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {"taxed": {"amount": 50, "tax": 10.0}}
    assert response["DurableExecutionArn"]
    # a non-durable function invokes unqualified, as on Lambda
    plain = client.invoke(FunctionName="tax", Payload=json.dumps({"amount": 5}))
    assert json.loads(plain["Payload"].read()) == {"amount": 5, "tax": 1.0}
    # a handler error is Lambda's function error
    broken = client.invoke(FunctionName="tax", Payload=json.dumps({}))
    assert broken["FunctionError"] == "Unhandled"
    assert json.loads(broken["Payload"].read())["errorType"] == "KeyError"


def test_bad_requests_get_one_clear_error_each_and_no_traceback(serve: Any) -> None:
    served = serve("--skip-time", "--function", APPROVAL)
    client = served.client()
    cases = [
        (
            lambda: client.invoke(FunctionName="approval", Payload="{}"),
            "InvalidParameterValueException",
            "unqualified",
        ),
        (
            lambda: client.invoke(FunctionName="nope:$LATEST", Payload="{}"),
            "ResourceNotFoundException",
            "nope",
        ),
        (
            lambda: client.invoke(
                FunctionName="approval:$LATEST", DurableExecutionName="bad name!", Payload="{}"
            ),
            "InvalidParameterValueException",
            "bad name!",
        ),
        (
            lambda: client.invoke(FunctionName="approval:$LATEST", Payload=b"not json"),
            "InvalidRequestContentException",
            "JSON",
        ),
        (
            lambda: client.get_durable_execution(DurableExecutionArn="missing"),
            "ResourceNotFoundException",
            "",
        ),
        (
            lambda: client.send_durable_execution_callback_success(CallbackId="nope", Result=b"{}"),
            "",
            "",
        ),
        (
            lambda: client.pause_durable_execution(DurableExecutionArn="x"),
            "InvalidParameterValueException",
            "pause",
        ),
        (
            lambda: client.resume_durable_execution(DurableExecutionArn="x"),
            "InvalidParameterValueException",
            "resume",
        ),
        (
            lambda: client.delete_durable_execution(DurableExecutionArn="x"),
            "InvalidParameterValueException",
            "delete",
        ),
    ]
    for call, code, words in cases:
        with pytest.raises(ClientError) as raised:
            call()
        error = raised.value.response["Error"]
        if code:
            assert error["Code"] == code, error
        assert words.lower() in error["Message"].lower(), error
    log = served.log.read_text()
    assert "Traceback" not in log
    assert log.count(" -> 4") >= len(cases) - 1  # one line per refused request


def test_sigkill_mid_wait_then_restart_completes_and_runs_each_step_once(serve: Any, tmp_path: Path) -> None:
    state = tmp_path / "state"
    marks = tmp_path / "marks.txt"
    args = ("--state", str(state), "--function", f"waits={FLOWS}:waits")
    served = serve(*args)
    client = served.client()
    arn = client.invoke(
        FunctionName="waits:$LATEST",
        InvocationType="Event",
        DurableExecutionName="w-1",
        Payload=json.dumps({"n": 1, "wait": 3, "marks": str(marks)}),
    )["DurableExecutionArn"]
    wait_until(
        lambda: any(e["EventType"] == "WaitStarted" for e in _events(client, arn)), "the wait to start"
    )
    served.kill(signal.SIGKILL)  # mid-wait
    again = serve(*args, port=served.port)
    assert f"resumed execution {arn}" in again.log.read_text()
    execution = _finished(again.client(), arn)
    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"]) == {"count": 2}
    assert marks.read_text().splitlines() == ["count"]  # the step ran once, before the kill


def test_sigkill_with_a_pending_callback_then_restart_the_callback_still_completes(
    serve: Any, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    args = ("--state", str(state), "--skip-time", "--function", APPROVAL)
    served = serve(*args)
    client = served.client()
    arn = client.invoke(
        FunctionName="approval:$LATEST",
        InvocationType="Event",
        DurableExecutionName="c-1",
        Payload='{"items": [4]}',
    )["DurableExecutionArn"]
    callback_id = _callback_id(client, arn)
    served.kill(signal.SIGKILL)
    again = serve(*args, port=served.port)
    client = again.client()
    client.send_durable_execution_callback_success(CallbackId=callback_id, Result=json.dumps("yes"))
    execution = _finished(client, arn)
    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"])["total"] == 4


@pytest.mark.slow  # runs the AWS CLI
def test_the_aws_cli_drives_it(serve: Any, tmp_path: Path) -> None:
    served = serve("--skip-time", "--function", APPROVAL)
    aws = str(Path(sys.executable).parent / "aws")
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
    }

    def cli(*args: str) -> Any:
        result = subprocess.run(
            [aws, "--endpoint-url", served.url, "--output", "json", "lambda", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=BOUND,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    out = tmp_path / "out.json"
    invoked = cli(
        "invoke",
        "--function-name",
        "approval:$LATEST",
        "--invocation-type",
        "Event",
        "--durable-execution-name",
        "cli-1",
        "--payload",
        '{"items": [2, 5]}',
        str(out),
    )
    arn = invoked["DurableExecutionArn"]
    listed = cli("list-durable-executions-by-function", "--function-name", "approval")
    assert [e["DurableExecutionName"] for e in listed["DurableExecutions"]] == ["cli-1"]

    def callback() -> str | None:
        events = cli("get-durable-execution-history", "--durable-execution-arn", arn)["Events"]
        return next(
            (
                e["CallbackStartedDetails"]["CallbackId"]
                for e in events
                if e["EventType"] == "CallbackStarted"
            ),
            None,
        )

    callback_id = wait_until(callback, "the callback")
    cli(
        "send-durable-execution-callback-success",
        "--callback-id",
        callback_id,
        "--result",
        '"approved"',
    )
    final = wait_until(
        lambda: (lambda e: e if e["Status"] != "RUNNING" else None)(
            cli("get-durable-execution", "--durable-execution-arn", arn)
        ),
        "the execution to finish",
    )
    assert final["Status"] == "SUCCEEDED" and json.loads(final["Result"])["total"] == 7


def test_stop_ends_a_running_execution(serve: Any) -> None:
    served = serve("--skip-time", "--function", APPROVAL)
    client = served.client()
    arn = client.invoke(FunctionName="approval:1", InvocationType="Event", Payload="{}")[
        "DurableExecutionArn"
    ]
    _callback_id(client, arn)
    client.stop_durable_execution(DurableExecutionArn=arn)
    assert _finished(client, arn)["Status"] == "STOPPED"


def test_a_handler_that_does_not_load_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = cdk_durable_cli(
        "serve",
        "--port",
        str(free_port()),
        "--function",
        "x=nope.py:handler",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert (
        result.stderr.startswith("Error: ")
        and "nope.py" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_a_client_that_resets_its_connection_is_not_an_error(serve: Any) -> None:
    """A browser closing a keep-alive connection (a reset, mid-wait for its next request)."""
    served = serve("--skip-time", "--function", APPROVAL)
    for request in (b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", served.port), timeout=BOUND) as sock:
            if request:
                sock.sendall(request)
                assert sock.recv(64).startswith(b"HTTP/1.")
            time.sleep(0.3)  # the server's thread now waits for the (next) request line
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset

    with urllib.request.urlopen(served.url + "/", timeout=BOUND) as answer:  # still serving
        assert answer.status == 200
    time.sleep(0.3)
    assert "Traceback" not in served.log.read_text()
    assert "Exception occurred" not in served.log.read_text()
