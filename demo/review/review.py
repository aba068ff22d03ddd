"""The review endpoint: an agent's tool POSTs a decision here; it completes the waiting callback.

Deployed behind an IAM-authorized Lambda function URL (handler ``review.handler``). Request body:

    {"callbackId": "...", "decision": "approve" | "reject" | "edit" | "fail" | "heartbeat",
     "editedResponse": "..." (edit), "agentNotes": "..." (optional), "reason": "..." (fail)}

``approve`` / ``reject`` / ``edit`` send ``SendDurableExecutionCallbackSuccess`` with the answer the
workflow expects (``{"approved": bool, "editedResponse"?, "agentNotes"?}``); ``fail`` sends
``SendDurableExecutionCallbackFailure``; ``heartbeat`` keeps a long review alive. The function's
role holds exactly those three actions on the triage function's executions
(``DurableFunction.grant_send_callback``).
"""

from __future__ import annotations

import base64
import json
from typing import Any, Final

DECISIONS: Final = ("approve", "reject", "edit", "fail", "heartbeat")
MAX_TEXT: Final = 4_000

_client: Any = None


def use_lambda_client(client: Any) -> None:
    """Replace the boto3 Lambda client (tests pass a stub; ``None`` resets)."""
    global _client
    _client = client


def lambda_client() -> Any:
    global _client
    if _client is None:
        import boto3

        _client = boto3.client("lambda")
    return _client


class BadRequest(ValueError):
    pass


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise BadRequest(f"{key} must be a string of at most {MAX_TEXT} characters")
    return value.strip() or None


def parse_request(event: dict[str, Any]) -> dict[str, Any]:
    """Decode and validate the function-URL request body."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        raise BadRequest("body must be a JSON object") from None
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    callback_id = data.get("callbackId")
    if not isinstance(callback_id, str) or not callback_id.strip():
        raise BadRequest("callbackId is required (the id from the review notification)")
    decision = data.get("decision")
    if decision not in DECISIONS:
        raise BadRequest(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
    request = {
        "callbackId": callback_id.strip(),
        "decision": decision,
        "editedResponse": _optional_text(data, "editedResponse"),
        "agentNotes": _optional_text(data, "agentNotes"),
        "reason": _optional_text(data, "reason"),
    }
    if decision == "edit" and not request["editedResponse"]:
        raise BadRequest("decision edit needs editedResponse")
    return request


def send_decision(request: dict[str, Any], client: Any) -> str:
    callback_id, decision = request["callbackId"], request["decision"]
    if decision == "heartbeat":
        client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)
        return "heartbeat sent"
    if decision == "fail":
        client.send_durable_execution_callback_failure(
            CallbackId=callback_id,
            Error={"ErrorType": "ReviewFailed", "ErrorMessage": request["reason"] or "review failed"},
        )
        return "callback failed"
    answer: dict[str, Any] = {"approved": decision != "reject"}
    if request["editedResponse"] and decision == "edit":
        answer["editedResponse"] = request["editedResponse"]
    if request["agentNotes"]:
        answer["agentNotes"] = request["agentNotes"]
    client.send_durable_execution_callback_success(CallbackId=callback_id, Result=json.dumps(answer).encode())
    return "approved" if answer["approved"] else "rejected"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        request = parse_request(event)
    except BadRequest as e:
        return _response(400, {"error": str(e)})
    from botocore.exceptions import ClientError

    try:
        outcome = send_decision(request, lambda_client())
    except ClientError as e:
        error = e.response.get("Error", {})
        code = error.get("Code", "Error")
        status = (
            404
            if code == "ResourceNotFoundException"
            else 409
            if code == "InvalidParameterValueException"
            else 502
        )
        return _response(status, {"error": f"{code}: {error.get('Message', '')}"})
    return _response(200, {"outcome": outcome, "callbackId": request["callbackId"]})
