"""Live mode: read an execution and its history through boto3 (``GetDurableExecution[History]``)."""

from __future__ import annotations

import os
import re
from typing import Any

from .. import platform as p
from .._history import DiagnoseInputError

_FUNCTION_ARN = re.compile(
    r"^(?P<arn>arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]+)(?::(?P<qualifier>[^:]+))?$"
)
_FUNCTION_NAME = re.compile(r"^(?P<name>[a-zA-Z0-9_-]{1,64})(?::(?P<qualifier>[a-zA-Z0-9_$.-]+))?$")


def split_function(function: str) -> tuple[str, str | None]:
    """``NAME[:QUALIFIER]`` or a function ARN (qualified or not) -> (FunctionName, Qualifier)."""
    for pattern, key in ((_FUNCTION_ARN, "arn"), (_FUNCTION_NAME, "name")):
        match = pattern.match(function)
        if match:
            return match[key], match["qualifier"]
    raise DiagnoseInputError(
        f"--function must be NAME:QUALIFIER (a version or alias, e.g. orders:live) or a function ARN, "
        f"got {function!r}"
    )


def lambda_client(*, region: str | None, profile: str | None) -> Any:
    """A boto3 ``lambda`` client, or one clear error when boto3, credentials or a region are missing."""
    try:
        import boto3
        import botocore.exceptions
    except ImportError:  # pragma: no cover - boto3 ships with the [local] extra used in development
        raise DiagnoseInputError(
            "live mode needs boto3: pip install 'cdk-durable[local]', or pass the history JSON as a file"
        ) from None
    try:
        # AWS_REGION as well as botocore's AWS_DEFAULT_REGION (the SDKs and AWS CLI v2 read both).
        region = region or os.environ.get("AWS_REGION") or None
        session = boto3.Session(profile_name=profile, region_name=region)
    except (
        botocore.exceptions.ProfileNotFound,
        botocore.exceptions.InvalidConfigError,
        botocore.exceptions.ConfigParseError,
    ) as exc:
        where = "--profile" if isinstance(exc, botocore.exceptions.ProfileNotFound) else "AWS config"
        raise DiagnoseInputError(f"{where}: {exc}") from None
    if session.get_credentials() is None:
        raise DiagnoseInputError(
            "no AWS credentials found for live mode (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run "
            "`aws configure`); or save `aws lambda get-durable-execution-history` output and pass the file"
        )
    if session.region_name is None:
        raise DiagnoseInputError("no AWS region for live mode: pass --region or set AWS_REGION")
    try:
        return session.client("lambda")
    except (botocore.exceptions.BotoCoreError, ValueError) as exc:  # a bad region or endpoint URL
        where = "--region" if isinstance(exc, botocore.exceptions.InvalidRegionError) else "endpoint"
        raise DiagnoseInputError(
            f"cannot make a Lambda client ({where}): {exc} (check --region, AWS_REGION and "
            "AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_LAMBDA)"
        ) from None


def fetch_execution(
    client: Any,
    *,
    execution_arn: str | None = None,
    function: str | None = None,
    execution_name: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(history, execution)`` as the API returns them, pages of the history joined.

    Either ``execution_arn``, or ``function`` (``NAME:QUALIFIER``) with ``execution_name`` (the most
    recent run with that name is used).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        if execution_arn is None:
            if not function or not execution_name:
                raise DiagnoseInputError(
                    "live mode needs --execution-arn, or --function with --execution-name"
                )
            execution_arn = find_execution_arn(client, function, execution_name)
        execution = client.get_durable_execution(DurableExecutionArn=execution_arn, IncludeExecutionData=True)
        execution.pop("ResponseMetadata", None)
        events: list[dict[str, Any]] = []
        for page in client.get_paginator("get_durable_execution_history").paginate(
            DurableExecutionArn=execution_arn, IncludeExecutionData=True
        ):
            events.extend(page.get("Events", []))
    except ClientError as exc:
        error = exc.response.get("Error", {})
        operation = exc.operation_name
        hint = ""
        if error.get("Code") in ("AccessDeniedException", "AccessDenied"):
            actions = ", ".join(p.READ_EXECUTION_ACTIONS)
            hint = f" (the caller needs {actions} on `<function ARN>:*`)"
        raise DiagnoseInputError(
            f"{operation} failed: {error.get('Code')}: {error.get('Message')}{hint}"
        ) from None
    except BotoCoreError as exc:
        raise DiagnoseInputError(f"AWS call failed: {exc}") from None
    return {"Events": events}, execution


def find_execution_arn(client: Any, function: str, execution_name: str) -> str:
    name, qualifier = split_function(function)
    request: dict[str, Any] = {"FunctionName": name, "DurableExecutionName": execution_name}
    if qualifier:
        request["Qualifier"] = qualifier
    found: list[dict[str, Any]] = []
    for page in client.get_paginator("list_durable_executions_by_function").paginate(**request):
        found.extend(page.get("DurableExecutions", []))
    if not found:
        raise DiagnoseInputError(f"no durable execution named {execution_name!r} for function {function!r}")
    latest = max(found, key=lambda e: e["StartTimestamp"])
    return str(latest["DurableExecutionArn"])
