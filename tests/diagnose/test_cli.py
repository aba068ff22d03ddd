"""``cdk-durable diagnose`` through click's CliRunner: files, stdin, JSON output, user errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cdk_durable.cli import main

from . import _fixtures as fx


def _run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["diagnose", *args], input=stdin)


def _now(name: str, **delta: float) -> str:
    return fx.at(name, **delta).isoformat()


def test_text_report_of_a_stuck_execution() -> None:
    result = _run(
        str(fx.history_path("callback_pending")),
        "--execution",
        str(fx.execution_path("callback_pending")),
        "--now",
        _now("callback_pending", hours=2),
    )
    assert result.exit_code == 0, result.output
    out = result.output
    callback_id = fx.event(fx.history("callback_pending"), "CallbackStarted")["CallbackStartedDetails"][
        "CallbackId"
    ]
    assert out.startswith("Execution  order-1001  [RUNNING]\n")
    assert "  Duration  2h 00m so far; ExecutionTimeout 1d 0h, 22h 00m left\n" in out
    for section in ("Timeline", "Pending callbacks", "Slowest operations", "Diagnosis"):
        assert f"\n{section}" in out
    assert "Failures" not in out and "Pending waits" not in out
    assert f"  manager-approval  (callback id {callback_id})\n" in out
    assert "    waiting 2h 00m; 22h 00m left before the execution timeout" in out
    assert (
        f"    success:   aws lambda send-durable-execution-callback-success --callback-id {callback_id} "
        "--cli-binary-format raw-in-base64-out --result '<result JSON>' --region us-west-2\n"
    ) in out
    assert "  WARNING stuck-in-callback: waiting on callback 'manager-approval' for 2h 00m" in out


def test_text_report_of_a_failed_execution() -> None:
    result = _run(str(fx.history_path("retries_exhausted")), "--now", _now("retries_exhausted", hours=1))
    assert result.exit_code == 0, result.output
    assert "  charge-card  Step FAILED after 3 attempts\n" in result.output
    assert (
        "    tests.diagnose.handlers.charge.CardDeclinedError: card declined: insufficient funds\n"
        in result.output
    )
    assert "  ERROR   retries-exhausted: step 'charge-card' failed after 3 attempts" in result.output


def test_timeline_shows_nesting_and_durations() -> None:
    result = _run(str(fx.history_path("succeeded")), "--now", _now("succeeded", days=1))
    assert result.exit_code == 0, result.output
    timeline = (
        result.output.split("\nTimeline (offset from start, duration)\n")[1].split("\n\n")[0].splitlines()
    )
    assert len(timeline) == 8
    assert "Wait          cool-off" in timeline[4] and " 30.0s " in timeline[4]
    assert "Context       fulfilment" in timeline[5]
    assert "Step            print-label" in timeline[6]  # indented under its child context
    assert "  OK      succeeded: the execution succeeded in 30." in result.output


def test_stdin_input() -> None:
    text = fx.history_path("wait_pending").read_text()
    result = _run("-", "--now", _now("wait_pending", days=1), stdin=text)
    assert result.exit_code == 0, result.output
    assert "Pending waits\n  wait-one-week  until " in result.output
    assert "INFO    wait-pending: wait 'wait-one-week' resumes the execution at " in result.output


def test_json_output() -> None:
    result = _run(
        str(fx.history_path("callback_pending")),
        "--format",
        "json",
        "--now",
        _now("callback_pending", hours=23),
        "--callback-result",
        '{"approved": true}',
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["schema_version"] == 1
    assert document["execution"]["status"] == "RUNNING"
    assert document["execution"]["execution_timeout_seconds"] == 86400
    assert document["execution"]["time_left_seconds"] == 3600
    [callback] = document["pending_callbacks"]
    assert callback["name"] == "manager-approval"
    assert callback["deadline_source"] == "execution timeout"
    assert callback["time_left_seconds"] == 3600
    assert callback["commands"]["success"].endswith("--result '{\"approved\": true}'")
    codes = [(f["code"], f["severity"]) for f in document["findings"]]
    assert codes == [("stuck-in-callback", "warning"), ("execution-timeout-near", "warning")]
    assert [e["name"] for e in document["timeline"]] == [
        "validate-order",
        "reserve-stock",
        "manager-approval",
        "notify-manager",
    ]
    assert document["slowest"][0]["name"] == "manager-approval" and document["slowest"][0]["open"] is True


@pytest.mark.parametrize("name", fx.SCENARIOS)
def test_every_fixture_renders_in_both_formats(name: str) -> None:
    for fmt in ("text", "json"):
        result = _run(
            str(fx.history_path(name)), "--execution", str(fx.execution_path(name)), "--format", fmt
        )
        assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"]


# --- user errors: one line on stderr, exit code 1 ---------------------------------------------


def _assert_user_error(result: Result, expected: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cdk-durable diagnose: ")
    assert expected in lines[0], lines[0]
    assert result.stdout == ""


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text("Events: [oops")
    _assert_user_error(_run(str(path)), f"{path} is not valid JSON (line 1, column 1): Expecting value")


def test_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "history.json"
    path.write_text('{"Operations": []}')
    _assert_user_error(
        _run(str(path)),
        f"{path}: expected the JSON of `aws lambda get-durable-execution-history` "
        "(an object with an \"Events\" list), got an object with keys ['Operations']",
    )


def test_empty_stdin() -> None:
    _assert_user_error(_run("-", stdin=""), "stdin: empty input")


def test_missing_file(tmp_path: Path) -> None:
    _assert_user_error(_run(str(tmp_path / "nope.json")), "cannot read (No such file or directory)")


def test_execution_given_as_history() -> None:
    _assert_user_error(_run(str(fx.execution_path("succeeded"))), "this is `get-durable-execution` output")


def test_bad_now() -> None:
    _assert_user_error(
        _run(str(fx.history_path("succeeded")), "--now", "tomorrow"),
        '--now: expected an ISO 8601 timestamp or epoch seconds, got "tomorrow"',
    )


def test_bad_format() -> None:
    _assert_user_error(
        _run(str(fx.history_path("succeeded")), "--format", "yaml"),
        "--format must be one of text, json, got 'yaml'",
    )


def test_bad_callback_result() -> None:
    _assert_user_error(
        _run(str(fx.history_path("callback_pending")), "--callback-result", "yes"),
        "--callback-result is not valid JSON (line 1, column 1): Expecting value",
    )


def test_nothing_to_diagnose() -> None:
    _assert_user_error(_run(), "nothing to diagnose: pass a history file")


def test_file_and_live_options_together() -> None:
    _assert_user_error(
        _run(str(fx.history_path("succeeded")), "--execution-arn", "arn:x"),
        "give either a history file (HISTORY_JSON or -) or live options",
    )


def test_help_lists_the_live_options() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    for option in ("--execution-arn", "--function", "--execution-name", "--format", "--now", "--execution"):
        assert option in result.output


def _many_steps(count: int) -> str:
    history = fx.history("succeeded")
    started = fx.event(history, "StepStarted", "ship")
    succeeded = fx.event(history, "StepSucceeded", "ship")
    at = history["Events"].index(succeeded) + 1
    extra = []
    for i in range(count):
        for template in (started, succeeded):
            extra.append({**template, "Id": f"item-{i}", "Name": f"item-{i}"})
    history["Events"][at:at] = extra
    return json.dumps(history)


def test_long_timeline_is_summarised_in_the_middle() -> None:
    result = _run("-", "--timeline-limit", "10", "--now", _now("succeeded", days=1), stdin=_many_steps(100))
    assert result.exit_code == 0, result.output
    timeline = (
        result.output.split("\nTimeline (offset from start, duration)\n")[1].split("\n\n")[0].splitlines()
    )
    assert len(timeline) == 11
    assert timeline[5] == "  ... 98 more operations (98 SUCCEEDED); --timeline-limit 0 shows all"
    every = _run("-", "--timeline-limit", "0", "--now", _now("succeeded", days=1), stdin=_many_steps(100))
    assert "more operations" not in every.output
    assert "Activity  108 operations" in every.output


def test_bad_timeline_limit() -> None:
    _assert_user_error(
        _run(str(fx.history_path("succeeded")), "--timeline-limit", "-3"),
        "--timeline-limit must be a whole number of rows (0 for all), got '-3'",
    )
