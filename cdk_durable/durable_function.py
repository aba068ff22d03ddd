"""``DurableFunction``: an AWS Lambda durable function deployed correctly by default.

Builds on ``lambda_.Function(durable_config=...)`` and adds what the L2 lacks: a version (retained on
update, so suspended executions can still replay on it) and an alias that every wiring uses, the
durable managed policy on any role, synth-time validation, durable grants, status-change rules, metrics
and alarms, a dead-letter queue, KMS for execution data, outputs and the replay-model lint. Platform
facts come from :mod:`cdk_durable.platform`, bounds and messages from :mod:`cdk_durable._validation`.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from . import _validation as v
from . import platform as p
from .observability import DurableAlarms, durable_metric

__all__ = ["DeadLetterQueueMode", "DurableFunction", "DurableFunctionProps", "ReplayLint"]

#: Retention of the dead-letter queue the construct creates (SQS maximum).
DLQ_RETENTION: cdk.Duration = cdk.Duration.days(14)

#: Annotation ids (acknowledge with ``Annotations.of(x).acknowledge_warning(id)``).
ANN_PINNED_NAME = "cdk-durable:pinned-function-name"
ANN_REPLAY_LINT = "cdk-durable:replay-lint"
ANN_KMS_POLICY = "cdk-durable:kms-key-policy"
ANN_ROLE_POLICY = "cdk-durable:role-policy"
ANN_VERSION_DESTROY = "cdk-durable:version-removal-destroy"

#: ``version_removal_policy`` values that a Lambda version supports (SNAPSHOT does not apply to it).
VERSION_REMOVAL_POLICIES: tuple[cdk.RemovalPolicy, ...] = (
    cdk.RemovalPolicy.RETAIN,
    cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    cdk.RemovalPolicy.DESTROY,
)


class DeadLetterQueueMode(enum.Enum):
    """What happens to asynchronous invocations Lambda could not start."""

    #: Create an SQS queue (SQS-managed encryption, TLS enforced, 14-day retention). The default.
    CREATE = "CREATE"
    #: No dead-letter queue (events Lambda could not deliver are dropped after the retries).
    NONE = "NONE"


class ReplayLint(enum.Enum):
    """How replay-model findings in the handler's source are reported at synth."""

    #: Each finding is a warning annotation (``cdk synth --strict`` fails on them). The default.
    WARN = "WARN"
    #: Each finding is an error annotation (synthesis fails).
    ERROR = "ERROR"
    #: Do not lint.
    OFF = "OFF"


class DurableFunctionProps(TypedDict, total=False):
    """The keyword arguments of :class:`DurableFunction` that it handles itself.

    For building props in code: ``DurableFunction(self, "Fn", **props)``. Any other
    ``lambda_.Function`` option is passed through unchanged (``**function_props``).
    """

    code: lambda_.Code
    handler: str
    execution_timeout: cdk.Duration
    runtime: lambda_.Runtime
    retention_period: cdk.Duration
    timeout: cdk.Duration
    alias_name: str
    role: iam.IRole
    kms_key: kms.IKey
    memory_size: int
    environment: Mapping[str, str]
    function_name: str
    description: str
    dead_letter_queue: sqs.IQueue
    dead_letter_queue_mode: DeadLetterQueueMode
    max_event_age: cdk.Duration
    retry_attempts: int
    provisioned_concurrent_executions: int
    allow_custom_runtime: bool
    replay_lint: ReplayLint
    version_removal_policy: cdk.RemovalPolicy


# Function options the construct owns (error when passed through), with the reason.
_REFUSED_OPTIONS: Mapping[str, str] = {
    "durable_config": "the construct sets it; use execution_timeout= and retention_period=",
    "on_failure": "Lambda destinations are not supported for durable functions; "
    "use the dead-letter queue (dead_letter_queue_mode / dead_letter_queue) or on_status_change()",
    "on_success": "Lambda destinations are not supported for durable functions; "
    "use on_status_change(statuses=[DurableExecutionStatus.SUCCEEDED]) instead",
    "dead_letter_queue_enabled": "use dead_letter_queue_mode=DeadLetterQueueMode.CREATE / NONE "
    "or dead_letter_queue=<your queue>",
}


@functools.cache
def _function_option_names() -> frozenset[str]:
    params = inspect.signature(lambda_.Function.__init__).parameters
    return frozenset(n for n, prm in params.items() if prm.kind is inspect.Parameter.KEYWORD_ONLY)


@functools.cache
def _lint_findings(path: str) -> tuple[Any, ...] | None:
    """Run the replay-model linter once per asset directory per process; None if it is not there."""
    try:  # lazy: the linter is optional at synth
        lint_paths = getattr(importlib.import_module("cdk_durable.lint"), "lint_paths", None)
    except ImportError:
        return None
    return None if lint_paths is None else tuple(lint_paths([path]))


#: ``lambda_.Runtime.FROM_IMAGE.name`` (a literal: each jsii property read is a round trip to Node).
_FROM_IMAGE = "FROM_IMAGE"


def _is_token(value: str) -> bool:
    """``Token.is_unresolved`` for strings, without the jsii round trip for plain literals."""
    return "Token[" in value and cdk.Token.is_unresolved(value)


def _seconds(d: cdk.Duration) -> float | None:
    """Seconds of a Duration, or None for an unresolved token."""
    return None if d.is_unresolved() else float(d.to_seconds(integral=False))


def quiet_redundant_role_dependency(function: lambda_.Function) -> None:
    """Tell cfn-lint to skip W3005 on this function, in the template itself.

    aws-cdk-lib's ``Function`` adds ``DependsOn`` on its role next to the ``Role: !GetAtt`` that already
    implies it (so the role's default policy exists first). Harmless, not removable through the L2, and
    it would make every user's cfn-lint run fail with a warning they cannot fix.
    """
    cfn = function.node.default_child
    assert isinstance(cfn, cdk.CfnResource)
    cfn.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})


@functools.cache
def _version_option_names() -> tuple[str, ...]:
    params = inspect.signature(lambda_.VersionOptions.__init__).parameters
    return tuple(n for n, prm in params.items() if prm.kind is inspect.Parameter.KEYWORD_ONLY)


def _version_options(
    version_removal_policy: Any, current_version_options: Any
) -> tuple[lambda_.VersionOptions, cdk.RemovalPolicy]:
    """``current_version_options`` for the L2, with the removal policy decided.

    ``version_removal_policy`` (default RETAIN) and a user's ``current_version_options.removal_policy``
    are the same setting: either may be given, both only if they agree. The user's other version options
    (description, code_sha256, ...) are kept; destinations are refused as on the function.
    """
    allowed = ", ".join(f"RemovalPolicy.{p_.name}" for p_ in VERSION_REMOVAL_POLICIES)
    given: dict[str, Any]
    if current_version_options is None:
        given = {}
    elif isinstance(current_version_options, lambda_.VersionOptions):
        given = {
            n: val
            for n in _version_option_names()
            if (val := getattr(current_version_options, n, None)) is not None
        }
    elif isinstance(current_version_options, Mapping):
        given = {n: val for n, val in current_version_options.items() if val is not None}
        unknown = sorted(set(given) - set(_version_option_names()))
        if unknown:
            raise v.DurableValidationError(
                f"current_version_options has unknown option(s) {', '.join(unknown)}: allowed are "
                f"{', '.join(_version_option_names())}"
            )
    else:
        raise v.DurableValidationError(
            "current_version_options must be a lambda_.VersionOptions, got "
            f"{type(current_version_options).__name__} {current_version_options!r}"
        )
    for destination in ("on_failure", "on_success"):
        if destination in given:
            raise v.DurableValidationError(
                f"current_version_options.{destination} is not allowed on a DurableFunction: Lambda "
                "destinations are not supported for durable functions; use the dead-letter queue or "
                "on_status_change()"
            )
    theirs = given.get("removal_policy")
    for name, value in (("version_removal_policy", version_removal_policy), ("removal_policy", theirs)):
        if value is not None and value not in VERSION_REMOVAL_POLICIES:
            where = name if name == "version_removal_policy" else "current_version_options.removal_policy"
            raise v.DurableValidationError(f"{where} must be one of {allowed}, got {value!r}")
    if version_removal_policy is not None and theirs is not None and theirs is not version_removal_policy:
        v.check_conflict(
            "version_removal_policy",
            "a different current_version_options.removal_policy",
            "both set how published versions are removed; give one of them",
        )
    policy: cdk.RemovalPolicy = version_removal_policy or theirs or cdk.RemovalPolicy.RETAIN
    return lambda_.VersionOptions(**{**given, "removal_policy": policy}), policy


def _require(value: Any, kind: type | tuple[type, ...], name: str, example: str) -> None:
    if not isinstance(value, kind):
        raise v.DurableValidationError(f"{name} must be {example}, got {type(value).__name__} {value!r}")


@dataclass(frozen=True)
class _CheckedProps:
    """What validation derived from the props, for the construction steps."""

    runtime: lambda_.Runtime
    runtime_name: str
    execution_seconds: float | None
    dead_letter_topic: sns.ITopic | None
    event_sources: tuple[lambda_.IEventSource, ...]
    version_options: lambda_.VersionOptions
    version_removal_policy: cdk.RemovalPolicy


@jsii.implements(iam.IGrantable)
class DurableFunction(Construct):
    """An AWS Lambda durable function with a version and an alias that everything uses.

    Children (construct ids are a contract): ``Function`` (``lambda_.Function``), its current version
    (``Function/CurrentVersion``, retained by default),
    ``Alias``, ``DeadLetterQueue`` (unless disabled or brought), ``Outputs*`` on :meth:`add_outputs`.

    ``**function_props`` accepts any other ``lambda_.Function`` option (``vpc``, ``layers``,
    ``tracing``, ``architecture``, ...). ``events=`` is routed to :meth:`add_event_source`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        code: lambda_.Code,
        handler: str,
        execution_timeout: cdk.Duration,
        runtime: lambda_.Runtime | None = None,
        retention_period: cdk.Duration | None = None,
        timeout: cdk.Duration | None = None,
        alias_name: str = "live",
        role: iam.IRole | None = None,
        kms_key: kms.IKey | None = None,
        memory_size: int | None = None,
        environment: Mapping[str, str] | None = None,
        function_name: str | None = None,
        description: str | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        dead_letter_queue_mode: DeadLetterQueueMode = DeadLetterQueueMode.CREATE,
        max_event_age: cdk.Duration | None = None,
        retry_attempts: int | None = None,
        provisioned_concurrent_executions: int | None = None,
        allow_custom_runtime: bool = False,
        replay_lint: ReplayLint = ReplayLint.WARN,
        version_removal_policy: cdk.RemovalPolicy | None = None,
        **function_props: Any,
    ) -> None:
        """Create the durable function.

        :param code: the handler's code (``lambda_.Code.from_asset("src")``).
        :param handler: ``module.function`` Lambda calls.
        :param execution_timeout: how long one durable execution may run, 1 second - 366 days.
        :param runtime: Default: ``python3.13``. Must support durable execution (python3.13+,
            nodejs22.x+); a custom runtime (``provided.*``) needs ``allow_custom_runtime=True``.
        :param retention_period: Default: 14 days. Whole days, 1 - 90: how long execution history is kept.
        :param timeout: Default: 3 seconds (the Lambda default). One invocation (replay), at most
            15 minutes and at most ``execution_timeout``.
        :param alias_name: Default: ``live``. The alias on the current version that every wiring uses.
        :param role: Default: a new role with ``AWSLambdaBasicDurableExecutionRolePolicy``. A role you
            bring also gets that policy (or, if it is imported, the checkpoint permissions inline).
        :param kms_key: Default: execution data encrypted with an AWS owned key. A symmetric key in the
            same region sets ``DurableConfig.KMSKeyArn`` and gets the key-policy statements AWS documents.
        :param dead_letter_queue: Default: see ``dead_letter_queue_mode``. Your own queue for failed
            asynchronous invocations.
        :param dead_letter_queue_mode: Default: ``CREATE`` - an encrypted SQS queue with 14-day retention.
            ``NONE`` creates none.
        :param max_event_age: Default: 6 hours. Asynchronous event age limit (on the alias).
        :param retry_attempts: Default: 2. Asynchronous retries (on the alias).
        :param provisioned_concurrent_executions: Default: none. Provisioned concurrency on the alias.
        :param allow_custom_runtime: Default: False. Confirms a ``provided.*`` runtime brings a durable SDK.
        :param replay_lint: Default: ``WARN``. Replay-model lint of Python asset code at synth.
        :param version_removal_policy: Default: ``RemovalPolicy.RETAIN`` - every published version is
            kept (``DeletionPolicy`` and ``UpdateReplacePolicy: Retain``) so executions suspended on it
            can resume after the next deploy; prune with ``cdk-durable versions --prune``. ``DESTROY``
            deletes the previous version on each deploy and adds a warning saying what that costs.
            (``current_version_options=`` is honoured; its ``removal_policy`` counts as this prop.)
        """
        super().__init__(scope, id)
        checked = self._validate(
            code=code,
            handler=handler,
            execution_timeout=execution_timeout,
            runtime=runtime,
            retention_period=retention_period,
            timeout=timeout,
            alias_name=alias_name,
            kms_key=kms_key,
            dead_letter_queue=dead_letter_queue,
            dead_letter_queue_mode=dead_letter_queue_mode,
            allow_custom_runtime=allow_custom_runtime,
            replay_lint=replay_lint,
            version_removal_policy=version_removal_policy,
            function_props=function_props,
        )
        self.execution_timeout = execution_timeout
        self.kms_key = kms_key
        self.dead_letter_queue: sqs.IQueue | None = self._create_dead_letter_queue(
            dead_letter_queue, checked.dead_letter_topic, dead_letter_queue_mode
        )
        self.function = self._create_function(
            checked,
            code=code,
            handler=handler,
            execution_timeout=execution_timeout,
            retention_period=retention_period,
            timeout=timeout,
            role=role,
            memory_size=memory_size,
            environment=environment,
            function_name=function_name,
            description=description,
            function_props=function_props,
        )
        self.role: iam.IRole = self._configure_role(role)
        if kms_key is not None:
            self._configure_kms(kms_key, cdk.Stack.of(self))
        self.version, self.alias = self._create_version_and_alias(
            checked,
            alias_name=alias_name,
            max_event_age=max_event_age,
            retry_attempts=retry_attempts,
            provisioned_concurrent_executions=provisioned_concurrent_executions,
        )
        self._annotate(checked, function_name=function_name)
        if replay_lint is not ReplayLint.OFF:
            self._replay_lint(code, checked.runtime_name, replay_lint)

    # --- Construction steps (in order) -----------------------------------------------------------

    def _validate(
        self,
        *,
        code: Any,
        handler: Any,
        execution_timeout: Any,
        runtime: Any,
        retention_period: Any,
        timeout: Any,
        alias_name: Any,
        kms_key: kms.IKey | None,
        dead_letter_queue: sqs.IQueue | None,
        dead_letter_queue_mode: Any,
        allow_custom_runtime: bool,
        replay_lint: Any,
        version_removal_policy: Any,
        function_props: dict[str, Any],
    ) -> _CheckedProps:
        """Every prop check, before anything is created. Pops ``events`` and ``current_version_options``
        from ``function_props`` (the construct routes them itself)."""
        _require(code, lambda_.Code, "code", "a lambda_.Code (e.g. lambda_.Code.from_asset('src'))")
        _require(handler, str, "handler", "a string like 'app.handler'")
        _require(execution_timeout, cdk.Duration, "execution_timeout", "a Duration (e.g. Duration.days(7))")
        runtime = runtime or lambda_.Runtime.PYTHON_3_13
        _require(runtime, lambda_.Runtime, "runtime", "a lambda_.Runtime (e.g. lambda_.Runtime.PYTHON_3_13)")
        _require(replay_lint, ReplayLint, "replay_lint", "a ReplayLint (WARN, ERROR, OFF)")
        _require(
            dead_letter_queue_mode,
            DeadLetterQueueMode,
            "dead_letter_queue_mode",
            "a DeadLetterQueueMode (CREATE, NONE)",
        )
        if retention_period is not None:
            _require(retention_period, cdk.Duration, "retention_period", "a Duration in whole days")
        if timeout is not None:
            _require(timeout, cdk.Duration, "timeout", "a Duration (e.g. Duration.minutes(1))")
        _require(alias_name, str, "alias_name", "a string")

        exec_seconds = _seconds(execution_timeout)
        if exec_seconds is not None:
            v.check_execution_timeout(exec_seconds)
        if retention_period is not None and not retention_period.is_unresolved():
            v.check_retention_days(retention_period.to_days(integral=False))
        if timeout is not None and (t := _seconds(timeout)) is not None:
            v.check_invocation_timeout(t, execution_timeout_seconds=exec_seconds)
        if not _is_token(alias_name):
            v.check_alias_name(alias_name)
        runtime_name = runtime.name
        if runtime_name == _FROM_IMAGE:
            if not allow_custom_runtime:
                raise v.DurableValidationError(
                    "runtime FROM_IMAGE (a container image) supports durable execution only if the image "
                    "bundles a durable SDK; set allow_custom_runtime=True to confirm"
                )
        else:
            v.check_runtime(runtime_name, allow_custom_runtime=allow_custom_runtime)

        unknown = sorted(set(function_props) - _function_option_names())
        if unknown:
            raise v.DurableValidationError(
                f"unknown option(s) {', '.join(unknown)}: DurableFunction accepts its own props and "
                f"any lambda_.Function option"
            )
        for opt, reason in _REFUSED_OPTIONS.items():
            if opt in function_props:
                raise v.DurableValidationError(f"{opt} is not allowed on a DurableFunction: {reason}")
        dead_letter_topic: sns.ITopic | None = function_props.get("dead_letter_topic")
        if dead_letter_queue_mode is DeadLetterQueueMode.NONE and dead_letter_queue is not None:
            v.check_conflict(
                "dead_letter_queue",
                "dead_letter_queue_mode=NONE",
                "NONE means no dead-letter queue; drop one of the two",
            )
        if dead_letter_topic is not None and dead_letter_queue is not None:
            v.check_conflict(
                "dead_letter_topic", "dead_letter_queue", "Lambda sends failed events to one target"
            )
        if dead_letter_topic is not None and dead_letter_queue_mode is DeadLetterQueueMode.NONE:
            v.check_conflict(
                "dead_letter_topic",
                "dead_letter_queue_mode=NONE",
                "NONE means no dead-letter target; drop one of the two",
            )
        if kms_key is not None:
            self._check_kms_key(kms_key, cdk.Stack.of(self))
        event_sources: Sequence[lambda_.IEventSource] = function_props.pop("events", None) or ()
        if event_sources and exec_seconds is not None:
            v.check_sync_event_source(exec_seconds, source="events")
        version_options, policy = _version_options(
            version_removal_policy, function_props.pop("current_version_options", None)
        )
        return _CheckedProps(
            runtime=runtime,
            runtime_name=runtime_name,
            execution_seconds=exec_seconds,
            dead_letter_topic=dead_letter_topic,
            event_sources=tuple(event_sources),
            version_options=version_options,
            version_removal_policy=policy,
        )

    def _create_dead_letter_queue(
        self,
        given: sqs.IQueue | None,
        dead_letter_topic: sns.ITopic | None,
        mode: DeadLetterQueueMode,
    ) -> sqs.IQueue | None:
        """``DeadLetterQueue``: the queue for asynchronous invocations Lambda could not start."""
        if given is not None or dead_letter_topic is not None or mode is not DeadLetterQueueMode.CREATE:
            return given
        return sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )

    def _create_function(
        self,
        checked: _CheckedProps,
        *,
        code: lambda_.Code,
        handler: str,
        execution_timeout: cdk.Duration,
        retention_period: cdk.Duration | None,
        timeout: cdk.Duration | None,
        role: iam.IRole | None,
        memory_size: int | None,
        environment: Mapping[str, str] | None,
        function_name: str | None,
        description: str | None,
        function_props: Mapping[str, Any],
    ) -> lambda_.Function:
        """``Function``: the L2 with DurableConfig, the DLQ and the version options."""
        function = lambda_.Function(
            self,
            "Function",
            code=code,
            handler=handler,
            runtime=checked.runtime,
            durable_config=lambda_.DurableConfig(
                execution_timeout=execution_timeout,
                retention_period=retention_period or cdk.Duration.days(p.RETENTION_DEFAULT_DAYS),
            ),
            timeout=timeout,
            role=role,
            memory_size=memory_size,
            environment=environment,
            function_name=function_name,
            description=description,
            dead_letter_queue=self.dead_letter_queue,
            current_version_options=checked.version_options,
            **function_props,
        )
        quiet_redundant_role_dependency(function)
        return function

    def _configure_role(self, given: iam.IRole | None) -> iam.IRole:
        """The execution role; one the user brought gets the durable permissions the L2 gives its own."""
        fn_role = self.function.role
        assert fn_role is not None  # the L2 always has one (created or given)
        if given is not None:
            self._add_durable_permissions(given)
        return fn_role

    def _create_version_and_alias(
        self,
        checked: _CheckedProps,
        *,
        alias_name: str,
        max_event_age: cdk.Duration | None,
        retry_attempts: int | None,
        provisioned_concurrent_executions: int | None,
    ) -> tuple[lambda_.Version, lambda_.Alias]:
        """``Function/CurrentVersion`` (removal policy from ``version_removal_policy``) and ``Alias`` on
        it; event sources from ``events=`` attach to the alias."""
        version = self.function.current_version
        alias = lambda_.Alias(
            self,
            "Alias",
            alias_name=alias_name,
            version=version,
            max_event_age=max_event_age,
            retry_attempts=retry_attempts,
            provisioned_concurrent_executions=provisioned_concurrent_executions,
        )
        for source in checked.event_sources:
            alias.add_event_source(source)
        return version, alias

    def _annotate(self, checked: _CheckedProps, *, function_name: str | None) -> None:
        """Warnings about choices that cost something later (acknowledgeable by id)."""
        if function_name is not None and not _is_token(function_name):
            cdk.Annotations.of(self).add_warning_v2(
                ANN_PINNED_NAME,
                f"function_name is pinned to {function_name!r}: enabling durability (DurableConfig) on an "
                "existing function replaces it, and the replacement fails because the pinned name is still "
                "taken. Let CloudFormation generate the name, or rename when you switch an existing "
                "function to durable.",
            )
        if checked.version_removal_policy is cdk.RemovalPolicy.DESTROY:
            cdk.Annotations.of(self).add_warning_v2(
                ANN_VERSION_DESTROY,
                "version_removal_policy is DESTROY: every deploy that publishes a new version deletes the "
                "previous one, and executions still running or suspended on it (in a wait or waiting for "
                "a callback) cannot replay there any more - they are stranded. Keep the default RETAIN "
                "and prune unused versions with `cdk-durable versions FUNCTION --prune`.",
            )

    # --- IGrantable ------------------------------------------------------------------------------

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The execution role: ``other.grant_invoke(durable_fn)`` lets this handler call ``other``."""
        return self.function.grant_principal

    # --- Derived values ----------------------------------------------------------------------------

    @property
    def function_arn(self) -> str:
        """The unqualified function ARN (for policies on execution ARNs; not invokable)."""
        return self.function.function_arn

    @property
    def alias_arn(self) -> str:
        """The qualified ARN to invoke: ``<function ARN>:<alias_name>``."""
        return self.alias.function_arn

    @property
    def function_name(self) -> str:
        return self.function.function_name

    # --- Grants ----------------------------------------------------------------------------------------

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """``lambda:InvokeFunction`` on the alias only (service principals get a permission on the alias)."""
        return self.alias.grant_invoke(grantee)

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
            resource_arns=[self._arn_for(grantee), self._execution_arns(grantee)],
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

    def _arn_for(self, grantee: iam.IGrantable) -> str:
        """The function ARN for a grant. This function's own role cannot reference its function (the
        function depends on the role's policy: a cycle), so it gets the reference-free form."""
        return self._own_arn_pattern() if grantee is self else self.function_arn

    def _execution_arns(self, grantee: iam.IGrantable) -> str:
        return f"{self._arn_for(grantee)}{p.EXECUTION_ARN_SUFFIX}"

    def _grant_on_executions(
        self, grantee: iam.IGrantable, actions: Sequence[str], *, decrypt: bool = True
    ) -> iam.Grant:
        grant = iam.Grant.add_to_principal(
            grantee=grantee, actions=list(actions), resource_arns=[self._execution_arns(grantee)]
        )
        if decrypt and self.kms_key is not None:  # readers/senders of execution data decrypt it
            grant = grant.combine(self.kms_key.grant(grantee, *p.KMS_READER_ACTIONS))
        return grant

    # --- Event sources ---------------------------------------------------------------------------------

    def add_event_source(self, source: lambda_.IEventSource) -> None:
        """Attach an event source mapping to the alias.

        Raises when ``execution_timeout`` exceeds 15 minutes (mappings invoke synchronously): use
        :class:`cdk_durable.AsyncStarter` for those.
        """
        seconds = _seconds(self.execution_timeout)
        if seconds is not None:
            v.check_sync_event_source(seconds, source=f"event source {type(source).__name__}")
        self.alias.add_event_source(source)

    # --- Events: named starts from an EventBridge Custom Event Bus, status-change rules ------------------

    def add_event_starter(self, id: str, **props: Any) -> Any:
        """Start a named execution per event on an EventBridge Custom Event Bus (an
        ``AWS::EventsV2::Subscriber`` on the alias): ``bus=`` (``aws_eventsv2.CfnEventBus`` or its ARN),
        ``execution_name=`` (``ExecutionName.from_body_field("detail.orderId")``, ``from_template``,
        ``from_jsonata``), ``event_pattern=``, ``dead_letter_queue=``, ``retry_attempts=``,
        ``max_event_age=``, ``subscriber_name=``.
        Returns the :class:`cdk_durable.event_starter.EventStarter`."""
        from .event_starter import EventStarter  # the module imports this one

        return EventStarter(self, id, target=self, **props)

    def on_status_change(
        self,
        id: str,
        *,
        target: events.IRuleTarget | None = None,
        statuses: Sequence[p.DurableExecutionStatus] | None = None,
        description: str | None = None,
        rule_name: str | None = None,
    ) -> events.Rule:
        """A rule on the default bus for this function's ``Durable Execution Status Change`` events.

        :param statuses: Default: every status. Only these statuses match.
        :param target: Default: none (``rule.add_target(...)`` later).
        """
        detail: dict[str, Any] = {
            # The event's functionArn is qualified (``...:function:NAME:2``); the trailing colon keeps
            # ``orders`` from matching ``orders-v2``.
            "functionArn": [{"prefix": f"{self.function_arn}:"}],
        }
        if statuses is not None:
            statuses = list(statuses)
            allowed = ", ".join(s.name for s in p.DurableExecutionStatus)
            if not statuses:
                raise v.DurableValidationError(
                    f"statuses must list at least one status ({allowed}), or be omitted for all, got []"
                )
            for s in statuses:
                if not isinstance(s, p.DurableExecutionStatus):
                    raise v.DurableValidationError(
                        f"statuses must contain DurableExecutionStatus values ({allowed}), got {s!r}"
                    )
            detail["status"] = list(dict.fromkeys(s.value for s in statuses))
        rule = events.Rule(
            self,
            id,
            description=description,
            rule_name=rule_name,
            event_pattern=events.EventPattern(
                source=[p.EVENT_SOURCE], detail_type=[p.STATUS_CHANGE_DETAIL_TYPE], detail=detail
            ),
        )
        if target is not None:
            rule.add_target(target)
        return rule

    # --- Observability -------------------------------------------------------------------------------------

    def metric(self, metric: p.DurableMetric, **props: Any) -> cloudwatch.Metric:
        """Any durable metric (``props``: ``cloudwatch.MetricOptions`` such as ``period``, ``statistic``)."""
        return durable_metric(self.function.function_name, metric, **props)

    def metric_started(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.STARTED, **props)

    def metric_succeeded(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.SUCCEEDED, **props)

    def metric_failed(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.FAILED, **props)

    def metric_timed_out(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.TIMED_OUT, **props)

    def metric_stopped(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.STOPPED, **props)

    def metric_duration(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.DURATION, **props)

    def metric_operations(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.OPERATIONS, **props)

    def metric_storage_written_bytes(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.STORAGE_WRITTEN_BYTES, **props)

    def metric_running(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.RUNNING, **props)

    def metric_running_utilization(self, **props: Any) -> cloudwatch.Metric:
        return self.metric(p.DurableMetric.RUNNING_UTILIZATION, **props)

    def add_recommended_alarms(self, id: str = "Alarms", **props: Any) -> DurableAlarms:
        """Create :class:`DurableAlarms` for this function (``props``: topic, alarm_actions, thresholds)."""
        return DurableAlarms(self, id, target=self, **props)

    # --- Outputs ---

    def add_outputs(self, *, export_prefix: str | None = None) -> tuple[cdk.CfnOutput, cdk.CfnOutput]:
        """Stack outputs ``OutputsAliasArn`` (the ARN to invoke) and ``OutputsFunctionName``.

        :param export_prefix: Default: not exported. With a prefix, exported as
            ``<prefix>-AliasArn`` and ``<prefix>-FunctionName`` for ``Fn.import_value``.
        """
        arn = cdk.CfnOutput(
            self,
            "OutputsAliasArn",
            value=self.alias_arn,
            description="Qualified ARN to invoke the durable function (alias)",
            export_name=f"{export_prefix}-AliasArn" if export_prefix else None,
        )
        name = cdk.CfnOutput(
            self,
            "OutputsFunctionName",
            value=self.function_name,
            description="Durable function name (use with --qualifier / the alias name)",
            export_name=f"{export_prefix}-FunctionName" if export_prefix else None,
        )
        return arn, name

    # --- Internals ---

    def _add_durable_permissions(self, role: iam.IRole) -> None:
        """Give a user-supplied role what the L2 gives the role it creates."""
        if isinstance(role, iam.Role):
            role.add_managed_policy(
                iam.ManagedPolicy.from_aws_managed_policy_name(p.DURABLE_MANAGED_POLICY_NAME)
            )
            return
        # Imported role: the managed policy cannot be attached from here; add the checkpoint actions inline.
        # (Not on this function's ARN: the function depends on its role's policies - a cycle.)
        result = role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(p.EXECUTION_ROLE_ACTIONS),
                resources=[f"{self._own_arn_pattern()}{p.EXECUTION_ARN_SUFFIX}"],
            )
        )
        # An immutable role pretends to add (statement_added=True) but creates no Policy.
        if not result.statement_added or not isinstance(result.policy_dependable, iam.Policy):
            cdk.Annotations.of(self).add_warning_v2(
                ANN_ROLE_POLICY,
                f"role is immutable: make sure it has {p.DURABLE_MANAGED_POLICY_NAME} "
                f"(or {', '.join(p.EXECUTION_ROLE_ACTIONS)}) or executions cannot checkpoint",
            )

    @staticmethod
    def _check_kms_key(key: kms.IKey, stack: cdk.Stack) -> None:
        key_region = key.env.region
        if not cdk.Token.is_unresolved(key_region) and not cdk.Token.is_unresolved(stack.region):
            v.check_kms_key_region(key_region, stack.region)
        cfn = key.node.default_child
        if isinstance(cfn, kms.CfnKey):
            spec, usage = cfn.key_spec, cfn.key_usage
            v.check_kms_key_spec(
                None if spec is None or cdk.Token.is_unresolved(spec) else str(spec),
                None if usage is None or cdk.Token.is_unresolved(usage) else str(usage),
            )

    def _configure_kms(self, key: kms.IKey, stack: cdk.Stack) -> None:
        cfn_fn = self.function.node.default_child
        assert isinstance(cfn_fn, lambda_.CfnFunction)
        # Set on the L1 property (not a raw override) so Aspects, cdk-nag packs and DurableChecks see it.
        current = cfn_fn.durable_config
        assert isinstance(current, lambda_.CfnFunction.DurableConfigProperty)
        cfn_fn.durable_config = lambda_.CfnFunction.DurableConfigProperty(
            execution_timeout=current.execution_timeout,
            retention_period_in_days=current.retention_period_in_days,
            kms_key_arn=key.key_arn,
        )
        fn_arn_pattern = self._own_arn_pattern()
        service_statement = iam.PolicyStatement(
            sid="DurableExecutionLambdaService",
            principals=[iam.ServicePrincipal(p.LAMBDA_SERVICE_PRINCIPAL)],
            actions=list(p.KMS_SERVICE_ACTIONS),
            resources=["*"],
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {"aws:SourceArn": fn_arn_pattern, p.KMS_ENCRYPTION_CONTEXT_KEY: fn_arn_pattern},
            },
        )
        added = key.add_to_resource_policy(service_statement, allow_no_op=True)
        if not added.statement_added:
            cdk.Annotations.of(self).add_warning_v2(
                ANN_KMS_POLICY,
                "kms_key is imported, so its key policy cannot be changed here: allow the Lambda service "
                f"principal {', '.join(p.KMS_SERVICE_ACTIONS)} with aws:SourceAccount, aws:SourceArn and "
                f"{p.KMS_ENCRYPTION_CONTEXT_KEY} conditions (see docs/construct.md)",
            )
        # The execution role decrypts execution data through Lambda only.
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(p.KMS_ROLE_ACTIONS),
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"lambda.{stack.region}.{stack.url_suffix}"},
                    "ArnLike": {p.KMS_ENCRYPTION_CONTEXT_KEY: fn_arn_pattern},
                },
            )
        )

    def _own_arn_pattern(self) -> str:
        """This function's unqualified ARN without referencing the function resource.

        The function depends on its role's policies and on its KMS key, so neither may reference the
        function (circular dependency). A literal ``function_name`` gives the exact ARN; a generated
        name falls back to ``function:*`` (this account and region).
        """
        cfn_fn = self.function.node.default_child
        assert isinstance(cfn_fn, lambda_.CfnFunction)
        name = cfn_fn.function_name
        literal = name if name is not None and not cdk.Token.is_unresolved(name) else None
        return cdk.Stack.of(self).format_arn(
            service="lambda",
            resource="function",
            resource_name=literal or "*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )

    def _replay_lint(self, code: lambda_.Code, runtime_name: str, mode: ReplayLint) -> None:
        if not runtime_name.startswith("python") or not isinstance(code, lambda_.AssetCode):
            return
        path = str(Path(code.path).resolve())
        if not (Path(path).is_dir() or path.endswith(".py")):  # a zip or a jar: nothing to read
            return
        for f in _lint_findings(path) or ():
            rel = Path(f.path)
            shown = rel.relative_to(path) if rel.is_absolute() and rel.is_relative_to(path) else rel
            message = f"replay model: {shown}:{f.line}:{f.col} {f.code} {f.message}"
            if mode is ReplayLint.ERROR:
                cdk.Annotations.of(self).add_error(message)
            else:
                cdk.Annotations.of(self).add_warning_v2(f"{ANN_REPLAY_LINT}:{f.code}", message)
