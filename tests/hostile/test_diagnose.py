"""``cdk-durable diagnose``: hostile histories, executions and options (see :mod:`._harness`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._harness import Case, assert_clean, run_case

T0 = "2026-11-24T22:14:11+00:00"
T1 = "2026-11-24T22:14:12+00:00"
T2 = "2026-11-24T22:15:11+00:00"
ESC = "\x1b[2J\x1b]0;pwned\x07\x9b31m\rSUCCEEDED\u202e"


def _event(kind: str, when: Any = T0, **extra: Any) -> dict[str, Any]:
    return {"EventType": kind, "EventId": 1, "EventTimestamp": when, **extra}


def _started(when: Any = T0, timeout: Any = 3600, name: str = "ship-1") -> dict[str, Any]:
    return _event(
        "ExecutionStarted",
        when,
        Id="inv-1",
        Name=name,
        ExecutionStartedDetails={"Input": {"Payload": "{}"}, "ExecutionTimeout": timeout},
    )


def _step(
    kind: str, when: Any = T1, name: str = "charge", op: str = "op-1", **details: Any
) -> dict[str, Any]:
    return _event(f"Step{kind}", when, SubType="Step", Id=op, Name=name, **details)


def _callback(kind: str, when: Any = T1, name: str = "review", **details: Any) -> dict[str, Any]:
    return _event(f"Callback{kind}", when, SubType="Callback", Id="cb-1", Name=name, **details)


def _failed(message: str, kind: str = "Boom") -> dict[str, Any]:
    return {"Error": {"Payload": {"ErrorMessage": message, "ErrorType": kind}}}


def _doc(*events: dict[str, Any]) -> str:
    """A history document; events numbered in order (as the API numbers them)."""
    return json.dumps({"Events": [{**e, "EventId": i} for i, e in enumerate(events, 1)]})


def _history(events: str | bytes) -> dict[str, str | bytes]:
    return {"h.json": events}


def _ok(id: str, *events: dict[str, Any], args: tuple[str, ...] = (), **kw: Any) -> Case:
    """A history the tool reads (exit 0), printing whatever it holds safely."""
    return Case(id, ("diagnose", "h.json", "--now", T2, *args), 0, files=_history(_doc(*events)), **kw)


def _bad(id: str, content: str | bytes, names: str = "h.json", args: tuple[str, ...] = ()) -> Case:
    return Case(id, ("diagnose", "h.json", "--now", T2, *args), 1, names, files=_history(content))


def _no_escape_in_json(out: str, _err: str, _work: Path) -> None:
    json.loads(out)  # still valid JSON after escaping


CASES: list[Case] = [
    # --- the file itself ---------------------------------------------------------------------------
    Case("missing-file", ("diagnose", "nope.json"), 1, "nope.json"),
    Case("directory", ("diagnose", "d"), 1, "d", files={"d/x": "1"}),
    _bad("empty", ""),
    _bad("whitespace", "  \n\t "),
    _bad("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    _bad("nul-in-json", b'{"Events": [\x00]}'),
    _bad("latin-1", '{"Events": [], "x": "caf\xe9"}'.encode("latin-1")),
    _bad("utf-16", '{"Events": []}'.encode("utf-16")),
    _bad("not-json", "Events: []"),
    _bad("truncated", '{"Events": [{"EventType": "ExecutionStarted"'),
    _bad("deep-100k-list", "[" * 100_000 + "]" * 100_000),
    _bad("deep-100k-object", '{"a":' * 100_000 + "1" + "}" * 100_000),
    _bad("deep-unclosed", "[" * 100_000),
    _bad("nan", '{"Events": [], "x": NaN}'),
    _bad("infinity", '{"Events": [], "x": -Infinity}'),
    _bad("top-level-list", "[]"),
    _bad("top-level-string", '"history"'),
    _bad("top-level-null", "null"),
    _bad("events-not-list", '{"Events": {"a": 1}}'),
    _bad("events-string", '{"Events": "ExecutionStarted"}'),
    _bad("event-not-object", '{"Events": [1, 2]}'),
    _bad("event-without-type", '{"Events": [{"EventTimestamp": "2026-01-01T00:00:00Z"}]}'),
    _bad("event-type-number", '{"Events": [{"EventType": 7, "EventTimestamp": 1}]}'),
    _bad("event-without-timestamp", '{"Events": [{"EventType": "ExecutionStarted"}]}'),
    _bad("execution-document-as-history", '{"Status": "RUNNING", "DurableExecutionArn": "arn"}'),
    _bad("too-many-events", lambda p: p.write_text('{"Events": [' + ",".join(["1"] * 1_000_001) + "]}")),
    # --- timestamps and numbers ---------------------------------------------------------------------
    _bad("timestamp-1e20", _doc(_started(when=1e20))),
    _bad("timestamp-minus-1e20", _doc(_started(when=-1e20))),
    _bad("timestamp-huge-int", _doc(_started(when=10**400))),
    _bad("timestamp-year-10000", _doc(_started(when="10000-01-01T00:00:00Z"))),
    _bad("timestamp-month-13", _doc(_started(when="2026-13-01T00:00:00Z"))),
    _bad("timestamp-text", _doc(_started(when="yesterday"))),
    _bad("timestamp-nan-text", _doc(_started(when="nan"))),
    _bad("timestamp-inf-text", _doc(_started(when="inf"))),
    _bad("timestamp-bool", _doc(_started(when=True))),
    _bad("timestamp-list", _doc(_started(when=[2026]))),
    _bad("timestamp-null", _doc(_started(when=None))),
    _bad("timestamp-empty", _doc(_started(when=""))),
    _bad("timestamp-escape", _doc(_started(when=ESC))),
    _ok("timeout-1e30", _started(timeout=1e30)),
    _ok("timeout-huge-int", _started(timeout=10**30)),
    _ok("timeout-negative", _started(timeout=-5)),
    _ok("timeout-text", _started(timeout="soon")),
    _ok("timeout-zero", _started(timeout=0)),
    _ok(
        "retry-delay-huge",
        _started(),
        _step("Started"),
        _step(
            "Failed",
            T1,
            RetryDetails={"NextAttemptDelaySeconds": 10**30},
            **{"StepFailedDetails": _failed("x")},
        ),
    ),
    _ok(
        "wait-seconds-huge",
        _started(),
        _event("WaitStarted", T1, SubType="Wait", Id="w", Name="w", WaitStartedDetails={"Duration": 10**30}),
    ),
    _ok(
        "wait-end-out-of-range",
        _started(),
        _event(
            "WaitStarted",
            T1,
            SubType="Wait",
            Id="w",
            Name="w",
            WaitStartedDetails={"ScheduledEndTimestamp": "9999-12-31T23:59:59Z"},
        ),
    ),
    _ok(
        "callback-timeout-huge",
        _started(),
        _callback("Started", CallbackStartedDetails={"CallbackId": "c", "Timeout": 10**30}),
    ),
    _ok(
        "end-before-start",
        _started(T1),
        _step("Started", T2),
        _step("Succeeded", T1),
        stdout_has=("before the operation started",),
    ),
    Case(
        "duplicated-history",
        ("diagnose", "h.json", "--now", T2),
        0,
        files=_history(
            json.dumps(
                {
                    "Events": json.loads(
                        _doc(
                            _started(), _step("Started"), _step("Failed", T1, StepFailedDetails=_failed("x"))
                        )
                    )["Events"]
                    * 2
                }
            )
        ),
        stdout_has=("3 duplicate events ignored", "failed on its first attempt"),
    ),
    Case(
        "now-before-start",
        ("diagnose", "h.json", "--now", "2020-01-01T00:00:00Z"),
        0,
        files=_history(_doc(_started(), _callback("Started", CallbackStartedDetails={"CallbackId": "c"}))),
        stdout_has=("--now",),
        check=lambda out, _e, _w: _no_negative(out),
    ),
    # --- data printed back: escaped, never raw -------------------------------------------------------
    _ok("escape-in-name", _started(name=ESC), stdout_has=("\\x1b]0;pwned\\x07",)),
    _ok("escape-in-step-name", _started(), _step("Started", name=ESC), stdout_has=("\\x1b",)),
    _ok(
        "escape-in-error-message",
        _started(),
        _step("Started"),
        _step("Failed", T1, StepFailedDetails=_failed(ESC)),
        stdout_has=("\\x1b",),
    ),
    _ok(
        "escape-in-error-type",
        _started(),
        _step("Started"),
        _step("Failed", T1, StepFailedDetails=_failed("m", kind=ESC)),
        stdout_has=("\\x1b",),
    ),
    _ok(
        "escape-in-callback-name",
        _started(),
        _callback("Started", name=ESC, CallbackStartedDetails={"CallbackId": ESC}),
        stdout_has=("\\x1b",),
    ),
    _ok(
        "escape-in-callback-result",
        _started(),
        _callback("Started", CallbackStartedDetails={"CallbackId": "c"}),
        _callback("Succeeded", T2, CallbackSucceededDetails={"Result": {"Payload": json.dumps(ESC)}}),
    ),
    _ok(
        "escape-in-execution-failure",
        _started(),
        _event("ExecutionFailed", T2, Id="inv-1", Name="x", ExecutionFailedDetails=_failed(ESC)),
        stdout_has=("\\x1b",),
    ),
    _ok("escape-in-event-type", _started(), _event(ESC, T1)),
    _ok(
        "escape-in-json-output",
        _started(name=ESC),
        _step("Started"),
        _step("Failed", T1, StepFailedDetails=_failed(ESC)),
        args=("--format", "json"),
        check=_no_escape_in_json,
    ),
    _ok(
        "nul-escape-in-message",
        _started(),
        _step("Started"),
        _step("Failed", T1, StepFailedDetails=_failed("a\x00b")),
    ),
    _ok("bidi-in-name", _started(name="admin\u202egnp.exe")),
    _ok("lone-surrogate-in-name", _started(name="\ud800x")),
    _ok(
        "huge-error-message",
        _started(),
        _step("Started"),
        _step("Failed", T1, StepFailedDetails=_failed("x" * 500_000)),
    ),
    _ok("many-operations", _started(), *[_step("Started", T1, op=f"op-{i}") for i in range(3000)]),
    _ok(
        "unknown-event-types",
        _started(),
        _event("Frobnicated", T1),
        _event("StepExploded", T1, SubType="Step", Id="o"),
    ),
    _ok(
        "details-wrong-types",
        _started(),
        _step("Started", StepStartedDetails=[1, 2]),
        _step("Failed", StepFailedDetails="x"),
    ),
    _ok(
        "error-payload-wrong-type",
        _started(),
        _step("Started"),
        _step("Failed", StepFailedDetails={"Error": [1]}),
    ),
    _bad(
        "ids-wrong-types", _doc(_started(), _event("StepStarted", T1, SubType="Step", Id=[1], Name={"a": 1}))
    ),
    _ok("parent-loop", _started(), _step("Started", ParentId="op-1")),
    _bad("only-end-events", _doc(_step("Succeeded"), _event("ExecutionSucceeded", T2))),
    _bad("empty-events", _doc()),
    # --- options -------------------------------------------------------------------------------------
    _bad("now-not-a-time", _doc(_started()), names="--now", args=("--now", "tomorrow")),
    _bad("now-out-of-range", _doc(_started()), names="--now", args=("--now", "1e300")),
    _bad("now-year-0", _doc(_started()), names="--now", args=("--now", "0000-01-01")),
    _bad("format-bad", _doc(_started()), names="--format", args=("--format", "xml")),
    _bad(
        "timeline-limit-negative", _doc(_started()), names="--timeline-limit", args=("--timeline-limit", "-1")
    ),
    _bad(
        "timeline-limit-text", _doc(_started()), names="--timeline-limit", args=("--timeline-limit", "lots")
    ),
    _ok("timeline-limit-huge", _started(), args=("--timeline-limit", "9" * 50)),
    _bad(
        "callback-result-not-json",
        _doc(_started()),
        names="--callback-result",
        args=("--callback-result", "{"),
    ),
    _bad(
        "callback-result-deep",
        _doc(_started()),
        names="--callback-result",
        args=("--callback-result", "[" * 100_000),
    ),
    _bad("html-is-directory", _doc(_started()), names="--html", args=("--html", ".")),
    _bad("html-missing-parent", _doc(_started()), names="--html", args=("--html", "no/such/t.html")),
    _bad("html-empty", _doc(_started()), names="--html", args=("--html", "")),
    _bad("html-too-long", _doc(_started()), names="--html", args=("--html", "a" * 300 + ".html")),
    Case(
        "html-escapes-data",
        ("diagnose", "h.json", "--now", T2, "--html", "t.html"),
        0,
        files=_history(_doc(_started(name="<script>alert(1)</script>" + ESC))),
        creates=("t.html",),
        check=lambda _o, _e, work: _html_escaped(work / "t.html"),
    ),
    Case(
        "execution-missing",
        ("diagnose", "h.json", "--execution", "e.json"),
        1,
        "e.json",
        files=_history(_doc(_started())),
    ),
    Case(
        "execution-binary",
        ("diagnose", "h.json", "--execution", "e.json"),
        1,
        "e.json",
        files={**_history(_doc(_started())), "e.json": b"\xff\xfe\x00"},
    ),
    Case(
        "execution-wrong-shape",
        ("diagnose", "h.json", "--execution", "e.json"),
        1,
        "e.json",
        files={**_history(_doc(_started())), "e.json": "[1]"},
    ),
    Case(
        "execution-status-escape",
        ("diagnose", "h.json", "--now", T2, "--execution", "e.json"),
        1,
        "Status",
        files={
            **_history(_doc(_started())),
            "e.json": json.dumps({"Status": ESC, "StartTimestamp": T0, "DurableExecutionArn": ESC}),
        },
    ),
    Case("stdin-binary", ("diagnose", "-"), 1, "stdin", stdin=b"\x00\x01\x02"),
    Case("stdin-empty", ("diagnose", "-"), 1, "stdin", stdin=""),
    Case("nothing-to-diagnose", ("diagnose",), 1, "history"),
    Case(
        "file-and-live",
        ("diagnose", "h.json", "--execution-arn", "x"),
        1,
        "--execution-arn",
        files=_history("{}"),
    ),
    Case(
        "live-function-malformed",
        ("diagnose", "--function", "a:b:c", "--execution-name", "n"),
        1,
        "--function",
    ),
    Case("live-name-without-function", ("diagnose", "--execution-name", "n"), 1, "--function"),
    # --- live mode: configuration the AWS SDK refuses (no request leaves the machine) -----------------
    Case(
        "live-invalid-region",
        (
            "diagnose",
            "--execution-arn",
            "arn:aws:lambda:us-east-1:123456789012:function:f/durable-execution/x/y",
            "--region",
            "not a region!",
        ),
        1,
        "region",
        env={
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
        },
    ),
    Case(
        "live-region-escape",
        ("diagnose", "--execution-arn", "arn", "--region", "\x1b[2Jus-east-1"),
        1,
        "region",
        env={
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
        },
    ),
    Case(
        "live-invalid-endpoint-url",
        ("diagnose", "--execution-arn", "arn", "--region", "us-east-1"),
        1,
        "endpoint",
        env={
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL_LAMBDA": "not a url",
        },
    ),
    Case(
        "live-unreachable-endpoint",
        ("diagnose", "--execution-arn", "arn", "--region", "us-east-1"),
        1,
        "127.0.0.1",
        env={
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL_LAMBDA": "http://127.0.0.1:9",
            "AWS_MAX_ATTEMPTS": "1",
        },
    ),
    Case(
        "live-unknown-profile",
        ("diagnose", "--execution-arn", "arn", "--profile", "no-such-profile-\x1b"),
        1,
        "--profile",
        env={"AWS_CONFIG_FILE": "{tmp}/none", "AWS_SHARED_CREDENTIALS_FILE": "{tmp}/none"},
    ),
    # --- as a user runs it: the console script, in its own process ------------------------------------
    Case(
        "subprocess-deep-json",
        ("diagnose", "h.json"),
        1,
        "h.json",
        files=_history("[" * 100_000 + "]" * 100_000),
        subprocess=True,
    ),
    Case(
        "subprocess-escape-in-history",
        ("diagnose", "h.json", "--now", T2),
        0,
        files=_history(
            _doc(_started(name=ESC), _step("Started"), _step("Failed", T1, StepFailedDetails=_failed(ESC)))
        ),
        subprocess=True,
        stdout_has=("\\x1b",),
    ),
    Case(
        "subprocess-binary", ("diagnose", "h.json"), 1, "h.json", files=_history(b"\x00\xff"), subprocess=True
    ),
]


def _no_negative(out: str) -> None:
    import re

    assert not re.search(r"(?<![\w-])-\d+(\.\d+)?(ms|s|m|h|d)\b", out), out


def _html_escaped(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "\x1b" not in text


@pytest.mark.parametrize("case", CASES, ids=str)
def test_diagnose_hostile(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_case(case, tmp_path, monkeypatch)
    assert_clean(case, code, out, err, tmp_path / "case")
