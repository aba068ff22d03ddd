"""DUR-E12: traces go to X-Ray (ADOT layer or the ``xray`` propagator) but the role cannot write them.

The execution role needs ``xray:PutTraceSegments`` and ``xray:PutTelemetryRecords`` (or the managed
``AWSXRayDaemonWriteAccess``); without them every export is refused and traces are lost. Roles defined
outside the stack cannot be inspected: not applicable.
"""

from __future__ import annotations

from .._template import Compliance, Resource, StackTemplate
from ._otel import on_xray_path, role_can_write_xray


def xray_tracing_without_permission(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function or not on_xray_path(resource):
        return Compliance.NOT_APPLICABLE
    allowed = role_can_write_xray(resource, stack)
    if allowed is None:
        return Compliance.NOT_APPLICABLE
    return Compliance.COMPLIANT if allowed else Compliance.NON_COMPLIANT
