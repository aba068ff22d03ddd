"""Fixtures for the demo tests: the triage handler on the durable testing SDK's runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner
from botocore.exceptions import ClientError

from demo.handler.triage import analyzer
from demo.handler.triage.app import handler

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
#: The testing SDK polls history every poll_interval (default 1 s per callback); keep it small.
POLL_INTERVAL = 0.005


def load_event(name: str) -> dict[str, Any]:
    return json.loads((DEMO_DIR / "events" / f"{name}.json").read_text())


@pytest.fixture
def local_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_ANALYZER", "local")
    monkeypatch.delenv("REVIEW_TOPIC_ARN", raising=False)


@pytest.fixture
def runner(local_analyzer: None) -> Iterator[DurableFunctionTestRunner]:
    with DurableFunctionTestRunner(handler=handler, poll_interval=POLL_INTERVAL) as r:
        yield r


class StubBedrock:
    """A ``bedrock-runtime`` client whose ``converse`` replays scripted outcomes (text or exception)."""

    def __init__(self, *outcomes: str | Exception) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[dict[str, Any]] = []

    def converse(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        outcome = self.outcomes[min(len(self.calls), len(self.outcomes)) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return {"output": {"message": {"role": "assistant", "content": [{"text": outcome}]}}}


def throttling() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "Too many requests"}}, "Converse")


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[StubBedrock]]:
    """Select the Bedrock analyzer; the test installs a stub with ``analyzer.use_bedrock_client``."""
    monkeypatch.setenv("TRIAGE_ANALYZER", "bedrock")
    monkeypatch.setenv("TRIAGE_MODEL_ID", "us.anthropic.claude-3-5-haiku-20241022-v1:0")
    monkeypatch.delenv("REVIEW_TOPIC_ARN", raising=False)
    yield StubBedrock
    analyzer.use_bedrock_client(None)
