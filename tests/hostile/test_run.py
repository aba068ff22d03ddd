"""``cdk-durable run``: hostile events, answers, environments, handlers and templates (see :mod:`._harness`).

Most cases are refused before any worker starts (fast); a few run an execution to show that what a
handler prints, raises or returns reaches the terminal escaped, and that a result that cannot cross
the worker boundary fails as Lambda fails it. Signals are in ``test_signals.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._harness import Case, assert_clean, run_case

ESC = "\x1b[2J\x1b]0;pwned\x07"
DURABLE = (
    "from aws_durable_execution_sdk_python import DurableContext, durable_execution\n\n"
    "@durable_execution\n"
    "def handler(event, context: DurableContext):\n"
    "    return context.step(lambda _: {'ok': True}, name='s')\n"
)
PLAIN = "def handler(event, context):\n    return {'ok': True}\n"


def _run(
    id: str, *args: str, exit: int = 1, names: str | None = None, files: dict | None = None, **kw: Any
) -> Case:  # type: ignore[type-arg]
    return Case(id, ("run", *args), exit, names, files={"app.py": DURABLE, **(files or {})}, **kw)


def _event(id: str, content: Any, names: str = "e.json") -> Case:
    return _run(id, "app.py:handler", "@e.json", names=names, files={"e.json": content})


def _answers(id: str, content: Any, names: str = "a.json") -> Case:
    return _run(id, "app.py:handler", "{}", "--answers", "a.json", names=names, files={"a.json": content})


def _presets(id: str, content: Any, names: str = "p.json") -> Case:
    return _run(id, "app.py:handler", "{}", "--presets", "p.json", names=names, files={"p.json": content})


def _env_file(id: str, content: Any, names: str = "env.json") -> Case:
    return _run(
        id, "app.py:handler", "{}", "--env-file", "env.json", names=names, files={"env.json": content}
    )


def _big(size: int):  # type: ignore[no-untyped-def]
    def write(path: Path) -> None:
        path.write_text('{"x": "' + "a" * size + '"}')

    return write


SAM_HEAD = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Parameters:\n  NoDefault:\n    Type: Number\n  Timeout:\n    Type: Number\n    Default: 600\n"
)


def _sam(properties: str, *, extra: str = "", head: str = SAM_HEAD) -> str:
    return (
        head
        + extra
        + "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        + "      Runtime: python3.13\n      CodeUri: .\n      Handler: app.handler\n"
        + "".join(f"      {line}\n" for line in properties.splitlines())
    )


DURABLE_CONFIG = "DurableConfig:\n  ExecutionTimeout: 900"


def _template(id: str, content: Any, names: str = "t.yaml", target: str = "Fn") -> Case:
    return _run(id, target, "{}", "--template", "t.yaml", names=names, files={"t.yaml": content})


def _alias_bomb(path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    path.write_text(
        "\n".join(lines) + "\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: *a9\n"
    )


def _yaml_deep(path: Path) -> None:
    path.write_text("Resources: " + "[" * 3_000 + "]" * 3_000 + "\n")  # deeper than the parser recurses


def _handler_file(
    id: str, source: str | bytes, spec: str = "h.py:handler", names: str = "h", exit: int = 1, **kw: Any
) -> Case:
    return _run(id, spec, "{}", exit=exit, names=names if exit == 1 else None, files={"h.py": source}, **kw)


CASES: list[Case] = [
    # --- the event --------------------------------------------------------------------------------------
    _event("event-binary", b"\x89PNG\r\n\x1a\n\x00"),
    _event("event-nul", b'{"a": "\x00"}'),
    _event("event-latin-1", '{"a": "caf\xe9"}'.encode("latin-1")),
    _event("event-utf-16", '{"a": 1}'.encode("utf-16")),
    _event("event-empty", ""),
    _event("event-not-json", "{'a': 1}"),
    _event("event-truncated", '{"a": [1, 2'),
    _event("event-deep", "[" * 100_000 + "]" * 100_000),
    _event("event-deep-unclosed", '{"a":' * 100_000),
    _event("event-nan", '{"a": NaN}'),
    _event("event-infinity", '{"a": Infinity}'),
    _event("event-over-limit", _big(7 * 1024 * 1024)),
    _run("event-missing", "app.py:handler", "@nope.json", names="nope.json"),
    _run("event-directory", "app.py:handler", "@d", names="d", files={"d/x": "1"}),
    _run("event-at-only", "app.py:handler", "@", names="event"),
    _run("event-literal-not-json", "app.py:handler", "{", names="event"),
    _run("event-literal-deep", "app.py:handler", "[" * 100_000, names="event"),
    _run("event-literal-nan", "app.py:handler", "NaN", names="event"),
    _run("event-literal-escape", "app.py:handler", ESC, names="event"),
    # --- answers and presets ------------------------------------------------------------------------------
    _answers("answers-binary", b"\xff\xfe\x00\x00"),
    _answers("answers-nul", b'{"x": {"succeed": "\x00"}}'),
    _answers("answers-deep", "[" * 100_000 + "]" * 100_000),
    _answers("answers-nan", '{"x": {"succeed": NaN}}'),
    _answers("answers-not-json", "x: succeed"),
    _answers("answers-list", "[1]"),
    _answers("answers-action-unknown", '{"x": {"explode": true}}'),
    _answers("answers-action-not-object", '{"x": "yes"}'),
    _answers("answers-two-actions", '{"x": {"succeed": 1, "fail": {}}}'),
    _answers("answers-fail-wrong-shape", '{"x": {"fail": [1]}}'),
    _answers("answers-heartbeat-false", '{"x": {"heartbeat": false}}'),
    _answers("answers-escape-key", json.dumps({ESC: {"explode": True}})),
    _answers("answers-over-limit", _big(7 * 1024 * 1024)),
    _run("answers-missing", "app.py:handler", "{}", "--answers", "nope.json", names="nope.json"),
    _run("answers-directory", "app.py:handler", "{}", "--answers", "d", names="d", files={"d/x": "1"}),
    _presets("presets-binary", b"\x00\x01"),
    _presets("presets-list", "[1, 2]"),
    _presets("presets-empty-object", "{}"),
    _presets("presets-deep", '{"a":' * 100_000 + "1" + "}" * 100_000),
    _run("presets-missing", "app.py:handler", "{}", "--presets", "nope.json", names="nope.json"),
    _run("callback-not-json", "app.py:handler", "{}", "--callback", "review={", names="--callback"),
    _run(
        "callback-deep", "app.py:handler", "{}", "--callback", "review=" + "[" * 100_000, names="--callback"
    ),
    _run("callback-no-name", "app.py:handler", "{}", "--callback", "=1", names="--callback"),
    _run("callback-no-value", "app.py:handler", "{}", "--callback", "review", names="--callback"),
    _run(
        "callback-file-missing", "app.py:handler", "{}", "--callback", "review=@nope.json", names="nope.json"
    ),
    _run(
        "callback-file-binary",
        "app.py:handler",
        "{}",
        "--callback",
        "review=@b.json",
        names="b.json",
        files={"b.json": b"\x00\xff"},
    ),
    _run(
        "fail-callback-not-json",
        "app.py:handler",
        "{}",
        "--fail-callback",
        "review={",
        names="--fail-callback",
    ),
    _run(
        "fail-callback-wrong-shape",
        "app.py:handler",
        "{}",
        "--fail-callback",
        "review=[1]",
        names="--fail-callback",
    ),
    _run(
        "timeout-callback-empty", "app.py:handler", "{}", "--timeout-callback", "", names="--timeout-callback"
    ),
    # --- environment --------------------------------------------------------------------------------------
    _run("env-no-name", "app.py:handler", "{}", "--env", "=x", names="--env"),
    _run("env-digit-name", "app.py:handler", "{}", "--env", "1A=x", names="--env"),
    _run("env-no-equals", "app.py:handler", "{}", "--env", "A", names="--env"),
    _run("env-dash-name", "app.py:handler", "{}", "--env", "A-B=x", names="--env"),
    _run("env-escape-name", "app.py:handler", "{}", "--env", f"{ESC}=x", names="--env"),
    _env_file("env-file-binary", b"\x89PNG\x00"),
    _env_file("env-file-nul-value", json.dumps({"Parameters": {"A": "x\x00y"}})),
    _env_file("env-file-nul-name", json.dumps({"Parameters": {"A\x00B": "x"}})),
    _env_file("env-file-bad-name", json.dumps({"Parameters": {"1X": "x"}})),
    _env_file("env-file-equals-in-name", json.dumps({"Parameters": {"A=B": "x"}})),
    _env_file("env-file-empty-name", json.dumps({"Parameters": {"": "x"}})),
    _env_file("env-file-object-value", json.dumps({"Parameters": {"A": {"b": 1}}})),
    _env_file("env-file-null-value", json.dumps({"Parameters": {"A": None}})),
    _env_file("env-file-nan-value", '{"Parameters": {"A": NaN}}'),
    _env_file("env-file-list", "[1]"),
    _env_file("env-file-section-list", json.dumps({"Parameters": [1]})),
    _env_file("env-file-unknown-function", json.dumps({"Nope": {"A": "x"}})),
    _env_file("env-file-deep", '{"a":' * 100_000 + "1" + "}" * 100_000),
    _env_file("env-file-not-json", "A=1\nB=2\n"),
    _run("env-file-missing", "app.py:handler", "{}", "--env-file", "nope.json", names="nope.json"),
    # --- functions ----------------------------------------------------------------------------------------
    _run(
        "function-duplicate",
        "app.py:handler",
        "{}",
        "--function",
        "p=app.py:handler",
        "--function",
        "p=app.py:handler",
        names="--function",
    ),
    _run(
        "function-same-as-template-function",
        "Fn",
        "{}",
        "--template",
        "t.yaml",
        "--function",
        "Fn=app.py:handler",
        names="--function",
        files={"t.yaml": _sam("DurableConfig:\n  ExecutionTimeout: 900")},
    ),
    _run("function-no-name", "app.py:handler", "{}", "--function", "=app.py:handler", names="--function"),
    _run("function-no-handler", "app.py:handler", "{}", "--function", "p=", names="--function"),
    _run("function-bad-name", "app.py:handler", "{}", "--function", "a b=app.py:handler", names="--function"),
    _run(
        "function-long-name",
        "app.py:handler",
        "{}",
        "--function",
        "p" * 65 + "=app.py:handler",
        names="--function",
    ),
    _run(
        "function-escape-name",
        "app.py:handler",
        "{}",
        "--function",
        f"{ESC}=app.py:handler",
        names="--function",
    ),
    # --- other options ------------------------------------------------------------------------------------
    _run("region-bad", "app.py:handler", "{}", "--region", "mars", names="--region"),
    _run("region-escape", "app.py:handler", "{}", "--region", ESC, names="--region"),
    _run("history-directory", "app.py:handler", "{}", "--history", ".", names="--history"),
    _run("history-under-a-file", "app.py:handler", "{}", "--history", "app.py/h.json", names="--history"),
    _run("history-too-long", "app.py:handler", "{}", "--history", "h" * 300, names="--history"),
    _run("history-empty", "app.py:handler", "{}", "--history", "", names="--history"),
    _run("html-directory", "app.py:handler", "{}", "--html", ".", names="--html"),
    _run("html-missing-parent", "app.py:handler", "{}", "--html", "no/such/t.html", names="--html"),
    _run("html-too-long", "app.py:handler", "{}", "--html", "t" * 300 + ".html", names="--html"),
    _run("unknown-option", "app.py:handler", "{}", "--frobnicate", exit=2, names="--frobnicate"),
    _run("missing-event", "app.py:handler", exit=2, names="EVENT"),
    # --- handlers -----------------------------------------------------------------------------------------
    _run("handler-file-missing", "nope.py:handler", "{}", names="nope.py"),
    _run("handler-not-py", "e.json:handler", "{}", names="e.json", files={"e.json": "{}"}),
    _run("handler-empty", "", "{}", names="handler"),
    _run("handler-bad-function", "app.py:1x", "{}", names="1x"),
    _run("handler-module-missing", "no_such_module:handler", "{}", names="no_such_module"),
    _run("handler-function-missing", "app.py:nope", "{}", names="nope"),
    _handler_file("handler-not-callable", "handler = 42\n"),
    _handler_file("handler-syntax-error", "def handler(:\n"),
    _handler_file("handler-import-raises", "raise RuntimeError('no config')\n"),
    _handler_file("handler-import-escape", f"raise RuntimeError({ESC!r})\n"),
    _handler_file("handler-binary-source", b"\x00\x01\x02def handler(e, c): pass\n"),
    _handler_file("handler-not-durable", PLAIN, names="@durable_execution"),
    _handler_file("handler-import-exits", "import sys\nsys.exit(3)\n"),
    # --- handlers that run: what they print, raise and return is escaped ---------------------------------
    _handler_file(
        "run-escape-in-error",
        DURABLE.replace(
            "return context.step(lambda _: {'ok': True}, name='s')", f"raise RuntimeError({ESC!r})"
        ),
        exit=3,
        stdout_has=("\\x1b]0;pwned\\x07",),
    ),
    _handler_file(
        "run-escape-in-result-log-and-name",
        DURABLE.replace(
            "return context.step(lambda _: {'ok': True}, name='s')",
            f"print({ESC!r})\n    return context.step(lambda _: {ESC!r}, name={ESC!r})",
        ),
        exit=0,
        stdout_has=("\\x1b]0;pwned\\x07",),
    ),
    _run(
        "run-unpicklable-plain-result",
        "app.py:handler",
        "{}",
        "--function",
        "plain=plain.py:handler,plain",
        exit=3,
        files={
            "app.py": DURABLE.replace(
                "return context.step(lambda _: {'ok': True}, name='s')",
                "return context.invoke('plain', {}, name='p')",
            ),
            "plain.py": "import threading\n\ndef handler(event, context):\n    return threading.Lock()\n",
        },
        stdout_has=("MarshalError",),
    ),
    # --- templates ----------------------------------------------------------------------------------------
    _run("template-missing", "Fn", "{}", "--template", "nope.yaml", names="nope.yaml"),
    _run("template-directory", "Fn", "{}", "--template", "d", names="d", files={"d/x": "1"}),
    _template("template-binary", b"\x89PNG\r\n\x1a\n\x00"),
    _template("template-nul", b"Resources: {}\x00\n"),
    _template("template-latin-1", "Description: caf\xe9\nResources: {}\n".encode("latin-1")),
    _template("template-over-limit", _big(17 * 1024 * 1024)),
    _template("template-alias-bomb", _alias_bomb),
    _template("template-yaml-deep", _yaml_deep),
    _template("template-json-deep", '{"Resources":' + "[" * 100_000 + "]" * 100_000 + "}"),
    _template(
        "template-json-nan",
        '{"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"MemorySize": NaN}}}}',
    ),
    _template("template-yaml-syntax", "Resources:\n  Fn: [\n"),
    _template("template-yaml-tab", "Resources:\n\tFn: {}\n"),
    _template("template-list", "- 1\n- 2\n"),
    _template("template-scalar", "hello\n"),
    _template("template-empty", ""),
    _template("template-no-resources", "Description: x\n"),
    _template("template-resources-list", "Resources:\n  - Fn\n"),
    _template("template-parameters-list", "Parameters: [1]\nResources: {}\n"),
    _template("template-globals-list", "Globals: [1]\nResources: {}\n"),
    _template("template-globals-function-list", "Globals:\n  Function: [1]\nResources: {}\n"),
    _template("template-mappings-scalar", "Mappings: 3\nResources: {}\n"),
    _template(
        "template-properties-list",
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: [1]\n",
    ),
    _template("template-environment-list", _sam(DURABLE_CONFIG + "\nEnvironment: [1]")),
    _template("template-variables-list", _sam(DURABLE_CONFIG + "\nEnvironment:\n  Variables: [1]")),
    _template(
        "template-variable-bad-name", _sam(DURABLE_CONFIG + "\nEnvironment:\n  Variables:\n    1BAD: x")
    ),
    _template(
        "template-globals-environment-list",
        _sam(DURABLE_CONFIG, extra="Globals:\n  Function:\n    Environment: [1]\n"),
    ),
    _template("template-durable-config-list", _sam("DurableConfig: [1]")),
    _template(
        "template-timeout-soon", _sam("DurableConfig:\n  ExecutionTimeout: soon"), names="ExecutionTimeout"
    ),
    _template(
        "template-timeout-zero", _sam("DurableConfig:\n  ExecutionTimeout: 0"), names="ExecutionTimeout"
    ),
    _template(
        "template-timeout-too-long",
        _sam("DurableConfig:\n  ExecutionTimeout: 99999999999"),
        names="ExecutionTimeout",
    ),
    _template(
        "template-timeout-fraction", _sam("DurableConfig:\n  ExecutionTimeout: 1.5"), names="ExecutionTimeout"
    ),
    _template(
        "template-timeout-list", _sam("DurableConfig:\n  ExecutionTimeout: [900]"), names="ExecutionTimeout"
    ),
    _template(
        "template-timeout-ref-no-default",
        _sam("DurableConfig:\n  ExecutionTimeout: !Ref NoDefault"),
        names="NoDefault",
    ),
    _template(
        "template-timeout-import",
        _sam("DurableConfig:\n  ExecutionTimeout: !ImportValue T"),
        names="ImportValue",
    ),
    _template("template-memory-lots", _sam(DURABLE_CONFIG + "\nMemorySize: lots"), names="MemorySize"),
    _template("template-memory-64", _sam(DURABLE_CONFIG + "\nMemorySize: 64"), names="MemorySize"),
    _template("template-memory-huge", _sam(DURABLE_CONFIG + "\nMemorySize: 1e300"), names="MemorySize"),
    _template(
        "template-handler-list",
        _sam(DURABLE_CONFIG).replace("Handler: app.handler", "Handler: [app]"),
        names="Handler",
    ),
    _template(
        "template-handler-no-dot",
        _sam(DURABLE_CONFIG).replace("Handler: app.handler", "Handler: app"),
        names="Handler",
    ),
    _template(
        "template-runtime-node", _sam(DURABLE_CONFIG).replace("python3.13", "nodejs22.x"), names="nodejs22.x"
    ),
    _template(
        "template-runtime-list",
        _sam(DURABLE_CONFIG).replace("Runtime: python3.13", "Runtime: [1]"),
        names="runtime",
    ),
    _template("template-not-durable", _sam("MemorySize: 256"), names="DurableConfig"),
    _template(
        "template-codeuri-missing", _sam(DURABLE_CONFIG).replace("CodeUri: .", "CodeUri: nope"), names="nope"
    ),
    _template(
        "template-codeuri-s3",
        _sam(DURABLE_CONFIG).replace("CodeUri: .", "CodeUri: s3://b/k.zip"),
        names="local path",
    ),
    _template(
        "template-inline-code",
        _sam(DURABLE_CONFIG).replace("CodeUri: .", "InlineCode: x"),
        names="InlineCode",
    ),
    _template("template-unknown-function", _sam(DURABLE_CONFIG), target="Nope", names="Nope"),
    _template("template-escape-function", _sam(DURABLE_CONFIG), target=ESC, names="\\x1b"),
    _template(
        "template-escape-logical-id",
        _sam(DURABLE_CONFIG).replace("  Fn:", f"  {json.dumps(ESC)}:"),
        names="\\x1b",
    ),
    _template(
        "template-unknown-tag", _sam("DurableConfig:\n  ExecutionTimeout: !Frob 5"), names="ExecutionTimeout"
    ),
    _template("template-resource-not-mapping", "Resources:\n  Fn: 3\n  Other: [1]\n", names="Fn"),
    Case(
        "template-timeout-ref-default-runs",
        ("run", "Fn", "{}", "--template", "t.yaml"),
        0,
        files={"app.py": DURABLE, "t.yaml": _sam("DurableConfig:\n  ExecutionTimeout: !Ref Timeout")},
        stdout_has=("Status: SUCCEEDED",),
    ),
    # --- as a user runs it --------------------------------------------------------------------------------
    _run(
        "subprocess-event-binary",
        "app.py:handler",
        "@e.json",
        names="e.json",
        files={"e.json": b"\x00\xff"},
        subprocess=True,
    ),
    _run(
        "subprocess-template-alias-bomb",
        "Fn",
        "{}",
        "--template",
        "t.yaml",
        names="t.yaml",
        files={"t.yaml": _alias_bomb},
        subprocess=True,
    ),
    _handler_file("subprocess-not-durable", PLAIN, names="@durable_execution", subprocess=True),
    _handler_file(
        "subprocess-escape-in-error",
        DURABLE.replace(
            "return context.step(lambda _: {'ok': True}, name='s')", f"raise RuntimeError({ESC!r})"
        ),
        exit=3,
        stdout_has=("\\x1b]0;pwned\\x07",),
        subprocess=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_run_hostile(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_case(case, tmp_path, monkeypatch)
    assert_clean(case, code, out, err, tmp_path / "case")


def test_yaml_flow_depth_skips_quoted_strings_and_comments_but_not_a_hash_inside_a_word() -> None:
    from cdk_durable.errors import yaml_flow_depth

    assert yaml_flow_depth("Resources: " + "[" * 3_000 + "]" * 3_000) == 3_000
    assert yaml_flow_depth("a: '[[[' # [[[\nb: \"{{\"\nc: [1, {x: [2]}]\n") == 3
    assert yaml_flow_depth("a: 'it''s [' \nb: x#[[\n") == 2  # '' is a quote inside '...'; x# is no comment


def test_a_template_as_deep_as_the_limit_still_loads(tmp_path: Path) -> None:
    from cdk_durable.errors import LIMITS
    from cdk_durable.local_run import LocalRunError
    from cdk_durable.local_run.template import read_template

    depth = LIMITS["json_depth"]
    template = tmp_path / "t.yaml"
    template.write_text("Resources: {}\nMetadata:\n  Deep: " + "[" * 100 + "]" * 100 + "\n")
    value, levels = read_template(template)["Metadata"]["Deep"], 0
    while isinstance(value, list):
        value, levels = (value[0] if value else None), levels + 1
    assert levels == 100
    template.write_text("Resources: {}\nMetadata:\n  Deep: " + "[" * (depth + 1) + "]" * (depth + 1) + "\n")
    with pytest.raises(
        LocalRunError, match=rf"t\.yaml is nested too deeply to read \(more than {depth} levels"
    ):
        read_template(template)
