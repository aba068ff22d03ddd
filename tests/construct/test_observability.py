"""Metric helpers and the recommended alarms (DurableAlarms)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match

from cdk_durable.observability import DurableAlarms
from cdk_durable.platform import MAX_STORAGE_WRITTEN_BYTES, DurableMetric

from .conftest import durable, new_stack, resources_of, synth

HELPERS = {
    "metric_started": (DurableMetric.STARTED, "Sum"),
    "metric_succeeded": (DurableMetric.SUCCEEDED, "Sum"),
    "metric_failed": (DurableMetric.FAILED, "Sum"),
    "metric_timed_out": (DurableMetric.TIMED_OUT, "Sum"),
    "metric_stopped": (DurableMetric.STOPPED, "Sum"),
    "metric_duration": (DurableMetric.DURATION, "Average"),
    "metric_operations": (DurableMetric.OPERATIONS, "Maximum"),
    "metric_storage_written_bytes": (DurableMetric.STORAGE_WRITTEN_BYTES, "Maximum"),
    "metric_running": (DurableMetric.RUNNING, "Maximum"),
    "metric_running_utilization": (DurableMetric.RUNNING_UTILIZATION, "Maximum"),
}


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_metric_helpers_name_namespace_statistic_and_dimension(helper: str) -> None:
    stack = new_stack()
    fn = durable(stack)
    metric_enum, statistic = HELPERS[helper]
    metric = getattr(fn, helper)()
    assert metric.namespace == "AWS/Lambda"
    assert metric.metric_name == metric_enum.value
    assert metric.statistic == statistic
    assert metric.period.to_seconds() == 300
    dims = stack.resolve(metric.dimensions) if metric.dimensions else {}
    if metric_enum is DurableMetric.RUNNING_UTILIZATION:
        assert dims == {}  # account-level: "percentage of your account's ... quota"
    else:
        assert dims == {"FunctionName": {"Ref": stack.resolve(fn.function.node.default_child.logical_id)}}  # type: ignore[union-attr]


def test_metric_props_override_the_defaults() -> None:
    stack = new_stack()
    fn = durable(stack)
    metric = fn.metric_duration(
        statistic="p99", period=cdk.Duration.minutes(1), dimensions_map={"Resource": "x"}
    )
    assert (metric.statistic, metric.period.to_seconds(), metric.dimensions) == ("p99", 60, {"Resource": "x"})


@pytest.fixture(scope="module")
def alarms() -> tuple[cdk.Stack, DurableAlarms, dict[str, Any]]:
    stack = new_stack()
    fn = durable(stack)
    topic = sns.Topic(stack, "Oncall")
    extra = sns.Topic(stack, "Extra")
    created = fn.add_recommended_alarms(topic=topic)
    created.add_alarm_action(cw_actions.SnsAction(extra))
    template = synth(stack)
    return stack, created, resources_of(template, "AWS::CloudWatch::Alarm")


def test_recommended_alarms_are_failures_timeouts_utilization_and_storage(alarms: Any) -> None:
    _, created, resources = alarms
    by_metric = {r["Properties"]["MetricName"]: r["Properties"] for r in resources.values()}
    assert set(by_metric) == {
        "DurableExecutionFailed",
        "DurableExecutionTimedOut",
        "ApproximateRunningDurableExecutionsUtilization",
        "DurableExecutionStorageWrittenBytes",
    }
    assert by_metric["DurableExecutionFailed"]["Threshold"] == 1
    assert by_metric["DurableExecutionTimedOut"]["Threshold"] == 1
    assert by_metric["ApproximateRunningDurableExecutionsUtilization"]["Threshold"] == 80
    assert by_metric["DurableExecutionStorageWrittenBytes"]["Threshold"] == MAX_STORAGE_WRITTEN_BYTES * 0.8
    for props in by_metric.values():
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert props["TreatMissingData"] == "notBreaching"
        assert props["Namespace"] == "AWS/Lambda"
    assert len(created.alarms) == 4


def test_every_alarm_notifies_the_topic_and_added_actions(alarms: Any) -> None:
    stack, _, resources = alarms
    topic_ids = sorted(
        stack.resolve(c.node.default_child.logical_id)
        for c in stack.node.children
        if c.node.id in ("Oncall", "Extra")
    )
    for props in (r["Properties"] for r in resources.values()):
        assert sorted(a["Ref"] for a in props["AlarmActions"]) == topic_ids


def test_alarms_can_be_switched_off_one_by_one() -> None:
    stack = new_stack()
    fn = durable(stack)
    created = DurableAlarms(
        stack, "Alarms", target=fn, running_utilization_percent=None, storage_written_percent=None,
        failures_threshold=3, timeouts_threshold=None, period=cdk.Duration.minutes(1),
    )  # fmt: skip
    template = synth(stack)
    template.resource_count_is("AWS::CloudWatch::Alarm", 1)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "DurableExecutionFailed",
            "Threshold": 3,
            "Period": 60,
            "AlarmActions": Match.absent(),
        },
    )
    assert created.timed_out is None and created.failed is not None


def test_alarm_bounds_accept_the_edges() -> None:
    # 1 failure / timeout and 100 % are the allowed edges (0 and 101 are rejected in test_validation)
    stack = new_stack()
    created = DurableAlarms(
        stack, "Alarms", target=durable(stack), failures_threshold=1, timeouts_threshold=1,
        running_utilization_percent=100, storage_written_percent=100,
    )  # fmt: skip
    assert created.storage_written is not None and created.running_utilization is not None
    thresholds = sorted(stack.resolve(a.node.default_child.threshold) for a in created.alarms)  # type: ignore[union-attr]
    assert thresholds == [1, 1, 100, MAX_STORAGE_WRITTEN_BYTES]
