"""``cdk-durable run --traces FILE``: the OpenTelemetry spans of a local run, as OTLP JSON.

Plugins load as on Lambda with no help from here: each worker process imports the handler with the
function's environment, so ``@durable_execution`` reads ``DURABLE_EXECUTION_PLUGINS`` (from ``--env``
or the template) once per worker, which is Lambda's cold start, and a handler naming both OTel views
fails with the SDK's own ``PluginLoadError``. What Lambda's OpenTelemetry layer adds - a global
``TracerProvider`` started before the handler - this module adds in each worker when ``--traces`` is
given (:func:`install_in_worker`): spans are appended, one JSON line each, to a file per worker in a
run directory; :func:`write_otlp_json` folds them into one OTLP/JSON ``ExportTraceServiceRequest``.

The OTLP/JSON encoding is written here (about 40 lines) rather than through the protobuf JSON mapping:
OTLP/JSON requires hex trace and span ids and integer enums, where protobuf's mapping gives base64.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .inputs import LocalRunError

#: Names the worker's span directory; set by ``run`` and removed from the handler's environment.
ENV_TRACES_DIR = "CDK_DURABLE_TRACES_DIR"
_SPANS_SUFFIX = ".spans.jsonl"


# --- worker side ------------------------------------------------------------------------------------


def install_in_worker(environ: Any = None) -> None:
    """Install a ``TracerProvider`` that appends finished spans to this worker's file (``--traces``).

    Runs before the handler is imported, as the layer's wrapper does on Lambda. Without
    ``CDK_DURABLE_TRACES_DIR`` it does nothing.
    """
    env = os.environ if environ is None else environ
    directory = env.pop(ENV_TRACES_DIR, None)
    if not directory:
        return
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    service = env.get("OTEL_SERVICE_NAME") or env.get("AWS_LAMBDA_FUNCTION_NAME") or "durable-function"
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    path = Path(directory) / f"{os.getpid()}{_SPANS_SUFFIX}"
    provider.add_span_processor(SimpleSpanProcessor(_json_lines_exporter(path)))
    trace.set_tracer_provider(provider)


def _json_lines_exporter(path: Path) -> Any:
    """A ``SpanExporter`` that appends each span as one OTLP/JSON line (with its resource and scope).
    Defined on use: the OpenTelemetry SDK is only needed with ``--traces``."""
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    class JsonLinesExporter(SpanExporter):
        def export(self, spans: Sequence[Any]) -> SpanExportResult:
            with path.open("a", encoding="utf-8") as out:
                for span in spans:
                    out.write(json.dumps(_line(span), separators=(",", ":")) + "\n")
            return SpanExportResult.SUCCESS

    return JsonLinesExporter()


def _line(span: Any) -> dict[str, Any]:
    scope = span.instrumentation_scope
    return {
        "resource": _attributes(span.resource.attributes),
        "scope": {"name": scope.name if scope else "", "version": (scope.version if scope else None) or ""},
        "span": otlp_span(span),
    }


def otlp_span(span: Any) -> dict[str, Any]:
    """One ReadableSpan in the OTLP/JSON encoding (hex ids, nanoseconds as strings, integer enums)."""
    ctx = span.context
    out: dict[str, Any] = {
        "traceId": f"{ctx.trace_id:032x}",
        "spanId": f"{ctx.span_id:016x}",
        "name": span.name,
        "kind": span.kind.value + 1,  # OTLP counts SPAN_KIND_UNSPECIFIED as 0
        "startTimeUnixNano": str(span.start_time),
        "endTimeUnixNano": str(span.end_time),
        "attributes": _attributes(span.attributes or {}),
        "status": {"code": span.status.status_code.value},
    }
    if span.parent is not None:
        out["parentSpanId"] = f"{span.parent.span_id:016x}"
    if span.status.description:
        out["status"]["message"] = span.status.description
    if span.events:
        out["events"] = [
            {"timeUnixNano": str(e.timestamp), "name": e.name, "attributes": _attributes(e.attributes or {})}
            for e in span.events
        ]
    if span.links:
        out["links"] = [
            {
                "traceId": f"{link.context.trace_id:032x}",
                "spanId": f"{link.context.span_id:016x}",
                "attributes": _attributes(link.attributes or {}),
            }
            for link in span.links
        ]
    return out


def _attributes(attributes: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "value": _any_value(value)} for key, value in attributes.items()]


def _any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": {"values": [_any_value(v) for v in value]}}
    return {"stringValue": str(value)}


# --- parent side ----------------------------------------------------------------------------------------


def start(traces_file: str) -> Path:
    """The span directory for a run with ``--traces``; checks the OpenTelemetry SDK is installed."""
    try:
        import opentelemetry.sdk.trace  # noqa: F401
    except ImportError:
        raise LocalRunError(
            "--traces needs the OpenTelemetry SDK: pip install 'cdk-durable[local]' "
            "(or opentelemetry-sdk) into the environment run uses"
        ) from None
    target = Path(traces_file)
    if target.is_dir():
        raise LocalRunError(f"--traces {traces_file} is a directory: give a file path")
    directory = Path(tempfile.mkdtemp(prefix="cdk-durable-spans-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)  # also when the run fails
    return directory


def with_span_dir(spec: Any, targets: Sequence[Any], directory: Path) -> tuple[Any, list[Any]]:
    """The function and its invoke targets, each told where its workers write spans."""
    extra = {ENV_TRACES_DIR: str(directory)}
    return spec.with_environment(extra), [t.with_environment(extra) for t in targets]


def collect(directory: Path) -> dict[str, Any]:
    """Every span the workers wrote, as one OTLP/JSON ``ExportTraceServiceRequest``."""
    grouped: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob(f"*{_SPANS_SUFFIX}")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            line = json.loads(raw)
            key = json.dumps([line["resource"], line["scope"]], sort_keys=True)
            group = grouped.setdefault(
                key, {"resource": line["resource"], "scope": line["scope"], "spans": []}
            )
            group["spans"].append(line["span"])
    by_resource: dict[str, dict[str, Any]] = {}
    for group in grouped.values():
        key = json.dumps(group["resource"], sort_keys=True)
        entry = by_resource.setdefault(key, {"resource": {"attributes": group["resource"]}, "scopeSpans": []})
        spans = sorted(group["spans"], key=lambda s: (int(s["startTimeUnixNano"]), s["spanId"]))
        entry["scopeSpans"].append({"scope": group["scope"], "spans": spans})
    return {"resourceSpans": list(by_resource.values())}


def write_otlp_json(directory: Path, traces_file: str) -> int:
    """Write the spans to ``traces_file`` (whole or not at all), remove the directory; the span count."""
    document = collect(directory)
    count = sum(len(s["spans"]) for r in document["resourceSpans"] for s in r["scopeSpans"])
    target = Path(traces_file)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", delete=False
        ) as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        os.replace(handle.name, target)
    except OSError as e:
        raise LocalRunError(f"cannot write --traces file {traces_file}: {e.strerror}") from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return count
