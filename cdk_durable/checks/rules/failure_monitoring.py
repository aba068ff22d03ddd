"""DUR-W2: nothing in the stack watches a durable function's failures.

A failed or timed-out execution does not surface anywhere by itself. Compliant when the stack has an
EventBridge rule on ``Durable Execution Status Change`` events (source ``aws.lambda``) that can match
this function's FAILED or TIMED_OUT executions (no ``detail-type`` filter, no ``status`` filter or a
content filter on it count as matching), or a CloudWatch alarm on ``DurableExecutionFailed`` /
``DurableExecutionTimedOut`` for this function (or for all functions: no ``FunctionName`` dimension).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import platform as p
from .._template import Compliance, Resource, StackTemplate, as_list

_FAILURE_STATUSES = {s.value for s in p.FAILURE_STATUSES}
_FAILURE_METRICS = {p.DurableMetric.FAILED.value, p.DurableMetric.TIMED_OUT.value}


def _matches_function(values: Any, resource: Resource, stack: StackTemplate) -> bool:
    if values is None:
        return True
    return any(
        t.function_id == resource.logical_id and t.stack is None for t in stack.function_targets(values)
    )


def _rule_watches(rule: Resource, resource: Resource, stack: StackTemplate) -> bool:
    if rule.properties.get("State") in ("DISABLED",):
        return False
    pattern = rule.properties.get("EventPattern")
    if not isinstance(pattern, Mapping):
        return False
    if p.EVENT_SOURCE not in as_list(pattern.get("source")):
        return False
    detail_types = pattern.get("detail-type")
    if detail_types is not None and p.STATUS_CHANGE_DETAIL_TYPE not in as_list(detail_types):
        return False
    detail = pattern.get("detail")
    detail = detail if isinstance(detail, Mapping) else {}
    statuses = as_list(detail.get("status"))
    # Literal statuses must include a failure; content filters (anything-but, prefix) may match one.
    if statuses and all(isinstance(s, str) for s in statuses) and not _FAILURE_STATUSES & set(statuses):
        return False
    return _matches_function(detail.get("functionArn"), resource, stack)


def _metric_watches(metric: Mapping[str, Any], resource: Resource, stack: StackTemplate) -> bool:
    if metric.get("Namespace") != p.METRIC_NAMESPACE or metric.get("MetricName") not in _FAILURE_METRICS:
        return False
    dims = [d for d in as_list(metric.get("Dimensions")) if isinstance(d, Mapping)]
    values = [d.get("Value") for d in dims if d.get("Name") == p.METRIC_DIMENSION]
    return not values or _matches_function(values, resource, stack)


def _alarm_watches(alarm: Resource, resource: Resource, stack: StackTemplate) -> bool:
    metrics: list[Mapping[str, Any]] = [alarm.properties]
    for query in as_list(alarm.properties.get("Metrics")):
        if isinstance(query, Mapping):
            m = query.get("MetricStat")
            if isinstance(m, Mapping) and isinstance(m.get("Metric"), Mapping):
                metrics.append(m["Metric"])
    return any(_metric_watches(m, resource, stack) for m in metrics)


def failure_monitoring(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    if any(_rule_watches(r, resource, stack) for r in stack.of_type("AWS::Events::Rule")):
        return Compliance.COMPLIANT
    if any(_alarm_watches(a, resource, stack) for a in stack.of_type("AWS::CloudWatch::Alarm")):
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT
