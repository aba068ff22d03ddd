"""Live mode through boto3, with botocore's Stubber standing in for the service."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner, Result

from cdk_durable.cli import main
from cdk_durable.diagnose import DiagnoseInputError, parse_timestamp
from cdk_durable.diagnose import cli as diagnose_cli
from cdk_durable.diagnose._live import lambda_client, split_function

from . import _fixtures as fx

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders:7/durable-execution/order-1001/run-1"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders:7"


def _as_boto3(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recorded events as boto3 returns them: timestamps parsed to datetimes.

    The emulator leaves out ``StepSucceededDetails.RetryDetails``, which the botocore model marks
    required; the Stubber validates responses against the model, so it is added here.
    """
    events = copy.deepcopy(events)
    for event in events:
        event["EventTimestamp"] = parse_timestamp(event["EventTimestamp"], where="fixture")
        details = event.get("WaitStartedDetails")
        if details:
            details["ScheduledEndTimestamp"] = parse_timestamp(
                details["ScheduledEndTimestamp"], where="fixture"
            )
        if "StepSucceededDetails" in event:
            event["StepSucceededDetails"].setdefault("RetryDetails", {"CurrentAttempt": 1})
    return events


def _execution_response(name: str = "callback_pending") -> dict[str, Any]:
    execution = fx.execution(name)
    execution.update(DurableExecutionArn=ARN, FunctionArn=FUNCTION_ARN, Version="7")
    execution["StartTimestamp"] = parse_timestamp(execution["StartTimestamp"], where="fixture")
    return execution


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = boto3.client(
        "lambda", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    monkeypatch.setattr(diagnose_cli, "lambda_client", lambda **_: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _add_execution_and_history(stubber: Stubber) -> None:
    events = _as_boto3(fx.history("callback_pending")["Events"])
    stubber.add_response(
        "get_durable_execution",
        _execution_response(),
        {"DurableExecutionArn": ARN, "IncludeExecutionData": True},
    )
    # two pages: the tool must follow NextMarker
    stubber.add_response(
        "get_durable_execution_history",
        {"Events": events[:4], "NextMarker": "5"},
        {"DurableExecutionArn": ARN, "IncludeExecutionData": True},
    )
    stubber.add_response(
        "get_durable_execution_history",
        {"Events": events[4:]},
        {"DurableExecutionArn": ARN, "IncludeExecutionData": True, "Marker": "5"},
    )


def _run(*args: str) -> Result:
    now = fx.at("callback_pending", hours=2).isoformat()
    return CliRunner().invoke(main, ["diagnose", *args, "--now", now])


def test_execution_arn(stubbed: Stubber) -> None:
    _add_execution_and_history(stubbed)
    result = _run("--execution-arn", ARN)
    assert result.exit_code == 0, result.output
    assert f"  ARN       {ARN}\n" in result.output
    assert f"  Function  {FUNCTION_ARN}\n" in result.output
    # all four operations, from both pages; the region comes from the execution ARN
    assert "\nTimeline (offset from start, duration)\n" in result.output
    timeline = result.output.split("\nTimeline (offset from start, duration)\n")[1].split("\n\n")[0]
    for name in ("validate-order", "reserve-stock", "manager-approval", "notify-manager"):
        assert name in timeline
    assert "--result '<result JSON>' --region eu-west-1\n" in result.output
    assert "WARNING stuck-in-callback" in result.output


def test_function_and_execution_name_pick_the_latest_run(stubbed: Stubber) -> None:
    start = parse_timestamp(fx.execution("callback_pending")["StartTimestamp"], where="fixture")
    older = {
        "DurableExecutionArn": ARN.replace("run-1", "run-0"),
        "DurableExecutionName": "order-1001",
        "FunctionArn": FUNCTION_ARN,
        "Status": "FAILED",
        "StartTimestamp": start - timedelta(days=3),
    }
    latest = {**older, "DurableExecutionArn": ARN, "Status": "RUNNING", "StartTimestamp": start}
    stubbed.add_response(
        "list_durable_executions_by_function",
        {"DurableExecutions": [latest, older]},
        {"FunctionName": "orders", "Qualifier": "live", "DurableExecutionName": "order-1001"},
    )
    _add_execution_and_history(stubbed)
    result = _run("--function", "orders:live", "--execution-name", "order-1001", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["execution"]["arn"] == ARN
    assert document["execution"]["version"] == "7"
    assert [f["code"] for f in document["findings"]] == ["stuck-in-callback"]


def test_no_execution_with_that_name(stubbed: Stubber) -> None:
    stubbed.add_response(
        "list_durable_executions_by_function",
        {"DurableExecutions": []},
        {"FunctionName": "orders", "Qualifier": "live", "DurableExecutionName": "order-9"},
    )
    result = _run("--function", "orders:live", "--execution-name", "order-9")
    assert result.exit_code == 1
    assert result.stderr == (
        "cdk-durable diagnose: no durable execution named 'order-9' for function 'orders:live'\n"
    )


def test_access_denied_is_one_line_with_the_permissions_needed(stubbed: Stubber) -> None:
    stubbed.add_client_error(
        "get_durable_execution",
        service_error_code="AccessDeniedException",
        service_message="not authorized",
        http_status_code=403,
    )
    result = _run("--execution-arn", ARN)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "cdk-durable diagnose: GetDurableExecution failed: AccessDeniedException: not authorized"
    )
    assert "lambda:GetDurableExecutionHistory" in line and "<function ARN>:*" in line


def test_execution_name_without_function() -> None:
    result = CliRunner().invoke(main, ["diagnose", "--execution-name", "order-1"])
    assert result.exit_code == 1
    assert "live mode needs --execution-arn, or --function with --execution-name" in result.stderr


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for variable in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_credentials")
def test_no_credentials_is_one_clear_error() -> None:
    result = CliRunner().invoke(main, ["diagnose", "--execution-arn", ARN, "--region", "eu-west-1"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("cdk-durable diagnose: no AWS credentials found for live mode")
    assert result.stdout == ""


@pytest.mark.usefixtures("no_credentials")
def test_no_region_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    result = CliRunner().invoke(main, ["diagnose", "--execution-arn", ARN])
    assert result.exit_code == 1
    assert (
        result.stderr
        == "cdk-durable diagnose: no AWS region for live mode: pass --region or set AWS_REGION\n"
    )


@pytest.mark.usefixtures("no_credentials")
def test_aws_region_alone_names_the_region(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given only AWS_REGION (what Lambda, the SDKs and AWS CLI v2 set), as the region error advises
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    # Then the live client uses it
    assert lambda_client(region=None, profile=None).meta.region_name == "eu-central-1"
    # And --region still wins
    assert lambda_client(region="us-west-2", profile=None).meta.region_name == "us-west-2"


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("orders:live", ("orders", "live")),
        ("orders:7", ("orders", "7")),
        ("orders", ("orders", None)),
        (FUNCTION_ARN, ("arn:aws:lambda:eu-west-1:123456789012:function:orders", "7")),
        (
            "arn:aws:lambda:eu-west-1:123456789012:function:orders",
            ("arn:aws:lambda:eu-west-1:123456789012:function:orders", None),
        ),
    ],
)
def test_split_function(function: str, expected: tuple[str, str | None]) -> None:
    assert split_function(function) == expected


@pytest.mark.parametrize("function", ["", "orders:live:extra", "my function"])
def test_split_function_rejects_other_forms(function: str) -> None:
    with pytest.raises(DiagnoseInputError, match=r"^--function must be NAME:QUALIFIER .*got"):
        split_function(function)


def test_stub_timestamps_are_datetimes_like_boto3() -> None:
    # guard for the helper above: the Stubber hands back what it is given, boto3 would give datetimes
    [first] = _as_boto3(fx.history("callback_pending")["Events"][:1])
    assert isinstance(first["EventTimestamp"], datetime) and first["EventTimestamp"].tzinfo == UTC
