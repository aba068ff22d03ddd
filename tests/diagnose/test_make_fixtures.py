"""The recorded fixtures still match what the testing SDK's emulator produces today."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from cdk_durable.diagnose import diagnose_history, parse_timestamp

from . import _fixtures as fx
from . import make_fixtures


@pytest.fixture(autouse=True)
def _quiet_runner() -> None:
    # the runner logs every failed attempt with a traceback
    logging.getLogger("aws_durable_execution_sdk_python").setLevel(logging.CRITICAL)
    logging.getLogger("aws_durable_execution_sdk_python_testing").setLevel(logging.CRITICAL)


def test_a_fresh_run_gives_the_recorded_history_and_diagnosis() -> None:
    # Given the retries scenario run again on the emulator, read back through boto3
    captured = make_fixtures.retries_exhausted()
    recorded = fx.history("retries_exhausted")
    # Then the same events arrive in the same order with the same shape
    assert [(e["EventType"], e.get("Name")) for e in captured.history["Events"]] == [
        (e["EventType"], e.get("Name")) for e in recorded["Events"]
    ]
    assert [sorted(e) for e in captured.history["Events"]] == [sorted(e) for e in recorded["Events"]]
    # And the diagnosis is the same
    # (each evaluated one day after its own start: the fresh run starts today, the recording did not)
    started = parse_timestamp(captured.history["Events"][0]["EventTimestamp"], where="fresh run")
    fresh = diagnose_history(captured.history, captured.execution, now=started + timedelta(days=1))
    again = diagnose_history(
        recorded, fx.execution("retries_exhausted"), now=fx.at("retries_exhausted", days=1)
    )
    assert [f.message for f in fresh.findings] == [f.message for f in again.findings]
    assert fresh.execution.status == "FAILED" and fresh.now - started == timedelta(days=1)
