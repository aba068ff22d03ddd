"""DUR-W3: an OpenTelemetry layer is attached but ``AWS_LAMBDA_EXEC_WRAPPER`` does not name its wrapper.

Without the wrapper the layer's SDK never starts: no provider is installed, the durable OTel plugin
records into a no-op tracer and traces are dropped silently.
"""

from __future__ import annotations

from .._template import Compliance, Resource, StackTemplate
from ._otel import is_otel_layer, layers, otel_wrapper


def otel_layer_without_wrapper(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function or not any(is_otel_layer(layer) for layer in layers(resource)):
        return Compliance.NOT_APPLICABLE
    return Compliance.COMPLIANT if otel_wrapper(resource) is not None else Compliance.NON_COMPLIANT
