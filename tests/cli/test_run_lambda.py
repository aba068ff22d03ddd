"""``cdk-durable run`` behaves like Lambda: chained invokes, crashes, callback timeouts, the environment.

Every test runs a real handler from ``tests/cli/handlers/`` through the command, as a user would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cdk_durable.cli import main
from cdk_durable.diagnose import diagnose_history, parse_history, parse_timestamp

ROOT = Path(__file__).resolve().parents[2]
H = "tests/cli/handlers"
PAYMENTS = f"payments={H}/payments.py:handler"
TAX = f"tax={H}/tax.py:handler,plain"
ARN = "arn:aws:lambda:us-east-1:123456789012:function"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["run", *args], input=input)


def result_of(result: Result) -> object:
    text = result.stdout.split("Result: ", 1)[1].split("\nHistory:", 1)[0]
    return json.loads(text)


# --- chained invokes -----------------------------------------------------------------------------------


def test_chained_invoke_reaches_a_durable_and_a_plain_target() -> None:
    result = run(f"{H}/orders.py:handler", '{"amount": 10}', "--function", PAYMENTS, "--function", TAX)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result_of(result) == {
        "payment": {"charged_cents": 1000},  # the durable target ran its step and its day-long wait
        "tax": {"tax": 2.0, "function": "tax"},  # the plain target ran once, as function "tax"
        "forms": [],
    }
    assert "invoke targets: payments, tax" in result.stdout
    assert re.search(r"INVOKE\s+pay\s+STARTED\s+-> payments", result.stdout)
    assert re.search(r"^2\s+tax\s+INVOKE\s+SUCCEEDED", result.stdout.split("History:")[1], re.MULTILINE)


def test_chained_invoke_accepts_every_name_form_invoke_accepts() -> None:
    forms = [
        "payments:live",
        f"{ARN}:payments",
        f"{ARN}:payments:7",
        "123456789012:function:payments:live",
        f"{ARN}:tax:live",
    ]
    event = json.dumps({"amount": 1, "forms": forms})
    result = run(f"{H}/orders.py:handler", event, "--function", PAYMENTS, "--function", TAX)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result_of(result)["forms"] == [  # type: ignore[index]
        {"charged_cents": 100},
        {"charged_cents": 100},
        {"charged_cents": 100},
        {"charged_cents": 100},
        {"tax": 0.2, "function": "tax"},
    ]


def test_an_unregistered_target_fails_the_invoke_with_lambdas_error() -> None:
    result = run(f"{H}/orders.py:handler", '{"amount": 1}', "--function", TAX)
    assert result.exit_code == 3
    assert "ResourceNotFoundException" in result.stdout
    assert "Function not found: payments" in result.stdout


def test_error_function_option_without_a_handler() -> None:
    result = run(f"{H}/orders.py:handler", "{}", "--function", "payments")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: --function must be NAME=HANDLER (e.g. orders=src/orders.py:handler), got 'payments'\n"
    )


# --- crashes --------------------------------------------------------------------------------------------


def test_a_crash_is_a_runtime_exit_error_then_the_execution_replays(tmp_path: Path) -> None:
    marker = tmp_path / "crashed"
    history = tmp_path / "history.json"
    event = json.dumps({"marker": str(marker)})
    result = run(f"{H}/crashy.py:handler", event, "--history", str(history))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert marker.exists()  # the first invocation did end its process
    assert re.search(
        r"crash\s+crashy: Runtime.ExitError: RequestId: \S+ Error: Runtime exited with error: exit status 1",
        result.stdout,
    )
    assert result_of(result) == {"before": "checkpointed", "after": "after the crash"}
    # The history records the failed invocation like AWS: InvocationCompleted with the error.
    events = json.loads(history.read_text())["Events"]
    failed = [
        e
        for e in events
        if e["EventType"] == "InvocationCompleted" and "Error" in e["InvocationCompletedDetails"]
    ]
    assert len(failed) == 1
    assert failed[0]["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"] == "Runtime.ExitError"
    errors = parse_history(json.loads(history.read_text())).invocation_errors  # the shared model keeps it
    assert [e.type for e in errors] == ["Runtime.ExitError"]
    # "before" was checkpointed once and replayed, not run again.
    assert [e["Name"] for e in events if e["EventType"] == "StepSucceeded"] == ["before", "after"]
    # And diagnose names the failed invocation (the execution itself succeeded)
    document = json.loads(history.read_text())
    now = parse_timestamp(document["Events"][-1]["EventTimestamp"], where="test")
    findings = {f.code: f for f in diagnose_history(document, now=now).findings}
    assert set(findings) == {"invocation-failed", "succeeded"}
    assert findings["invocation-failed"].message.startswith(
        "1 invocation ended with an error and the execution was invoked again (Runtime.ExitError)"
    )


def test_a_handler_that_always_crashes_fails_the_execution_after_lambdas_retries(tmp_path: Path) -> None:
    event = json.dumps({"marker": str(tmp_path / "m"), "always": True, "code": 7})
    result = run(f"{H}/crashy.py:handler", event)
    assert result.exit_code == 3
    assert result.stdout.count("Runtime exited with error: exit status 7") == 6  # 5 crash lines + the error
    assert "Status: FAILED" in result.stdout
    assert re.search(r"Error:  Runtime.ExitError: RequestId: \S+ Error: Runtime exited", result.stdout)


def test_a_handler_that_cannot_be_imported_is_one_line_before_anything_runs(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('bad import')\n")
    result = run(f"{broken}:handler", "{}")
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot import handler module 'broken': RuntimeError: bad import\n"


# --- callbacks as AWS does them ----------------------------------------------------------------------------


def test_unanswered_callbacks_time_out_by_their_timeout_and_heartbeat_timeout(tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    result = run(f"{H}/callbacks.py:handler", '{"callbacks": ["review", "pulse"]}', "--history", str(history))
    assert result.exit_code == 0, result.stdout + result.stderr
    out = result.stdout
    assert "(timeout 8h 00m)" in out and "(heartbeat timeout 10m 00s)" in out
    assert "review <- time out  [no answer: its timeout]" in out
    assert "pulse <- time out  [no answer: its heartbeat timeout]" in out
    assert result_of(result) == {
        "review": "CallbackTimeoutError: Callback timed out",
        "pulse": "CallbackTimeoutError: Callback timed out on heartbeat",
    }
    # the skipped time is in the history: 8 hours and 10 minutes, as on AWS
    table = out.split("History:")[1]
    assert re.search(r"review\s+CALLBACK\s+TIMED_OUT\s+8h 00m", table)
    assert re.search(r"pulse\s+CALLBACK\s+TIMED_OUT\s+10m 00s", table)
    events = json.loads(history.read_text())["Events"]
    started = [e["CallbackStartedDetails"] for e in events if e["EventType"] == "CallbackStarted"]
    assert [(d.get("Timeout"), d.get("HeartbeatTimeout")) for d in started] == [(28800, None), (None, 600)]
    assert [e["EventType"] for e in events].count("CallbackTimedOut") == 2


def test_a_callback_without_any_timeout_still_needs_an_answer() -> None:
    result = run(f"{H}/callbacks.py:handler", '{"callbacks": ["forever"]}')
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no answer for callback 'forever' (callback id ")
    assert "and it has no timeout: pass --callback forever=JSON" in result.stderr
    assert result.stderr.count("\n") == 1


def test_star_answers_every_pending_callback_in_order_and_fail_takes_an_error_object() -> None:
    error = json.dumps({"ErrorType": "Declined", "ErrorMessage": "no", "ErrorData": '{"why": 1}'})
    result = run(f"{H}/callbacks.py:handler", "{}", "--callback", "*=1", "--fail-callback", f"pulse={error}")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result_of(result) == {"review": "1", "pulse": "CallbackExternalError: no", "forever": "1"}
    assert "review <- succeed 1  [--callback]" in result.stdout
    assert "pulse <- fail (Declined: no)  [--fail-callback]" in result.stdout
    assert re.search(r"pulse\s+CALLBACK\s+FAILED\s+\S+\s+Declined: no", result.stdout)


def test_answers_file_star_key_and_heartbeats(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {"pulse": [{"heartbeat": True}, {"heartbeat": True}, {"succeed": "beat"}], "*": {"succeed": 2}}
        )
    )
    result = run(f"{H}/callbacks.py:handler", "{}", "--answers", str(answers))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.count("pulse <- heartbeat") == 2
    assert result_of(result) == {"review": "2", "pulse": '"beat"', "forever": "2"}


def test_a_heartbeat_restarts_the_heartbeat_timeout(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"pulse": [{"heartbeat": True}]}))
    result = run(f"{H}/callbacks.py:handler", '{"callbacks": ["pulse"]}', "--answers", str(answers))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "pulse <- heartbeat" in result.stdout
    assert "pulse <- time out  [no answer: its heartbeat timeout]" in result.stdout
    assert result_of(result) == {"pulse": "CallbackTimeoutError: Callback timed out on heartbeat"}


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("pulse={oops", "--fail-callback pulse is not valid JSON"),
        ('pulse={"Reason": 1}', "the error must be a message string or an object with keys ErrorType"),
        ('pulse={"ErrorType": 3}', "--fail-callback pulse: ErrorType must be a string, got 3"),
    ],
)
def test_error_fail_callback_error_object(value: str, fragment: str) -> None:
    result = run(f"{H}/callbacks.py:handler", "{}", "--fail-callback", value)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and fragment in result.stderr


# --- the environment Lambda sets ------------------------------------------------------------------------


def test_lambda_environment_lets_a_handler_build_a_boto3_client_at_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    result = run(f"{H}/envcheck.py:handler", "{}")
    assert result.exit_code == 0, result.stdout + result.stderr
    env = result_of(result)
    assert env == {
        "region": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "envcheck",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/envcheck",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "_HANDLER": f"{H}/envcheck.py:handler",
        "TABLE": None,
        "STAGE": None,
        "PAYMENTS_ARN": None,
    }


def test_region_env_and_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "env.json"
    env_file.write_text(
        json.dumps({"Parameters": {"STAGE": "dev", "TABLE": "shared"}, "envcheck": {"TABLE": "orders"}})
    )
    result = run(
        f"{H}/envcheck.py:handler",
        "{}",
        "--region",
        "eu-west-1",
        "--env-file",
        str(env_file),
        "--env",
        "STAGE=prod",
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    env = result_of(result)
    assert env["region"] == env["AWS_REGION"] == "eu-west-1"  # type: ignore[index]
    assert (env["TABLE"], env["STAGE"]) == ("orders", "prod")  # type: ignore[index]  # --env wins over the file


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (("--env", "1X=2"), None, "Error: --env must be KEY=VALUE with KEY a variable name, got '1X=2'\n"),
        (("--env-file", "ENV"), "[]", "must hold a JSON object of function name (or Parameters)"),
        (("--env-file", "ENV"), '{"other": {}}', "unknown function 'other'; use one of Parameters, envcheck"),
        (("--env-file", "ENV"), '{"envcheck": {"A": [1]}}', "envcheck.A must be a string, number or boolean"),
    ],
)
def test_error_bad_environment_input(
    tmp_path: Path, args: tuple[str, ...], content: str | None, message: str
) -> None:
    env_file = tmp_path / "env.json"
    if content is not None:
        env_file.write_text(content)
    args = tuple(str(env_file) if a == "ENV" else a for a in args)
    result = run(f"{H}/envcheck.py:handler", "{}", *args)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1


# --- the history file ---------------------------------------------------------------------------------


def test_history_file_is_what_diagnose_reads(tmp_path: Path) -> None:
    history = tmp_path / "out" / "history.json"
    result = run(
        f"{H}/orders.py:handler",
        '{"amount": 3}',
        "--function",
        PAYMENTS,
        "--function",
        TAX,
        "--history",
        str(history),
    )
    assert result.exit_code == 0, result.stderr
    assert f"History written to {history}" in result.stdout
    document = json.loads(history.read_text())
    assert set(document) == {"Events"}
    first = document["Events"][0]
    assert first["EventType"] == "ExecutionStarted" and first["EventId"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", first["EventTimestamp"])
    started = parse_timestamp(first["EventTimestamp"], where="test")
    diagnosis = diagnose_history(document, now=started)  # terminal: "now" does not matter
    assert diagnosis.execution.status == "SUCCEEDED"
    assert [(e.operation.name, e.operation.kind, e.operation.status) for e in diagnosis.timeline] == [
        ("pay", "ChainedInvoke", "SUCCEEDED"),
        ("tax", "ChainedInvoke", "SUCCEEDED"),
    ]
    assert diagnosis.timeline[0].operation.invoked_function == "payments"
    cli = CliRunner().invoke(main, ["diagnose", str(history)])
    assert cli.exit_code == 0, cli.output
    assert "Execution  local-run  [SUCCEEDED]" in cli.stdout


def test_error_history_file_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run(
        f"{H}/crashy.py:handler",
        json.dumps({"marker": str(tmp_path / "m")}),
        "--history",
        f"{blocker}/h.json",
    )
    assert result.exit_code == 1
    # refused before the run (its output would be lost), naming the file in the way
    assert result.stderr == f"Error: --history {blocker}/h.json: {blocker} is a file, not a folder\n"
    assert not (tmp_path / "file").is_dir()


def test_a_callback_inside_a_chained_durable_child_is_answered_too() -> None:
    result = run(
        f"{H}/approver.py:parent",
        '{"amount": 4}',
        "--function",
        f"approver={H}/approver.py:handler",
        "--callback",
        'approval="ops"',
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert 'approval <- succeed "ops"  [--callback]' in result.stdout
    assert result_of(result) == {"approved_by": '"ops"', "amount": 4}


def test_a_handler_that_ends_its_process_at_import_is_one_line(tmp_path: Path) -> None:
    dying = tmp_path / "dying.py"
    dying.write_text("import os\nos._exit(9)\n")
    result = run(f"{dying}:handler", "{}")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the worker for function 'dying' ended while loading its handler (exit status 9)\n"
    )


def test_print_output_of_the_handler_is_shown_as_log_lines(tmp_path: Path) -> None:
    chatty = tmp_path / "chatty.py"
    chatty.write_text(
        "from aws_durable_execution_sdk_python import durable_execution\n"
        "print('cold start')\n"
        "@durable_execution\n"
        "def handler(event, context):\n"
        "    return context.step(lambda _: print('in the step', end='') or 1, name='talk')\n"
    )
    result = run(f"{chatty}:handler", "{}")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "  log      stdout: cold start\n" in result.stdout  # printed while importing
    assert "  log      stdout: in the step\n" in result.stdout  # no newline: flushed at the end
    assert "in the step" not in run(f"{chatty}:handler", "{}", "--no-logs").stdout


def test_real_time_leaves_a_callback_to_its_own_timer(tmp_path: Path) -> None:
    quick = tmp_path / "quick.py"
    quick.write_text(
        (ROOT / H / "callbacks.py").read_text().replace("Duration.from_hours(8)", "Duration.from_seconds(1)")
    )
    result = run(f"{quick}:handler", '{"callbacks": ["review"]}', "--real-time")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "review <- time out  [no answer: waits for its timeout in real time]" in result.stdout
    assert result_of(result) == {"review": "CallbackTimeoutError: Callback timed out"}


def test_the_handler_gets_the_lambda_context_and_its_process_never_loads_the_testing_sdk() -> None:
    """The worker gets the context's fields, not the testing SDK's class: a handler process starts
    with the durable SDK and its own code only, as on Lambda."""
    result = run(f"{H}/contextcheck.py:handler", "{}")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result_of(result) == {
        "function_name": "contextcheck",
        "aws_request_id_set": True,
        "remaining_millis": 900_000,  # the testing SDK's context: Lambda's 15-minute maximum
        "testing_sdk_loaded": False,
    }
    assert "context.log goes to the function's log" in result.stdout


def test_the_portable_context_has_every_field_of_the_runners_context() -> None:
    import pickle

    from aws_durable_execution_sdk_python_testing.model import LambdaContext

    from cdk_durable.local_run.worker import WorkerContext, portable_context

    source = LambdaContext(
        aws_request_id="r-1", function_name="orders", invoked_function_arn=f"{ARN}:orders:live"
    )
    sent = pickle.loads(pickle.dumps(portable_context(source)))
    assert isinstance(sent, WorkerContext)
    fields = {k: v for k, v in vars(source).items()}
    assert {k: getattr(sent, k) for k in fields} == fields
    assert sent.get_remaining_time_in_millis() == source.get_remaining_time_in_millis()
    assert b"aws_durable_execution_sdk_python_testing" not in pickle.dumps(portable_context(source))
    assert portable_context(None) is None
