"""DUR-E10: ``DURABLE_EXECUTION_PLUGINS`` names both OpenTelemetry views.

``otel-invocation`` and ``otel-execution`` share one exclusive group: the SDK raises
``PluginLoadError`` at cold start, so every invocation fails before the handler runs.
"""

from __future__ import annotations

from ... import platform as p
from .._template import Compliance, Resource, StackTemplate
from ._otel import env_text


def otel_both_views(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    plugins = env_text(resource, p.PLUGINS_ENV)
    if plugins is None:
        return Compliance.NOT_APPLICABLE
    names = {name.strip() for name in plugins.split(",")}
    views = names & set(p.OTEL_VIEWS.values())
    return Compliance.NON_COMPLIANT if len(views) > 1 else Compliance.COMPLIANT
