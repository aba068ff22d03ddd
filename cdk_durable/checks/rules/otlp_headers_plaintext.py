"""DUR-E13: ``OTEL_EXPORTER_OTLP_HEADERS`` is a plaintext value in the template.

The headers carry the backend's API key. AWS's community exporter profile treats them as a secret: a
Secrets Manager dynamic reference (``{{resolve:secretsmanager:...}}``) or a ``NoEcho`` parameter keeps
the value out of the template. A ``Ref`` (a parameter) is not a literal and passes.
"""

from __future__ import annotations

from ... import platform as p
from .._template import Compliance, Resource, StackTemplate
from ._otel import environment, text_of

_SECRET_REFERENCE = "{{resolve:secretsmanager:"


def otlp_headers_plaintext(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function or p.ENV_OTLP_HEADERS not in environment(resource):
        return Compliance.NOT_APPLICABLE
    text = text_of(environment(resource)[p.ENV_OTLP_HEADERS])
    if text is None or _SECRET_REFERENCE in text:
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT
