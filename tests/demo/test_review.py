"""The review endpoint (function URL handler): request validation and the callback it sends."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from demo.review import review


class StubLambda:
    def __init__(self, error: ClientError | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.error = error

    def _record(self, name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, kwargs))
        if self.error:
            raise self.error
        return {}

    def send_durable_execution_callback_success(self, **kwargs: Any) -> dict[str, Any]:
        return self._record("success", kwargs)

    def send_durable_execution_callback_failure(self, **kwargs: Any) -> dict[str, Any]:
        return self._record("failure", kwargs)

    def send_durable_execution_callback_heartbeat(self, **kwargs: Any) -> dict[str, Any]:
        return self._record("heartbeat", kwargs)


@pytest.fixture
def client() -> Iterator[StubLambda]:
    stub = StubLambda()
    review.use_lambda_client(stub)
    yield stub
    review.use_lambda_client(None)


def call(body: Any, *, base64_encoded: bool = False) -> tuple[int, dict[str, Any]]:
    text = body if isinstance(body, str) else json.dumps(body)
    if base64_encoded:
        text = base64.b64encode(text.encode()).decode()
    response = review.handler({"body": text, "isBase64Encoded": base64_encoded}, None)
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize(
    ("decision", "extra", "answer"),
    [
        ("approve", {"agentNotes": "fine"}, {"approved": True, "agentNotes": "fine"}),
        ("reject", {}, {"approved": False}),
        ("edit", {"editedResponse": "New text"}, {"approved": True, "editedResponse": "New text"}),
    ],
)
def test_decisions_send_callback_success_with_the_workflow_answer(
    client: StubLambda, decision: str, extra: dict[str, Any], answer: dict[str, Any]
) -> None:
    status, body = call({"callbackId": "cb-1", "decision": decision, **extra}, base64_encoded=True)
    assert status == 200 and body["callbackId"] == "cb-1"
    assert client.calls == [("success", {"CallbackId": "cb-1", "Result": json.dumps(answer).encode()})]


def test_fail_sends_callback_failure(client: StubLambda) -> None:
    status, _ = call({"callbackId": "cb-1", "decision": "fail", "reason": "tool broken"})
    assert status == 200
    assert client.calls == [
        (
            "failure",
            {"CallbackId": "cb-1", "Error": {"ErrorType": "ReviewFailed", "ErrorMessage": "tool broken"}},
        )
    ]


def test_heartbeat(client: StubLambda) -> None:
    assert call({"callbackId": "cb-1", "decision": "heartbeat"})[0] == 200
    assert client.calls == [("heartbeat", {"CallbackId": "cb-1"})]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "body must be a JSON object"),
        ([], "body must be a JSON object"),
        ({"decision": "approve"}, "callbackId is required"),
        ({"callbackId": "cb", "decision": "maybe"}, "decision must be one of approve, reject, edit, fail"),
        ({"callbackId": "cb", "decision": "edit"}, "decision edit needs editedResponse"),
        ({"callbackId": "cb", "decision": "approve", "agentNotes": 5}, "agentNotes must be a string"),
    ],
)
def test_bad_requests_are_400_and_send_nothing(client: StubLambda, body: Any, message: str) -> None:
    status, response = call(body)
    assert status == 400
    assert message in response["error"]
    assert client.calls == []


@pytest.mark.parametrize(
    ("code", "status"),
    [("ResourceNotFoundException", 404), ("InvalidParameterValueException", 409), ("ServiceException", 502)],
)
def test_lambda_errors_map_to_http_status(code: str, status: int) -> None:
    review.use_lambda_client(StubLambda(ClientError({"Error": {"Code": code, "Message": "m"}}, "Send")))
    try:
        got, body = call({"callbackId": "cb", "decision": "approve"})
    finally:
        review.use_lambda_client(None)
    assert got == status and body["error"] == f"{code}: m"
