"""``cdk-durable run`` through click's CliRunner: scripted answers, prompts, and every error path."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cdk_durable.cli import main
from cdk_durable.local_run import (
    CallbackAnswer,
    LocalRunError,
    load_answers,
    load_handler,
    parse_callback_option,
    run_handler,
)

ROOT = Path(__file__).resolve().parents[2]
HANDLER = "demo/handler/triage/app.py:handler"
STANDARD = "@demo/events/standard.json"
APPROVE = '{"approved": true}'


@pytest.fixture(autouse=True)
def _local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TRIAGE_ANALYZER", "local")
    monkeypatch.delenv("REVIEW_TOPIC_ARN", raising=False)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["run", *args], input=input)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1, result.stderr  # one line
    for fragment in fragments:
        assert fragment in result.stderr


# --- scripted runs --------------------------------------------------------------------------------------


def test_answers_file_runs_the_standard_scenario() -> None:
    result = run(HANDLER, STANDARD, "--answers", "demo/answers/standard.json")
    assert result.exit_code == 0, result.output + result.stderr
    out = result.stdout
    # live operations: name, type, status, duration; the pending callback with its id
    assert "STEP     analyze-ticket" in out
    assert "waiting for callback " in out
    assert "suspend  invocation 1 ended" in out  # suspended on agent-review ...
    assert "invocation 2 ended" not in out  # ... and the second invocation completed the execution
    assert "answer   agent-review <- succeed" in out
    assert "[answers file demo/answers/standard.json]" in out
    assert "CONTEXT  close-out" in out
    # the end: status, result, history table
    assert "Status: SUCCEEDED" in out
    assert '"status": "resolved"' in out
    assert "#  operation" in out and "attempts" in out
    assert out.index("analyze-ticket") < out.index("agent-review") < out.index("close-out")


def test_callback_option_from_file_and_inline_json() -> None:
    from_file = run(HANDLER, STANDARD, "--callback", "agent-review=@demo/answers/agent-approve.json")
    assert from_file.exit_code == 0 and '"status": "resolved"' in from_file.stdout
    inline = run(HANDLER, STANDARD, "--callback", 'agent-review={"approved": false}')
    assert inline.exit_code == 0 and '"status": "rejected"' in inline.stdout


def test_options_override_the_answers_file() -> None:
    result = run(
        HANDLER, STANDARD, "--answers", "demo/answers/standard.json", "--callback", "agent-review=" + APPROVE
    )
    assert "[--callback]" in result.stdout


def test_fail_callback_ends_failed_with_exit_status_3() -> None:
    result = run(HANDLER, STANDARD, "--fail-callback", "agent-review")
    assert result.exit_code == 3
    assert "Status: FAILED" in result.stdout
    assert "CallbackExternalError: failed from cdk-durable run" in result.stdout


def test_timeout_callback_drives_the_handlers_timeout_path() -> None:
    result = run(
        HANDLER,
        STANDARD,
        "--timeout-callback",
        "agent-review",
        "--callback",
        "agent-review-requeue=" + APPROVE,
    )
    assert result.exit_code == 0, result.stderr
    assert "agent-review <- time out" in result.stdout
    assert "TIMED_OUT" in result.stdout
    assert '"status": "resolved"' in result.stdout


def test_escalation_through_module_spec() -> None:
    result = run(
        "demo.handler.triage.app:handler",
        "@demo/events/escalation.json",
        "--answers",
        "demo/answers/escalation.json",
        "--no-logs",
    )
    assert result.exit_code == 0
    assert "specialist-review" in result.stdout and '"status": "escalated"' in result.stdout
    assert "log " not in result.stdout


def test_handler_logs_are_shown_by_default() -> None:
    result = run(HANDLER, STANDARD, "--callback", "agent-review=" + APPROVE)
    assert "log      info: triage of ticket TKT-001 (pro)" in result.stdout


# --- interactive --------------------------------------------------------------------------------------------


PRESETS = "demo/answers/presets.json"


def test_interactive_prompt_offers_the_demo_presets() -> None:
    result = run(HANDLER, STANDARD, "--interactive", "--presets", PRESETS, input="approve\n")
    assert result.exit_code == 0, result.stderr
    assert "callback 'agent-review' is waiting" in result.stdout
    assert "(approve, reject, escalate, json, fail, heartbeat, timeout)" in result.stderr
    assert "[prompt: approve]" in result.stdout
    assert '"status": "resolved"' in result.stdout


def test_interactive_prompt_without_presets_is_generic() -> None:
    result = run(
        HANDLER, STANDARD, "--interactive", input='json\n{"approved": true, "editedResponse": "Hi."}\n'
    )
    assert result.exit_code == 0, result.stderr
    assert "(json, fail, heartbeat, timeout)" in result.stderr
    assert "approve," not in result.stderr
    assert '"finalResponse": "Hi."' in result.stdout


def test_interactive_prompt_raw_json_retries_on_bad_json() -> None:
    result = run(HANDLER, STANDARD, "--interactive", input='json\nnope\n{"approved": false}\n')
    assert result.exit_code == 0, result.stderr
    assert "not JSON" in result.stderr
    assert '"status": "rejected"' in result.stdout


def test_interactive_prompt_fail_takes_a_type_and_message() -> None:
    result = run(HANDLER, STANDARD, "--interactive", input="fail\nNoReviewer\nno reviewer\n")
    assert result.exit_code == 3
    assert "fail (NoReviewer: no reviewer)" in result.stdout


def test_interactive_prompt_heartbeat_then_answer() -> None:
    result = run(HANDLER, STANDARD, "--interactive", "--presets", PRESETS, input="heartbeat\napprove\n")
    assert result.exit_code == 0, result.stderr
    assert "agent-review <- heartbeat  [prompt]" in result.stdout
    assert '"status": "resolved"' in result.stdout


def test_error_presets_clash_with_a_built_in_choice(tmp_path: Path) -> None:
    presets = tmp_path / "p.json"
    presets.write_text('{"json": 1}')
    assert_user_error(run(HANDLER, STANDARD, "--presets", str(presets)), "json is a built-in choice")


# --- waits and generic callbacks (a handler written for the test) ------------------------------------------

WAIT_HANDLER = """
from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def handler(event, context: DurableContext):
    n = context.step(lambda _: event["n"] * 2, name="double")
    context.wait(Duration.from_days(1), name="cool-off")
    callback = context.create_callback(name="approval")
    return {"n": n, "approval": callback.result()}
"""


@pytest.fixture
def wait_handler(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    path = tmp_path / f"wait_{request.node.name.replace('[', '_').replace(']', '_')}.py"
    path.write_text(textwrap.dedent(WAIT_HANDLER))
    return str(path)  # no ":function": defaults to `handler`


def test_waits_are_skipped_by_default_and_shown_with_their_modelled_duration(wait_handler: str) -> None:
    result = run(wait_handler, '{"n": 21}', "--callback", 'approval="yes"')
    assert result.exit_code == 0, result.stderr
    assert "WAIT     cool-off" in result.stdout
    assert re.search(r"cool-off\s+WAIT\s+SUCCEEDED\s+1d 0h", result.stdout)  # the modelled day
    assert '"n": 42' in result.stdout and '"approval": "\\"yes\\""' in result.stdout


FLAKY_HANDLER = """
from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import StepConfig
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy

RETRY = StepConfig(retry_strategy=create_retry_strategy(RetryStrategyConfig(max_attempts=2)))


def flaky(ctx):
    if ctx.attempt < 2:
        raise RuntimeError(f"boom {ctx.attempt}")
    return "ok"


@durable_execution
def handler(event, context: DurableContext):
    context.step(flaky, name="flaky", config=RETRY)
    context.step(lambda _: 1 / 0, name="broken", config=RETRY)
"""


def test_retries_are_shown_live_and_the_final_failure_in_the_history(tmp_path: Path) -> None:
    path = tmp_path / "flaky_handler.py"
    path.write_text(FLAKY_HANDLER)
    result = run(f"{path}:handler", "{}")
    assert result.exit_code == 3
    assert "RETRYING   attempt 1 failed (RuntimeError: boom 1); next in" in result.stdout
    assert "Error:  aws_durable_execution_sdk_python.exceptions.StepError: division by zero" in result.stdout
    history = result.stdout.split("History:")[1]
    assert re.search(r"^1\s+flaky\s+STEP\s+SUCCEEDED\s+\S+\s+2\s*$", history, re.MULTILINE), history
    assert re.search(r"^2\s+broken\s+STEP\s+FAILED\s+", history, re.MULTILINE), history
    assert "2         ZeroDivisionError: division by zero" in history


def test_real_time_honours_waits(tmp_path: Path) -> None:
    path = tmp_path / "one_second_wait.py"
    path.write_text(
        textwrap.dedent(WAIT_HANDLER).replace("Duration.from_days(1)", "Duration.from_seconds(1)")
    )
    result = run(f"{path}:handler", '{"n": 1}', "--real-time", "--callback", "approval=1")
    assert result.exit_code == 0, result.stderr
    assert "[real time]" in result.stdout
    assert "WAIT     cool-off" in result.stdout


def test_library_run_handler_reports_operations_and_answers(wait_handler: str) -> None:
    report = run_handler(
        load_handler(wait_handler), {"n": 1}, answers={"approval": [CallbackAnswer.succeed({"ok": True})]}
    )
    assert report.status == "SUCCEEDED"
    assert [(op.name, op.kind, op.status) for op in report.operations] == [
        ("double", "Step", "SUCCEEDED"),
        ("cool-off", "Wait", "SUCCEEDED"),
        ("approval", "Callback", "SUCCEEDED"),
    ]
    assert [op.display_name for op, _ in report.answered] == ["approval"]


def test_library_on_suspend_counts_suspensions_not_the_final_invocation(wait_handler: str) -> None:
    suspended: list[int] = []
    run_handler(
        load_handler(wait_handler),
        {"n": 1},
        answers={"approval": [CallbackAnswer.succeed(1)]},
        on_suspend=suspended.append,
    )
    assert suspended == [1, 2]  # on the day-long wait, then on the callback; invocation 3 finished


# --- errors: one line on stderr, exit status 1 ----------------------------------------------------


def test_missing_arguments_are_clicks_usage_error() -> None:
    result = run()
    assert result.exit_code == 2
    assert "Missing argument 'HANDLER|LOGICAL_ID'" in result.stderr


def test_error_handler_file_not_found() -> None:
    assert_user_error(run("nope/app.py:handler", "{}"), "handler file not found: nope/app.py")


def test_error_handler_module_not_found() -> None:
    assert_user_error(run("no_such_module:handler", "{}"), "handler module 'no_such_module' not found")


def test_error_handler_function_missing() -> None:
    assert_user_error(
        run("demo.handler.triage.app:nothing", "{}"),
        "handler module 'demo.handler.triage.app' has no function",
    )


def test_error_handler_function_name_invalid() -> None:
    assert_user_error(run("demo.handler.triage.app:not-a-name", "{}"), "is not a function name")


def test_error_handler_not_a_python_file(tmp_path: Path) -> None:
    (tmp_path / "app.txt").write_text("")
    assert_user_error(run(f"{tmp_path}/app.txt:handler", "{}"), "must be a .py file")


def test_error_event_bad_json() -> None:
    assert_user_error(run(HANDLER, "{ticket"), "event is not valid JSON (line 1, column 2)")


def test_error_event_file_missing() -> None:
    assert_user_error(run(HANDLER, "@missing.json"), "event file not found: missing.json")


def test_error_event_file_bad_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1,")
    assert_user_error(run(HANDLER, f"@{bad}"), f"event file {bad} is not valid JSON")


def test_error_callback_option_bad_json() -> None:
    assert_user_error(
        run(HANDLER, STANDARD, "--callback", "agent-review={oops"),
        "--callback agent-review is not valid JSON",
    )


def test_error_callback_option_without_name() -> None:
    assert_user_error(
        run(HANDLER, STANDARD, "--callback", APPROVE), "--callback must be NAME=JSON or NAME=@file.json"
    )


def test_error_unknown_callback_name() -> None:
    result = run(
        HANDLER, STANDARD, "--callback", "agent-review=" + APPROVE, "--callback", "agent-reveiw=" + APPROVE
    )
    assert_user_error(
        result, "unknown callback name 'agent-reveiw'", "this execution created callbacks agent-review"
    )


def test_unanswered_reviews_time_out_as_on_aws() -> None:
    # Every review in the demo has a timeout: with no answers the run goes where AWS would take it.
    result = run(HANDLER, STANDARD, "--no-logs")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert '"status": "escalated"' in out  # the handler's own timeout path: re-queue, escalate, give up
    assert "agent-review <- time out  [no answer: its timeout]" in out
    assert "agent-review-requeue <- time out  [no answer: its timeout]" in out
    assert "specialist-review <- time out  [no answer: its timeout]" in out
    assert re.search(r"specialist-review\s+CALLBACK\s+TIMED_OUT\s+3d 0h", out)


CALLBACKS = "tests/cli/handlers/callbacks.py:handler"
FOREVER = '{"callbacks": ["forever"]}'


def test_error_missing_answer_without_a_terminal() -> None:
    assert_user_error(
        run(CALLBACKS, FOREVER),
        "no answer for callback 'forever'",
        "--callback forever=JSON",
    )


def test_error_missing_answer_mentions_unused_names() -> None:
    assert_user_error(run(CALLBACKS, FOREVER, "--fail-callback", "agent"), "unused answers for: agent")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("[]", "must hold a JSON object of callback name -> answer, got list"),
        (
            '{"agent-review": {"approved": true}}',
            "must be an object with exactly one key, one of succeed, fail",
        ),
        ('{"agent-review": {"timeout": 1}}', '"timeout" must be true'),
        ('{"agent-review": {"fail": 3}}', '"fail": the error must be a message string or an object'),
        ('{"agent-review": {"heartbeat": 2}}', '"heartbeat" must be true'),
    ],
)
def test_error_answers_file_format(tmp_path: Path, content: str, fragment: str) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(content)
    assert_user_error(run(HANDLER, STANDARD, "--answers", str(answers)), fragment)


def test_error_answers_file_missing() -> None:
    assert_user_error(run(HANDLER, STANDARD, "--answers", "nope.json"), "answers file not found: nope.json")


# --- library helpers ----------------------------------------------------------------------------------------


def test_answers_file_lists_answer_repeated_callbacks_in_order(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"x": [{"fail": {"message": "m", "type": "T"}}, {"timeout": true}, {"succeed": 1}]}')
    assert [a.action for a in load_answers(path)["x"]] == ["fail", "timeout", "succeed"]
    assert load_answers(path)["x"][0].error_type == "T"


def test_parse_callback_option_keeps_equals_signs_in_the_payload() -> None:
    name, answer = parse_callback_option('note={"text": "a=b"}')
    assert (name, answer.payload) == ("note", {"text": "a=b"})


def test_library_errors_are_local_run_errors() -> None:
    with pytest.raises(LocalRunError, match=r"not a function name"):
        load_handler("x:")
    with pytest.raises(LocalRunError, match="event is not JSON-serializable"):
        run_handler(lambda e, c: None, {"bad": object()})


def test_answers_are_json_encoded_like_the_aws_cli_sends_them() -> None:
    # The callback result the handler receives is the JSON text of the answer payload.
    assert json.loads(json.dumps(CallbackAnswer.succeed({"approved": True}).payload)) == {"approved": True}
