"""DUR-E11: ``AWS_LAMBDA_EXEC_WRAPPER`` names an OpenTelemetry wrapper but the function has no layer.

``/opt/otel-instrument`` (or ``/opt/otel-handler``) comes from the layer; without one Lambda cannot
start the runtime and every invocation fails.
"""

from __future__ import annotations

from .._template import Compliance, Resource, StackTemplate
from ._otel import layers, otel_wrapper


def otel_wrapper_without_layer(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function or otel_wrapper(resource) is None:
        return Compliance.NOT_APPLICABLE
    # Any layer may carry the wrapper (a layer ARN from a parameter cannot be read): only none fails.
    return Compliance.COMPLIANT if layers(resource) else Compliance.NON_COMPLIANT
