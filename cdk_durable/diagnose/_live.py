"""Live mode: read an execution and its history through boto3 (``GetDurableExecution[History]``)."""

from __future__ import annotations

import functools
from typing import Any

from .. import _aws
from .. import platform as p
from .._history import DiagnoseInputError

#: Qualifiers diagnose accepts after ``NAME:`` (a version or an alias).
_QUALIFIER = r"[a-zA-Z0-9_$.-]+"
_CLIENT_MESSAGES = _aws.ClientMessages(
    no_boto3="live mode needs boto3: pip install 'cdk-durable[local]', or pass the history JSON as a file",
    no_credentials=(
        "no AWS credentials found for live mode (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run "
        "`aws configure`); or save `aws lambda get-durable-execution-history` output and pass the file"
    ),
    no_region="no AWS region for live mode: pass --region or set AWS_REGION",
)


def split_function(function: str) -> tuple[str, str | None]:
    """``NAME[:QUALIFIER]`` or a function ARN (qualified or not) -> (FunctionName, Qualifier)."""
    split = _aws.split_function(function, qualifier=_QUALIFIER)
    if split is None:
        raise DiagnoseInputError(
            f"--function must be NAME:QUALIFIER (a version or alias, e.g. orders:live) or a function ARN, "
            f"got {function!r}"
        )
    return split


#: A boto3 ``lambda`` client (:func:`cdk_durable._aws.lambda_client`), or one clear error.
lambda_client = functools.partial(_aws.lambda_client, messages=_CLIENT_MESSAGES, fail=DiagnoseInputError)


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
