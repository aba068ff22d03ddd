"""AsyncStarter handler: SQS batch -> asynchronous durable executions with deterministic names.

For each message: derive a durable execution name (from a JSON field, a template, or the body's
SHA-256), then ``Invoke`` the durable function's alias with ``InvocationType=Event`` and
``DurableExecutionName``. A redelivered message gets the same name and the same payload, so Lambda
returns the existing execution instead of starting a second one. Messages that fail are reported
with ``batchItemFailures`` (partial batch response) so only they are retried.

Environment: ``TARGET_FUNCTION_ARN`` (qualified alias ARN), optional ``EXECUTION_NAME_FIELD`` (dotted
JSON path) or ``EXECUTION_NAME_TEMPLATE`` (``order-{orderId}``). Standard library + boto3 only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_NAME = 64
_HASH_CHARS = 16
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_$.-]+)\}")

_client: Any = None


class MessageError(ValueError):
    """A message that cannot be turned into an execution (reported as a batch item failure)."""


def _lambda_client() -> Any:
    global _client
    if _client is None:
        import boto3  # in the Lambda runtime

        _client = boto3.client("lambda")
    return _client


def sanitize_name(raw: str) -> str:
    """A valid durable execution name (1-64 of ``[a-zA-Z0-9_-]``) derived deterministically from ``raw``.

    Valid names are kept as they are. Anything else is cleaned (invalid characters become ``-``) and
    suffixed with a hash of the raw value, so two different raw values never share a name.
    """
    if NAME_PATTERN.match(raw):
        return raw
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    cleaned = re.sub(r"[^a-zA-Z0-9_-]+", "-", raw).strip("-")
    prefix = cleaned[: MAX_NAME - _HASH_CHARS - 1]
    return f"{prefix}-{digest}" if prefix else digest


def _lookup(doc: Any, path: str) -> Any:
    value = doc
    for key in path.split("."):
        if isinstance(value, dict) and key in value:
            value = value[key]
        else:
            raise MessageError(f"field {path!r} is missing from the message body")
    if value is None or isinstance(value, (dict, list)) or value == "":
        raise MessageError(f"field {path!r} must be a non-empty string or number, got {value!r}")
    return value


def execution_name(body: str, *, field: str | None = None, template: str | None = None) -> str:
    """The durable execution name for one message body."""
    if field is None and template is None:
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:MAX_NAME]
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as exc:
        raise MessageError(f"message body is not JSON ({exc.msg}); cannot read the execution name") from exc
    if field is not None:
        raw = str(_lookup(doc, field))
    else:
        assert template is not None
        raw = _PLACEHOLDER.sub(lambda m: str(_lookup(doc, m.group(1))), template)
    return sanitize_name(raw)


def start(
    record: dict[str, Any], *, client: Any, target: str, field: str | None, template: str | None
) -> str:
    """Start (or find) the execution for one SQS record; returns the execution name."""
    body = record.get("body", "")
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        raise MessageError(f"message body is not JSON ({exc.msg}); Lambda payloads must be JSON") from exc
    name = execution_name(body, field=field, template=template)
    client.invoke(
        FunctionName=target,
        InvocationType="Event",
        DurableExecutionName=name,
        Payload=body.encode("utf-8"),
    )
    return name


def handler(event: dict[str, Any], context: Any = None, *, client: Any = None) -> dict[str, Any]:
    target = os.environ["TARGET_FUNCTION_ARN"]
    field = os.environ.get("EXECUTION_NAME_FIELD") or None
    template = os.environ.get("EXECUTION_NAME_TEMPLATE") or None
    client = client or _lambda_client()
    failures: list[dict[str, str]] = []
    for record in event.get("Records", []):
        message_id = record.get("messageId", "")
        try:
            name = start(record, client=client, target=target, field=field, template=template)
            logger.info(json.dumps({"messageId": message_id, "durableExecutionName": name, "started": True}))
        except Exception as exc:
            # DurableExecutionAlreadyStartedException: the name was used with a different payload. Not
            # retryable by nature; reported so the message reaches the queue's own DLQ for inspection.
            logger.error(
                json.dumps({"messageId": message_id, "error": type(exc).__name__, "message": str(exc)})
            )
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
