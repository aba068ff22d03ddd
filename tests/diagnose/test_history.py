"""Parsing histories: timestamps in both forms, folding events into operations, malformed input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cdk_durable.diagnose import DiagnoseInputError, parse_history, parse_timestamp

from . import _fixtures as fx

INSTANT = datetime(2026, 11, 24, 22, 5, 54, 392589, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-24T22:05:54.392589+00:00",  # AWS CLI v2
        "2026-11-24T22:05:54.392589Z",
        "2026-11-24 22:05:54.392589+00:00",  # str(datetime), e.g. json.dumps(default=str)
        "2026-11-24T23:05:54.392589+01:00",  # another offset, normalised to UTC
        "2026-11-24T22:05:54.392589",  # naive: taken as UTC
        1795557954.392589,  # the service's wire format: epoch seconds
        "1795557954.392589",
        1795557954392.589,  # epoch milliseconds
    ],
)
def test_timestamps_in_every_form_the_api_and_cli_produce(value: Any) -> None:
    parsed = parse_timestamp(value, where="t")
    assert parsed.tzinfo is not None
    assert abs((parsed - INSTANT).total_seconds()) < 1e-3


@pytest.mark.parametrize("value", ["yesterday", "", None, True, [], float("nan")])
def test_bad_timestamp_names_the_field(value: Any) -> None:
    with pytest.raises(
        DiagnoseInputError, match=r"^Events\[3\]\.EventTimestamp: expected an ISO 8601 timestamp"
    ):
        parse_timestamp(value, where="Events[3].EventTimestamp")


def test_operations_are_folded_from_their_events() -> None:
    history = parse_history(fx.history("retries_exhausted"))
    assert history.event_count == 13
    assert history.invocations == 3
    assert [(op.kind, op.name, op.status, op.attempts) for op in history.operations] == [
        ("Step", "load-cart", "SUCCEEDED", 1),
        ("Step", "charge-card", "FAILED", 3),
    ]
    assert history.execution.timeout_seconds == 3600
    assert history.execution.status == "FAILED"
    assert history.execution.input_bytes == len('{"order": "o-1003"}')


def test_execution_document_adds_arn_and_function() -> None:
    history = parse_history(fx.history("callback_pending"), fx.execution("callback_pending"))
    assert history.execution.arn == fx.execution("callback_pending")["DurableExecutionArn"]
    assert history.execution.function_arn == "arn:aws:lambda:us-west-2:123456789012:function:orders:$LATEST"
    assert history.execution.version == "$LATEST"


def test_events_out_of_order_are_sorted() -> None:
    # ReverseOrder=true or pages joined in the wrong order give the same operations
    document = fx.history("succeeded")
    reversed_document = {"Events": list(reversed(document["Events"]))}
    assert [op.name for op in parse_history(reversed_document).operations] == [
        op.name for op in parse_history(document).operations
    ]


def test_unknown_event_types_are_ignored_with_a_note() -> None:
    from cdk_durable.diagnose import analyze

    document = fx.history("succeeded")
    document["Events"].append({**document["Events"][1], "EventType": "TeleportStarted"})
    history = parse_history(document)
    assert history.unknown_event_types == ["TeleportStarted"]
    diagnosis = analyze(history, now=fx.at("succeeded", days=1))
    assert any("TeleportStarted" in note for note in diagnosis.notes)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], r"^h\.json: expected the JSON of `aws lambda get-durable-execution-history` .*got list$"),
        ({"Items": []}, r"^h\.json: expected the JSON of .*got an object with keys \['Items'\]$"),
        ({"Events": {}}, r'^h\.json: "Events" must be a list, got dict$'),
        ({"Events": ["x"]}, r"^h\.json: Events\[0\] must be an object, got str$"),
        ({"Events": [{"EventTimestamp": 1}]}, r"^h\.json: Events\[0\] has no EventType$"),
        (
            {"Events": [{"EventType": "StepStarted"}]},
            r"^h\.json: Events\[0\] \(StepStarted\) has no EventTimestamp$",
        ),
        ({"Events": []}, r"^h\.json: no ExecutionStarted event"),
        (
            {"Events": [{"EventType": "StepStarted", "EventTimestamp": 1}]},
            r"^h\.json: Events\[0\] \(StepStarted\) has no Id$",
        ),
        (
            {"Events": [{"EventType": "ExecutionStarted", "EventTimestamp": "soon"}]},
            r"^h\.json: Events\[0\]\.EventTimestamp: expected an ISO 8601 timestamp or epoch seconds, "
            r"got \"soon\"$",
        ),
    ],
)
def test_wrong_shapes_give_one_clear_error(document: Any, message: str) -> None:
    with pytest.raises(DiagnoseInputError, match=message):
        parse_history(document, source="h.json")


def test_execution_output_given_as_history_is_recognised() -> None:
    with pytest.raises(
        DiagnoseInputError, match=r"this is `get-durable-execution` output; pass it with --execution"
    ):
        parse_history(fx.execution("succeeded"), source="e.json")


def test_wrong_execution_document() -> None:
    with pytest.raises(
        DiagnoseInputError, match=r"^execution: expected the JSON of `aws lambda get-durable-execution`"
    ):
        parse_history(fx.history("succeeded"), {"Events": []})


def test_a_single_page_is_flagged() -> None:
    from cdk_durable.diagnose import analyze

    document = fx.history("succeeded")
    document["Events"] = document["Events"][:5]
    document["NextMarker"] = "6"
    diagnosis = analyze(parse_history(document), now=fx.at("succeeded", hours=1))
    assert any("NextMarker" in note and "one page" in note for note in diagnosis.notes)
