"""CloudWatch metrics and the alarms AWS recommends for durable functions.

Metric names come from :class:`cdk_durable.platform.DurableMetric` (namespace ``AWS/Lambda``).

Dimension choice: the durable-monitoring page lists the metrics but not their dimensions. Lambda's
per-function metrics use ``FunctionName`` (all versions and aliases together), so the per-execution
metrics here use ``FunctionName`` too. ``ApproximateRunningDurableExecutionsUtilization`` is documented
as "percentage of your *account's* maximum running durable executions quota", so it is an account-level
metric and is emitted here without dimensions. Both can be overridden with ``dimensions_map=``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct

from . import platform as p
from ._args import require, require_duration, require_optional
from ._validation import DurableValidationError

#: Warning id (acknowledge with ``Annotations.of(x).acknowledge_warning(id)``).
ANN_ALARM_TOPIC_KEY = "cdk-durable:alarm-topic-key"


class AlarmTarget(Protocol):
    """What :class:`DurableAlarms` needs of its target: a function name for the metrics.

    ``DurableFunction`` satisfies it. A protocol instead of the class keeps this module independent of
    ``durable_function`` (which imports this one): no import cycle, not even for type checkers.
    """

    @property
    def function_name(self) -> str: ...


def _metric_name_of(target: AlarmTarget) -> str:
    """The ``FunctionName`` dimension: a durable function's unqualified name (its ``function_name`` is
    the alias's qualified name), any other function's ``function_name``."""
    name = getattr(target, "metric_function_name", None)
    return name if isinstance(name, str) else target.function_name


#: Metrics that describe the whole account (no FunctionName dimension).
ACCOUNT_LEVEL_METRICS = p.ACCOUNT_LEVEL_METRICS

#: Default statistic per metric: counts are summed, sizes and gauges take the maximum.
DEFAULT_STATISTIC: Mapping[p.DurableMetric, str] = {
    p.DurableMetric.STARTED: "Sum",
    p.DurableMetric.SUCCEEDED: "Sum",
    p.DurableMetric.FAILED: "Sum",
    p.DurableMetric.TIMED_OUT: "Sum",
    p.DurableMetric.STOPPED: "Sum",
    p.DurableMetric.DURATION: "Average",
    p.DurableMetric.OPERATIONS: "Maximum",
    p.DurableMetric.STORAGE_WRITTEN_BYTES: "Maximum",
    p.DurableMetric.RUNNING: "Maximum",
    p.DurableMetric.RUNNING_UTILIZATION: "Maximum",
}


def durable_metric(function_name: str, metric: p.DurableMetric, **props: Any) -> cloudwatch.Metric:
    """A CloudWatch metric for one durable function (``props`` are ``cloudwatch.MetricProps`` options).

    Default: statistic from :data:`DEFAULT_STATISTIC`, period 5 minutes, dimension
    ``FunctionName=<function_name>`` (none for account-level metrics).
    """
    if not isinstance(metric, p.DurableMetric):
        allowed = ", ".join(m.name for m in p.DurableMetric)
        raise DurableValidationError(f"metric must be a DurableMetric ({allowed}), got {metric!r}")
    if "dimensions_map" not in props:
        props["dimensions_map"] = (
            {} if metric in ACCOUNT_LEVEL_METRICS else {p.METRIC_DIMENSION: function_name}
        )
    props.setdefault("statistic", DEFAULT_STATISTIC[metric])
    return cloudwatch.Metric(namespace=p.METRIC_NAMESPACE, metric_name=metric.value, **props)


class DurableAlarms(Construct):
    """The alarms AWS recommends for a durable function, in one call.

    - ``failed``: ``DurableExecutionFailed`` (Sum) >= ``failures_threshold`` in one period.
    - ``timed_out``: ``DurableExecutionTimedOut`` (Sum) >= ``timeouts_threshold`` in one period.
    - ``running_utilization``: ``ApproximateRunningDurableExecutionsUtilization`` (Maximum) >=
      ``running_utilization_percent`` (account-level; set ``running_utilization_percent=None`` on all
      but one function to avoid duplicate alarms).
    - ``storage_written``: ``DurableExecutionStorageWrittenBytes`` (Maximum) >= ``storage_written_percent``
      of the 100 MB per-execution limit.

    Missing data is "not breaching" (no executions is not a problem). Every alarm sends to ``topic``
    (an SNS topic) and to each of ``alarm_actions``; :meth:`add_alarm_action` adds more later.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        target: AlarmTarget,
        topic: sns.ITopic | None = None,
        alarm_actions: Sequence[cloudwatch.IAlarmAction] = (),
        period: cdk.Duration | None = None,
        failures_threshold: int | None = 1,
        timeouts_threshold: int | None = 1,
        running_utilization_percent: float | None = 80,
        storage_written_percent: float | None = 80,
    ) -> None:
        super().__init__(scope, id)
        require_optional(
            topic, sns.ITopic, "topic", "an sns.ITopic (e.g. sns.Topic(...) or sns.Topic.from_topic_arn(...))"
        )
        if isinstance(alarm_actions, str) or not isinstance(alarm_actions, Sequence):
            raise DurableValidationError(
                f"alarm_actions must be a list of cloudwatch.IAlarmAction, got {type(alarm_actions).__name__}"
            )
        for i, action in enumerate(alarm_actions):
            require(
                action,
                cloudwatch.IAlarmAction,
                f"alarm_actions[{i}]",
                "a cloudwatch.IAlarmAction (e.g. SnsAction(topic))",
            )
        if period is not None:
            require_duration(period, "period")
        period = period or cdk.Duration.minutes(5)
        for name, count in (
            ("failures_threshold", failures_threshold),
            ("timeouts_threshold", timeouts_threshold),
        ):
            if count is not None and (not isinstance(count, int) or count < 1):
                raise DurableValidationError(
                    f"{name} must be a whole number >= 1 (or None to skip), got {count!r}"
                )
        for name, pct in (
            ("running_utilization_percent", running_utilization_percent),
            ("storage_written_percent", storage_written_percent),
        ):
            if pct is not None and not 0 < pct <= 100:
                raise DurableValidationError(
                    f"{name} must be above 0 and at most 100 (or None to skip), got {pct!r}"
                )

        self.failed: cloudwatch.Alarm | None = None
        self.timed_out: cloudwatch.Alarm | None = None
        self.running_utilization: cloudwatch.Alarm | None = None
        self.storage_written: cloudwatch.Alarm | None = None
        fname = _metric_name_of(target)

        def alarm(alarm_id: str, metric: p.DurableMetric, threshold: float, what: str) -> cloudwatch.Alarm:
            return durable_metric(fname, metric, period=period).create_alarm(
                self,
                alarm_id,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=what,
            )

        if failures_threshold is not None:
            self.failed = alarm(
                "Failed", p.DurableMetric.FAILED, failures_threshold, "Durable executions failed"
            )
        if timeouts_threshold is not None:
            self.timed_out = alarm(
                "TimedOut", p.DurableMetric.TIMED_OUT, timeouts_threshold, "Durable executions timed out"
            )
        if running_utilization_percent is not None:
            self.running_utilization = alarm(
                "RunningUtilization",
                p.DurableMetric.RUNNING_UTILIZATION,
                running_utilization_percent,
                "Running durable executions are close to the account quota",
            )
        if storage_written_percent is not None:
            self.storage_written = alarm(
                "StorageWritten",
                p.DurableMetric.STORAGE_WRITTEN_BYTES,
                p.MAX_STORAGE_WRITTEN_BYTES * storage_written_percent / 100,
                "A durable execution is close to the 100 MB written-data limit",
            )
        if topic is not None:
            self.add_alarm_action(cw_actions.SnsAction(topic))
            self._allow_cloudwatch_to_use_key(topic)
        for action in alarm_actions:
            self.add_alarm_action(action)

    def _allow_cloudwatch_to_use_key(self, topic: sns.ITopic) -> None:
        """A topic encrypted with a customer managed key drops CloudWatch's notifications unless the key
        policy lets CloudWatch use the key: add that statement, or warn when the key is imported."""
        key = getattr(topic, "master_key", None)
        if key is None:
            return
        added = key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal(p.CLOUDWATCH_SERVICE_PRINCIPAL)],
                actions=list(p.ALARM_TOPIC_KMS_ACTIONS),
                resources=["*"],
            ),
            allow_no_op=True,
        )
        if not added.statement_added:
            cdk.Annotations.of(self).add_warning_v2(
                ANN_ALARM_TOPIC_KEY,
                "topic is encrypted with an imported KMS key whose policy cannot be changed here: allow the "
                f"{p.CLOUDWATCH_SERVICE_PRINCIPAL} service principal {', '.join(p.ALARM_TOPIC_KMS_ACTIONS)} "
                "on it, or the alarms' notifications are dropped",
            )

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The alarms that were created, in a fixed order."""
        return [
            a
            for a in (self.failed, self.timed_out, self.running_utilization, self.storage_written)
            if a is not None
        ]

    def add_alarm_action(self, *actions: cloudwatch.IAlarmAction) -> None:
        """Add actions (e.g. ``cloudwatch_actions.SnsAction(topic)``) to every alarm."""
        for a in self.alarms:
            a.add_alarm_action(*actions)
