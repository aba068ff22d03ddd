"""Execution ARNs on ``cdk-durable serve`` are AWS-shaped and round-trip through every API that takes
one (boto3 against the service in a subprocess, as users drive it)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cdk_durable.platform import EXECUTION_ARN_PATTERN

from .conftest import BOUND, FLOWS, cdk_durable_cli, wait_until

APPROVAL = f"approval={FLOWS}:approval"
NESTED = f"nested={FLOWS}:nested"
WAITS = f"waits={FLOWS}:waits"


def _shape(arn: str) -> tuple[str, ...]:
    match = re.match(EXECUTION_ARN_PATTERN, arn)
    assert match is not None, f"not an AWS execution ARN: {arn}"
    return match.groups()


def _events(client: Any, arn: str) -> list[dict[str, Any]]:
    return list(client.get_durable_execution_history(DurableExecutionArn=arn)["Events"])


def _callback_id(client: Any, arn: str) -> str:
    found: str = wait_until(
        lambda: next(
            (
                e["CallbackStartedDetails"]["CallbackId"]
                for e in _events(client, arn)
                if e["EventType"] == "CallbackStarted"
            ),
            None,
        ),
        "the callback",
    )
    return found


def _finished(client: Any, arn: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        execution: dict[str, Any] = client.get_durable_execution(DurableExecutionArn=arn)
        return execution if execution["Status"] != "RUNNING" else None

    found: dict[str, Any] = wait_until(done, f"execution {arn} to finish", bound=BOUND)
    return found


def test_the_execution_arn_is_aws_shaped_and_every_api_takes_it(serve: Any, tmp_path: Path) -> None:
    served = serve("--skip-time", "--function", APPROVAL)
    client = served.client()
    payload = json.dumps({"items": [1, 2], "wait": 5})
    arn = client.invoke(
        FunctionName="approval:$LATEST",
        InvocationType="Event",
        DurableExecutionName="order-7",
        Payload=payload,
    )["DurableExecutionArn"]
    partition, region, account, function, version, name, execution_id = _shape(arn)
    assert (partition, region, account, function, version, name) == (
        "aws",
        "us-east-1",
        "123456789012",
        "approval",
        "$LATEST",
        "order-7",
    )
    # the execution id is the EXECUTION operation's id, as on AWS
    events = _events(client, arn)
    assert events[0]["EventType"] == "ExecutionStarted" and events[0]["Id"] == execution_id
    # idempotent start: the same ARN, under an alias too (an alias's execution names the version run)
    again = client.invoke(
        FunctionName="approval",
        Qualifier="live",
        InvocationType="Event",
        DurableExecutionName="order-7",
        Payload=payload,
    )
    assert again["DurableExecutionArn"] == arn
    with pytest.raises(ClientError) as conflict:
        client.invoke(
            FunctionName="approval:$LATEST",
            InvocationType="Event",
            DurableExecutionName="order-7",
            Payload="{}",
        )
    assert arn in conflict.value.response["Error"]["Message"]
    # get, history, list (all, by status, by name) all answer with the same ARN
    assert client.get_durable_execution(DurableExecutionArn=arn)["DurableExecutionArn"] == arn
    listed = client.list_durable_executions_by_function(FunctionName="approval")["DurableExecutions"]
    assert [e["DurableExecutionArn"] for e in listed] == [arn]
    running = client.list_durable_executions_by_function(FunctionName="approval", Statuses=["RUNNING"])
    assert [e["DurableExecutionArn"] for e in running["DurableExecutions"]] == [arn]
    named = client.list_durable_executions_by_function(
        FunctionName="approval", DurableExecutionName="order-7"
    )
    assert [e["DurableExecutionArn"] for e in named["DurableExecutions"]] == [arn]
    # the callback the SDK created (over HTTP, under this ARN), answered; the execution completes
    client.send_durable_execution_callback_success(
        CallbackId=_callback_id(client, arn), Result=json.dumps("ok")
    )
    assert _finished(client, arn)["Status"] == "SUCCEEDED"
    # diagnose, live, by function and execution name (what `diagnose --endpoint-url` calls)
    env = {
        **os.environ,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    for args in (
        ["--function", "approval:$LATEST", "--execution-name", "order-7"],
        ["--execution-arn", arn],
    ):
        live = cdk_durable_cli("diagnose", *args, "--endpoint-url", served.url, env=env)
        assert live.returncode == 0, live.stderr
        assert "SUCCEEDED" in live.stdout
    assert "Traceback" not in served.log.read_text()


def test_stop_takes_the_aws_arn_and_a_numeric_version_stays_in_it(serve: Any) -> None:
    served = serve("--skip-time", "--function", APPROVAL)
    client = served.client()
    arn = client.invoke(FunctionName="approval:3", InvocationType="Event", Payload="{}")[
        "DurableExecutionArn"
    ]
    assert _shape(arn)[4] == "3"
    _callback_id(client, arn)
    client.stop_durable_execution(DurableExecutionArn=arn)
    assert _finished(client, arn)["Status"] == "STOPPED"


def test_the_handler_sees_the_aws_arn_and_a_chained_child_has_one_too(serve: Any) -> None:
    served = serve("--skip-time", "--function", NESTED, "--function", WAITS)
    client = served.client()
    response = client.invoke(FunctionName="nested:$LATEST", DurableExecutionName="outer", Payload="{}")
    arn = response["DurableExecutionArn"]
    assert json.loads(response["Payload"].read()) == {"own": arn, "child": {"count": 2}}
    started = next(e for e in _events(client, arn) if e["EventType"] == "ChainedInvokeStarted")
    child = started["ChainedInvokeStartedDetails"]["DurableExecutionArn"]
    assert _shape(child)[3:5] == ("waits", "$LATEST")
    assert client.get_durable_execution(DurableExecutionArn=child)["Status"] == "SUCCEEDED"
    assert any(e["EventType"] == "WaitSucceeded" for e in _events(client, child))


def test_an_arn_that_names_no_execution_here_is_not_found(serve: Any) -> None:
    served = serve("--skip-time", "--function", APPROVAL, "--function", WAITS)
    client = served.client()
    arn = client.invoke(FunctionName="approval:$LATEST", InvocationType="Event", Payload="{}")[
        "DurableExecutionArn"
    ]
    _partition, _region, _account, _function, _version, name, _execution_id = _shape(arn)
    unknown = f"arn:aws:lambda:us-east-1:123456789012:function:approval:$LATEST/durable-execution/{name}/nope"
    other_function = arn.replace(":function:approval:", ":function:waits:")
    for wrong in (unknown, other_function):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_durable_execution(DurableExecutionArn=wrong)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_durable_execution_history(DurableExecutionArn=wrong)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.stop_durable_execution(DurableExecutionArn=wrong)
    client.stop_durable_execution(DurableExecutionArn=arn)  # the real one is untouched


def test_the_console_shows_and_links_the_aws_arn(serve: Any) -> None:
    import urllib.request
    from urllib.parse import quote

    served = serve("--skip-time", "--function", APPROVAL)
    client = served.client()
    arn = client.invoke(FunctionName="approval:$LATEST", InvocationType="Event", Payload="{}")[
        "DurableExecutionArn"
    ]
    _callback_id(client, arn)
    with urllib.request.urlopen(f"{served.url}/", timeout=BOUND) as page:
        listing = page.read().decode()
    assert f"/console/execution?arn={quote(arn, safe='')}" in listing.replace("&amp;", "&")
    with urllib.request.urlopen(
        f"{served.url}/console/execution?arn={quote(arn, safe='')}", timeout=BOUND
    ) as page:
        detail = page.read().decode()
    assert f"ARN <code>{arn}</code>" in detail.replace("&#x27;", "'")
