"""The history ``run`` follows and writes: any size, read from markers, one model with ``diagnose``."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cdk_durable._history import history_document, parse_history
from cdk_durable.cli import main
from cdk_durable.diagnose import diagnose_history
from cdk_durable.local_run import FunctionSpec, HistoryReader, load_handler, run_handler, run_history

ROOT = Path(__file__).resolve().parents[2]
MANY = ROOT / "tests" / "cli" / "handlers" / "many.py"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_a_history_past_one_page_finishes() -> None:
    # 5 waits and 50 steps: ~130 events, more than the testing SDK's 100-event page (it used to hang).
    result = CliRunner().invoke(main, ["run", f"{MANY}:handler", '{"rounds": 5, "steps": 10}', "--no-logs"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Status: SUCCEEDED" in result.stdout
    assert result.stdout.count("WAIT     w") == 10  # each wait's start and end, live


@pytest.mark.slow  # a 1000-event workload
def test_a_1000_event_run_shows_every_operation_once(tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    event = '{"rounds": 10, "steps": 50}'
    result = CliRunner().invoke(main, ["run", f"{MANY}:handler", event, "--history", str(history)])
    assert result.exit_code == 0, result.stdout + result.stderr
    live = result.stdout.split("\nStatus:")[0]
    assert live.count("\n  STEP     s") == 500 and live.count("\n  WAIT     w") == 20
    assert live.count("suspend  invocation") == 10
    events = json.loads(history.read_text())["Events"]
    assert len(events) > 1000
    assert [e["EventId"] for e in events] == list(range(1, len(events) + 1))


@pytest.mark.slow  # a 1000-event workload
def test_a_1000_event_history_is_read_once_each_event_in_order() -> None:
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

    handler = load_handler(f"{MANY}:handler")
    with DurableFunctionTestRunner(handler=handler, skip_time=True, poll_interval=0.005) as runner:
        arn = runner.run_async(input=json.dumps({"rounds": 10, "steps": 50}), execution_timeout=86400 * 30)
        reader = HistoryReader(runner, arn)
        seen: list[dict[str, Any]] = []
        while True:
            done = reader.probe()[2]
            new, reset = reader.read_new()
            seen = new if reset else seen + new  # a reset re-reads from the first event
            if done and not new:
                break
            time.sleep(0.005)  # poll as `run` does (a spinning reader starves the execution's threads)
        everything = runner._executor.get_execution_history(arn, include_execution_data=True, max_items=10**6)
    assert len(seen) >= 1000
    assert [e["EventId"] for e in seen] == list(range(1, len(seen) + 1))  # nothing twice, nothing skipped
    full = [e.to_dict() for e in everything.events]
    assert [(e["EventId"], e["EventType"], e.get("Id")) for e in seen] == [
        (e["EventId"], e["EventType"], e.get("Id")) for e in full
    ]
    history = parse_history({"Events": seen})
    assert history.execution.status == "SUCCEEDED"
    assert len(history.operations) == 510 and history.invocations == 11


class _FakeEvent:
    def __init__(self, event_id: int, kind: str = "StepStarted") -> None:
        self.data = {
            "EventId": event_id,
            "EventType": kind,
            "Id": f"op{event_id}",
            "EventTimestamp": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=event_id),
        }

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)


class _FakeExecutor:
    """The two executor calls the reader makes, over a list of events that grows (or is rewritten)."""

    def __init__(self) -> None:
        self.events: list[_FakeEvent] = []
        self.markers: list[str | None] = []
        self.converted = 0

    def get_execution_history(
        self, arn: str, *, include_execution_data: bool, marker: str | None, max_items: int
    ) -> Any:
        self.markers.append(marker)
        start = (
            0
            if marker is None
            else next(i for i, e in enumerate(self.events) if e.data["EventId"] >= int(marker))
        )
        page = self.events[start : start + max_items]
        self.converted += len(page)
        following = self.events[start + max_items : start + max_items + 1]
        return type(
            "Page",
            (),
            {"events": page, "next_marker": str(following[0].data["EventId"]) if following else None},
        )


class _FakeRunner:
    def __init__(self) -> None:
        self._executor = _FakeExecutor()


def test_reader_starts_at_the_last_event_seen_and_pages_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cdk_durable.local_run.runner.HISTORY_PAGE_SIZE", 3)
    runner = _FakeRunner()
    reader = HistoryReader(runner, "arn")  # type: ignore[arg-type]
    runner._executor.events = [_FakeEvent(i) for i in range(1, 8)]
    first, _ = reader.read_new()
    assert [e["EventId"] for e in first] == [1, 2, 3, 4, 5, 6, 7]
    assert runner._executor.markers == [None, "4", "7"]  # every page read
    runner._executor.events += [_FakeEvent(i) for i in range(8, 10)]
    runner._executor.markers.clear()
    second, reset = reader.read_new()
    assert (not reset, [e["EventId"] for e in second]) == (True, [8, 9])
    assert runner._executor.markers == ["7"]  # from the last event seen (one of overlap), not from the start
    assert runner._executor.converted == 7 + 3  # 7 + 1 + 2: the overlap event only is read again


def test_reader_starts_over_if_an_event_lands_before_one_already_seen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = _FakeRunner()
    reader = HistoryReader(runner, "arn")  # type: ignore[arg-type]
    runner._executor.events = [_FakeEvent(i) for i in range(1, 4)]
    reader.read_new()
    rewritten = [_FakeEvent(1), _FakeEvent(2), _FakeEvent(3, "WaitStarted"), _FakeEvent(4)]
    runner._executor.events = rewritten
    events, reset = reader.read_new()
    assert reset and [e["EventType"] for e in events] == [
        "StepStarted",
        "StepStarted",
        "WaitStarted",
        "StepStarted",
    ]


def test_run_history_round_trips_through_json_and_diagnose() -> None:
    spec = FunctionSpec(name="many", handler=f"{MANY}:handler")
    report = run_handler(spec, {"rounds": 2, "steps": 3})
    document = run_history(report)
    assert document == report.history_document() == history_document(report.events)
    again = json.loads(json.dumps(document))  # plain JSON: ISO 8601 timestamps, botocore names
    assert again == document
    reparsed = parse_history(again)
    assert [(op.name, op.kind, op.status, op.duration) for op in reparsed.operations] == [
        (op.name, op.kind, op.status, op.duration) for op in report.operations
    ]
    assert reparsed.invocations == report.history.invocations == 3
    diagnosis = diagnose_history(again, now=reparsed.execution.started)  # type: ignore[arg-type]
    assert diagnosis.execution.status == "SUCCEEDED"
    assert [entry.operation.name for entry in diagnosis.timeline] == [op.name for op in report.operations]
    assert any(f.severity == "ok" for f in diagnosis.findings)
