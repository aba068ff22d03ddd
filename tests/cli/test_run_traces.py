"""``cdk-durable run`` with the OpenTelemetry plugin: plugins from DURABLE_EXECUTION_PLUGINS (``--env``
or the template) load per worker as on Lambda, ``--traces`` writes the spans as OTLP JSON, and both
views fail with the SDK's own PluginLoadError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_durable_execution_sdk_python import PluginLoadError
from aws_durable_execution_sdk_python.plugin_discovery import load_configured_plugins
from click.testing import CliRunner, Result

from cdk_durable.cli import main

HANDLERS = Path(__file__).resolve().parent / "handlers"
TRACED = f"{HANDLERS}/traced.py:handler"
EVENT = '{"id": "o-1"}'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["run", *args])


def spans_of(path: Path) -> list[dict[str, Any]]:
    document = json.loads(path.read_text())
    return [span for r in document["resourceSpans"] for s in r["scopeSpans"] for span in s["spans"]]


def attribute(span: dict[str, Any], key: str) -> Any:
    return next((a["value"] for a in span["attributes"] if a["key"] == key), None)


def test_invocation_view_writes_workflow_invocation_and_operation_spans(tmp_path: Path) -> None:
    traces = tmp_path / "traces.json"

    result = run(TRACED, EVENT, "--env", "DURABLE_EXECUTION_PLUGINS=otel-invocation", "--traces", str(traces))

    assert result.exit_code == 0, result.output
    assert f"Traces written to {traces}" in result.stdout
    spans = spans_of(traces)
    names = [s["name"] for s in spans]
    assert names.count("Workflow") == 1
    assert names.count("Invocation") == 2  # the wait ends the first invocation
    assert {"load-order", "cool-off", "charge", "load-order attempt 1", "charge attempt 1"} <= set(names)
    assert len({s["traceId"] for s in spans}) == 1  # one trace per execution
    assert all(attribute(s, "durable.execution.arn") for s in spans)
    invocations = {s["spanId"] for s in spans if s["name"] == "Invocation"}
    assert next(s for s in spans if s["name"] == "load-order")["parentSpanId"] in invocations


def test_execution_view_parents_operations_under_workflow(tmp_path: Path) -> None:
    traces = tmp_path / "traces.json"

    result = run(TRACED, EVENT, "--env", "DURABLE_EXECUTION_PLUGINS=otel-execution", "--traces", str(traces))

    assert result.exit_code == 0, result.output
    spans = spans_of(traces)
    workflow = next(s for s in spans if s["name"] == "Workflow")
    assert next(s for s in spans if s["name"] == "charge")["parentSpanId"] == workflow["spanId"]


def test_the_spans_are_otlp_json(tmp_path: Path) -> None:
    traces = tmp_path / "traces.json"
    run(TRACED, EVENT, "--env", "DURABLE_EXECUTION_PLUGINS=otel-invocation", "--traces", str(traces))

    document = json.loads(traces.read_text())
    resource = document["resourceSpans"][0]["resource"]["attributes"]
    assert {"key": "service.name", "value": {"stringValue": "traced"}} in resource
    span = spans_of(traces)[0]
    assert len(span["traceId"]) == 32 and len(span["spanId"]) == 16  # hex, as OTLP/JSON requires
    assert int(span["endTimeUnixNano"]) >= int(span["startTimeUnixNano"]) > 0
    assert span["kind"] in range(6) and span["status"]["code"] in (0, 1, 2)


def test_plugins_named_in_the_template_load_like_on_lambda(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Traced:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.13\n      Handler: traced.handler\n"
        f"      CodeUri: {HANDLERS}\n"
        "      DurableConfig:\n        ExecutionTimeout: 3600\n      Environment:\n        Variables:\n"
        "          DURABLE_EXECUTION_PLUGINS: otel-execution\n          OTEL_SERVICE_NAME: orders\n"
    )
    traces = tmp_path / "traces.json"

    result = run("--template", str(template), "Traced", EVENT, "--traces", str(traces))

    assert result.exit_code == 0, result.output
    document = json.loads(traces.read_text())
    assert {"key": "service.name", "value": {"stringValue": "orders"}} in (
        document["resourceSpans"][0]["resource"]["attributes"]
    )
    assert "Workflow" in {s["name"] for s in spans_of(traces)}


def test_both_views_fail_with_the_error_lambda_reports() -> None:
    with pytest.raises(PluginLoadError) as sdk:
        load_configured_plugins(
            None, environment={"DURABLE_EXECUTION_PLUGINS": "otel-invocation,otel-execution"}
        )

    result = run(TRACED, EVENT, "--env", "DURABLE_EXECUTION_PLUGINS=otel-invocation,otel-execution")

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"PluginLoadError: {sdk.value}" in result.stderr


def test_without_traces_the_plugin_still_loads_and_nothing_is_written(tmp_path: Path) -> None:
    result = run(
        TRACED, EVENT, "--env", "DURABLE_EXECUTION_PLUGINS=otel-invocation", "--history", str(tmp_path / "h")
    )

    assert result.exit_code == 0, result.output
    assert "Traces written" not in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h"]


def test_a_plugin_name_nobody_installed_is_the_sdks_error() -> None:
    result = run(TRACED, EVENT, "--env", "DURABLE_EXECUTION_PLUGINS=otel-nope")

    assert result.exit_code == 1
    assert "No durable instrumentation plugin provider named 'otel-nope'" in result.stderr


def test_traces_to_a_directory_is_a_one_line_error(tmp_path: Path) -> None:
    result = run(TRACED, EVENT, "--traces", str(tmp_path))

    assert result.exit_code == 1
    assert result.stderr == f"Error: --traces {tmp_path} is a directory: give a file path\n"
