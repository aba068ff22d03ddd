"""What a durable function is to the rest of a CDK app: an ``aws_lambda.IFunction`` that stands for its
alias, plus the durable grants and metrics. Shared by :class:`~cdk_durable.DurableFunction` and the
imported durable function (:mod:`cdk_durable.imported`).

Every ``IFunction`` member goes to the **alias** (the qualified ARN): ``function_arn``, ``function_name``,
``grant_invoke``, ``add_permission``, ``add_event_source``, ``add_function_url``, ``metric_invocations``...
So whatever CDK integration a durable function is passed to (``apigw.LambdaIntegration(fn)``,
``targets.LambdaFunction(fn)``, ``sns_subs.LambdaSubscription(fn)``,
``tasks.LambdaInvoke(lambda_function=fn)``)
is wired to the alias and nothing else. Members that would reach the unqualified function or
``$LATEST``
(``latest_version``, ``grant_invoke_latest_version``) refuse with one line; the durable grants
(``grant_send_callback``, ``grant_read_executions``, ...) act on the function's executions (``<fn>:*``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Node

from . import _validation as v
from . import platform as p
from ._args import require, require_id
from .observability import durable_metric

if TYPE_CHECKING:  # pragma: no cover
    from .observability import DurableAlarms

_GRANTEE = "an iam.IGrantable (a role, a user, a function, ...)"


def _options(props: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keyword options from a jsii struct passed positionally (how CDK calls us) and/or keywords."""
    merged: dict[str, Any] = {}
    if props is not None:
        values = getattr(props, "_values", None)
        if not isinstance(values, dict):
            raise v.DurableValidationError(f"props must be a struct of options, got {type(props).__name__}")
        merged.update(values)
    merged.update(kwargs)
    return merged


class DurableFunctionFacade:
    """Mixin: ``IFunction`` members delegated to the alias, durable grants and metrics.

    The class using it sets ``alias`` (the qualified function), ``kms_key`` and implements
    ``_unqualified_arn(grantee)``, ``metric_function_name``, ``_execution_seconds`` and ``_function``
    (what owns the role, the VPC connections and the architecture).
    """

    alias: lambda_.IFunction
    kms_key: kms.IKey | None
    node: Node

    # --- hooks ---------------------------------------------------------------------------------------

    def _unqualified_arn(self, grantee: iam.IGrantable | None) -> str:
        raise NotImplementedError

    @property
    def metric_function_name(self) -> str:
        """The unqualified function name: the ``FunctionName`` dimension of the durable metrics."""
        raise NotImplementedError

    @property
    def _execution_seconds(self) -> float | None:
        """The execution timeout in seconds, or None when not known at synth (imported, a token)."""
        raise NotImplementedError

    @property
    def _function(self) -> lambda_.IFunction:
        raise NotImplementedError

    # --- IFunction: identity --------------------------------------------------------------------------

    @property
    def function_arn(self) -> str:
        """The alias ARN (``<function ARN>:<alias>``), the ARN every caller must use."""
        return self.alias.function_arn

    @property
    def function_name(self) -> str:
        """The alias's qualified name (``<name>:<alias>``); the bare name is ``metric_function_name``."""
        return self.alias.function_name

    @property
    def alias_arn(self) -> str:
        """The qualified ARN to invoke: ``<function ARN>:<alias_name>`` (same as ``function_arn``)."""
        return self.alias.function_arn

    @property
    def function_ref(self) -> Any:
        return self.alias.function_ref

    @property
    def resource_arns_for_grant_invoke(self) -> list[str]:
        return list(self.alias.resource_arns_for_grant_invoke)

    @property
    def permissions_node(self) -> Node:
        return self.alias.permissions_node

    @property
    def latest_version(self) -> lambda_.IVersion:
        raise v.DurableValidationError(
            "latest_version is $LATEST, which a durable function cannot be invoked through: use the "
            "durable function itself (it stands for its alias), fn.alias or fn.version"
        )

    @property
    def role(self) -> iam.IRole | None:
        return self._function.role

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The execution role: ``other.grant_invoke(durable_fn)`` lets this handler call ``other``."""
        return self._function.grant_principal

    @property
    def connections(self) -> ec2.Connections:
        return self._function.connections

    @property
    def is_bound_to_vpc(self) -> bool:
        return self._function.is_bound_to_vpc

    @property
    def architecture(self) -> lambda_.Architecture:
        return self._function.architecture

    @property
    def tenancy_config(self) -> Any:
        return self._function.tenancy_config

    @property
    def env(self) -> Any:
        return self.alias.env

    @property
    def stack(self) -> cdk.Stack:
        return cdk.Stack.of(self.alias)

    # --- IFunction: wiring ------------------------------------------------------------------------------

    def add_permission(self, id: str, permission: lambda_.Permission | None = None, **kwargs: Any) -> None:
        """A resource-policy statement on the alias (``lambda_.Permission`` or its options as keywords)."""
        require_id(id)
        if permission is None:
            permission = lambda_.Permission(**kwargs)
        require(permission, lambda_.Permission, "permission", "a lambda_.Permission")
        self.alias.add_permission(id, **_options(permission, {}))

    def add_to_role_policy(self, statement: iam.PolicyStatement) -> None:
        """A statement on the execution role (what the handler may call)."""
        require(statement, iam.PolicyStatement, "statement", "an iam.PolicyStatement")
        self._function.add_to_role_policy(statement)

    def add_event_source(self, source: lambda_.IEventSource) -> None:
        """Attach an event source to the alias.

        Raises when ``execution_timeout`` exceeds 15 minutes (event source mappings invoke synchronously):
        use :class:`cdk_durable.AsyncStarter` for those.
        """
        require(source, lambda_.IEventSource, "source", "a lambda_.IEventSource (aws_lambda_event_sources)")
        seconds = self._execution_seconds
        if seconds is not None:
            v.check_sync_event_source(seconds, source=f"event source {type(source).__name__}")
        self.alias.add_event_source(source)

    def add_event_source_mapping(
        self, id: str, options: lambda_.EventSourceMappingOptions | None = None, **kwargs: Any
    ) -> lambda_.EventSourceMapping:
        """An event source mapping on the alias (refused beyond a 15-minute execution, as above)."""
        require_id(id)
        seconds = self._execution_seconds
        if seconds is not None:
            v.check_sync_event_source(seconds, source=f"event source mapping {id!r}")
        return self.alias.add_event_source_mapping(id, **_options(options, kwargs))

    def add_function_url(
        self, options: lambda_.FunctionUrlOptions | None = None, **kwargs: Any
    ) -> lambda_.FunctionUrl:
        """A function URL on the alias. Function URLs invoke synchronously: refused when the execution
        timeout exceeds 15 minutes."""
        seconds = self._execution_seconds
        if seconds is not None:
            v.check_sync_invoker(seconds, invoker="a function URL (add_function_url)")
        return self.alias.add_function_url(**_options(options, kwargs))

    def configure_async_invoke(
        self, options: lambda_.EventInvokeConfigOptions | None = None, **kwargs: Any
    ) -> None:
        """Retries and event age of asynchronous invocations (on the alias). Destinations are refused:
        durable functions do not support them."""
        opts = _options(options, kwargs)
        for destination in ("on_success", "on_failure"):
            if opts.get(destination) is not None:
                raise v.DurableValidationError(
                    f"configure_async_invoke({destination}=...) is not allowed on a durable function: Lambda "
                    "destinations are not supported for durable functions; use the dead-letter queue or "
                    "on_status_change()"
                )
        self.alias.configure_async_invoke(**opts)

    def apply_removal_policy(self, policy: cdk.RemovalPolicy) -> None:
        """Removal policy of the function and its alias (versions follow ``version_removal_policy``)."""
        require(policy, cdk.RemovalPolicy, "policy", "a cdk.RemovalPolicy")
        self._function.apply_removal_policy(policy)
        self.alias.apply_removal_policy(policy)

    # --- IFunction: invoke grants (all on the alias) -----------------------------------------------------

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """``lambda:InvokeFunction`` on the alias only (service principals get a permission on the alias)."""
        require(grantee, iam.IGrantable, "grantee", _GRANTEE)
        return self.alias.grant_invoke(grantee)

    def grant_invoke_composite_principal(
        self, composite_principal: iam.CompositePrincipal
    ) -> list[iam.Grant]:
        require(
            composite_principal, iam.CompositePrincipal, "composite_principal", "an iam.CompositePrincipal"
        )
        return list(self.alias.grant_invoke_composite_principal(composite_principal))

    def grant_invoke_url(self, grantee: iam.IGrantable) -> iam.Grant:
        require(grantee, iam.IGrantable, "grantee", _GRANTEE)
        return self.alias.grant_invoke_url(grantee)

    def grant_invoke_version(self, grantee: iam.IGrantable, version: lambda_.IVersion) -> iam.Grant:
        """``lambda:InvokeFunction`` on one published version (qualified, so allowed)."""
        require(grantee, iam.IGrantable, "grantee", _GRANTEE)
        require(version, lambda_.IVersion, "version", "a lambda_.IVersion")
        return self._function.grant_invoke_version(grantee, version)

    def grant_invoke_latest_version(self, grantee: iam.IGrantable) -> iam.Grant:
        raise v.DurableValidationError(
            "grant_invoke_latest_version grants on $LATEST, which a durable function cannot be invoked "
            "through: use grant_invoke (the alias)"
        )

    # --- durable grants (on the function's executions) ---------------------------------------------------

    def grant_send_callback(self, grantee: iam.IGrantable) -> iam.Grant:
        """``SendDurableExecutionCallbackSuccess/Failure/Heartbeat`` on this function's executions."""
        return self._grant_on_executions(grantee, p.CALLBACK_ACTIONS)

    def grant_read_executions(self, grantee: iam.IGrantable) -> iam.Grant:
        """``GetDurableExecution``, ``GetDurableExecutionHistory`` on executions and
        ``ListDurableExecutionsByFunction`` on the function."""
        get_actions = tuple(a for a in p.READ_EXECUTION_ACTIONS if a != p.LIST_EXECUTIONS_ACTION)
        grant = self._grant_on_executions(grantee, get_actions)
        listing = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=[p.LIST_EXECUTIONS_ACTION],
            resource_arns=[self._unqualified_arn(grantee), self._execution_arns(grantee)],
        )
        return grant.combine(listing)

    def grant_stop_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """``StopDurableExecution`` on this function's executions."""
        return self._grant_on_executions(grantee, p.STOP_EXECUTION_ACTIONS)

    def grant_pause_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """``PauseDurableExecution`` and ``ResumeDurableExecution`` on this function's executions.

        No ``kms:Decrypt`` with ``kms_key``: AWS lists the callers that read execution data (get, history,
        callbacks, stop) as needing it, and pausing is not among them.
        """
        return self._grant_on_executions(grantee, p.PAUSE_EXECUTION_ACTIONS, decrypt=False)

    def grant_delete_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """``DeleteDurableExecution`` on this function's executions (Lambda deletes terminal ones only).

        No ``kms:Decrypt`` with ``kms_key`` (deleting does not read execution data).
        """
        return self._grant_on_executions(grantee, p.DELETE_EXECUTION_ACTIONS, decrypt=False)

    def _execution_arns(self, grantee: iam.IGrantable) -> str:
        return f"{self._unqualified_arn(grantee)}{p.EXECUTION_ARN_SUFFIX}"

    def _grant_on_executions(
        self, grantee: iam.IGrantable, actions: Sequence[str], *, decrypt: bool = True
    ) -> iam.Grant:
        require(grantee, iam.IGrantable, "grantee", _GRANTEE)
        grant = iam.Grant.add_to_principal(
            grantee=grantee, actions=list(actions), resource_arns=[self._execution_arns(grantee)]
        )
        if decrypt and self.kms_key is not None:  # readers/senders of execution data decrypt it
            grant = grant.combine(self.kms_key.grant(grantee, *p.KMS_READER_ACTIONS))
        return grant

    # --- metrics --------------------------------------------------------------------------------------------

    def metric(
        self, metric: p.DurableMetric | str, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        """A durable metric (``DurableMetric``, dimension ``FunctionName``) or, given a metric name
        (``"Errors"``, as ``IFunction.metric`` takes it), that Lambda metric of the alias.
        ``props`` / keywords: ``cloudwatch.MetricOptions`` such as ``period``, ``statistic``."""
        options = _options(props, kwargs)
        if isinstance(metric, str) and not isinstance(metric, p.DurableMetric):
            durable = {m.value: m for m in p.DurableMetric}.get(metric)
            if durable is None:  # a Lambda metric of the alias (Errors, Invocations, ...)
                return self.alias.metric(metric, **options)
            metric = durable
        return durable_metric(self.metric_function_name, metric, **options)

    def metric_started(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.STARTED, props, **kwargs)

    def metric_succeeded(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.SUCCEEDED, props, **kwargs)

    def metric_failed(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.FAILED, props, **kwargs)

    def metric_timed_out(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.TIMED_OUT, props, **kwargs)

    def metric_stopped(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.STOPPED, props, **kwargs)

    def metric_duration(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        """``DurableExecutionDuration`` (how long executions take, end to end). The per-invocation
        Lambda ``Duration`` metric is ``fn.alias.metric_duration()``."""
        return self.metric(p.DurableMetric.DURATION, props, **kwargs)

    def metric_operations(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.OPERATIONS, props, **kwargs)

    def metric_storage_written_bytes(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.STORAGE_WRITTEN_BYTES, props, **kwargs)

    def metric_running(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.RUNNING, props, **kwargs)

    def metric_running_utilization(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.RUNNING_UTILIZATION, props, **kwargs)

    def metric_errors(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        """Lambda ``Errors`` of the alias (invocations that failed, not executions)."""
        return self.alias.metric_errors(**_options(props, kwargs))

    def metric_invocations(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        """Lambda ``Invocations`` of the alias (replays included)."""
        return self.alias.metric_invocations(**_options(props, kwargs))

    def metric_throttles(
        self, props: cloudwatch.MetricOptions | None = None, **kwargs: Any
    ) -> cloudwatch.Metric:
        """Lambda ``Throttles`` of the alias."""
        return self.alias.metric_throttles(**_options(props, kwargs))

    def add_recommended_alarms(self, id: str = "Alarms", **props: Any) -> DurableAlarms:
        """Create :class:`DurableAlarms` for this function (``props``: topic, alarm_actions, thresholds)."""
        from .observability import DurableAlarms

        require_id(id)
        return DurableAlarms(self, id, target=self, **props)  # type: ignore[arg-type]
