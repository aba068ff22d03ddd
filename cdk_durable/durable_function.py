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
from typing import TYPE_CHECKING, Any, TypedDict

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from . import _validation as v
from . import platform as p
from ._args import require_duration, require_int, require_optional
from ._facade import DurableFunctionFacade
from .checks.suppressions import acknowledge, mark_reported
from .telemetry import DurableTelemetry, validate_observability, wire_observability
from .tracing import DurableTracing

if TYPE_CHECKING:  # pragma: no cover
    from .imported import ImportedDurableFunction

__all__ = ["DeadLetterQueueMode", "DurableFunction", "DurableFunctionProps", "ReplayLint"]

#: Retention of the dead-letter queue the construct creates (SQS maximum).
DLQ_RETENTION: cdk.Duration = cdk.Duration.days(14)

#: Annotation ids (acknowledge with ``Annotations.of(x).acknowledge_warning(id)``).
ANN_PINNED_NAME = "cdk-durable:pinned-function-name"
ANN_REPLAY_LINT = "cdk-durable:replay-lint"
ANN_KMS_POLICY = "cdk-durable:kms-key-policy"
ANN_ROLE_POLICY = "cdk-durable:role-policy"
ANN_VERSION_DESTROY = "cdk-durable:version-removal-destroy"

#: DurableChecks rule id -> the construct warnings that report the same finding (one acknowledgment,
#: :meth:`DurableFunction.acknowledge`, silences both).
RULE_VERSION_DELETED = "DUR-W4"
_ANNOTATIONS_BY_RULE: Mapping[str, tuple[str, ...]] = {
    RULE_VERSION_DELETED: (ANN_VERSION_DESTROY,),
    "DUR-E7": (ANN_PINNED_NAME,),
    "DUR-E8": (ANN_KMS_POLICY,),
    "DUR-E6": (ANN_ROLE_POLICY,),
}

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
    tracing: DurableTracing | lambda_.Tracing
    telemetry: DurableTelemetry


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


def _handler_files(module: str, family: str) -> list[str]:
    """Files that provide a handler module, relative to the asset root."""
    if family == "python":
        path = module.replace(".", "/")
        return [f"{path}.py", f"{path}/__init__.py", f"{path}.pyc"]
    return [f"{module}.js", f"{module}.mjs", f"{module}.cjs"]


def _staged_path(function: lambda_.Function) -> Path | None:
    """Where the function's asset was staged (the bundle's output for bundled code), if it was."""
    asset = function.node.try_find_child("Code")
    staging = asset.node.try_find_child("Stage") if asset is not None else None
    staged = getattr(staging, "absolute_staged_path", None)
    return Path(staged).resolve() if isinstance(staged, str) else None


def _require(value: Any, kind: type | tuple[type, ...], name: str, example: str) -> None:
    if not isinstance(value, kind):
        raise v.DurableValidationError(f"{name} must be {example}, got {type(value).__name__} {value!r}")


def _check_prop_types(
    *,
    role: Any,
    kms_key: Any,
    memory_size: Any,
    environment: Any,
    function_name: Any,
    description: Any,
    dead_letter_queue: Any,
    max_event_age: Any,
    retry_attempts: Any,
    provisioned_concurrent_executions: Any,
    allow_custom_runtime: Any,
) -> None:
    """Types and bounds of the props the construct passes on, checked before CDK sees them (one line
    instead of a jsii traceback or a CDK RuntimeError)."""
    require_optional(
        role, iam.IRole, "role", "an iam.IRole (e.g. iam.Role(...) or iam.Role.from_role_arn(...))"
    )
    require_optional(kms_key, kms.IKey, "kms_key", "a kms.IKey (e.g. kms.Key(...))")
    require_optional(dead_letter_queue, sqs.IQueue, "dead_letter_queue", "an sqs.IQueue")
    if memory_size is not None:
        require_int(memory_size, "memory_size", p.MEMORY_MIN_MB, p.MEMORY_MAX_MB)
    if environment is not None and not (
        isinstance(environment, Mapping)
        and all(isinstance(k, str) and isinstance(val, str) for k, val in environment.items())
    ):
        raise v.DurableValidationError(
            f"environment must be a mapping of strings to strings, got {environment!r}"
        )
    for name, text in (("function_name", function_name), ("description", description)):
        if text is not None and not isinstance(text, str):
            raise v.DurableValidationError(f"{name} must be a string, got {type(text).__name__} {text!r}")
    if max_event_age is not None:
        require_duration(
            max_event_age,
            "max_event_age",
            low_seconds=p.MAX_EVENT_AGE_MIN_SECONDS,
            high_seconds=p.MAX_EVENT_AGE_MAX_SECONDS,
            bound="between 1 minute and 6 hours",
        )
    if retry_attempts is not None:
        require_int(retry_attempts, "retry_attempts", 0, p.ASYNC_RETRY_ATTEMPTS_MAX)
    if provisioned_concurrent_executions is not None:
        require_int(provisioned_concurrent_executions, "provisioned_concurrent_executions", 0)
    if not isinstance(allow_custom_runtime, bool):
        raise v.DurableValidationError(
            f"allow_custom_runtime must be True or False, got {type(allow_custom_runtime).__name__} "
            f"{allow_custom_runtime!r}"
        )


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


@jsii.implements(lambda_.IFunction)
class DurableFunction(DurableFunctionFacade, Construct):
    """An AWS Lambda durable function with a version and an alias that everything uses.

    It is an ``aws_lambda.IFunction`` that stands for its alias (:mod:`cdk_durable._facade`): pass it to
    any CDK integration and it is wired to the alias ARN. ``function`` is the unqualified function, for
    what must not invoke (policies on execution ARNs, L2 options).

    Children (construct ids are a contract): ``Function`` (``lambda_.Function``), its current version
    (``Function/CurrentVersion``, retained by default),
    ``Alias``, ``DeadLetterQueue`` (unless disabled or brought), ``Outputs*`` on :meth:`add_outputs`.

    ``**function_props`` accepts any other ``lambda_.Function`` option (``vpc``, ``layers``,
    ``tracing``, ``architecture``, ...). ``events=`` is routed to :meth:`add_event_source`.
    """

    alias: lambda_.Alias
    version: lambda_.Version

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
        tracing: DurableTracing | lambda_.Tracing | None = None,
        telemetry: DurableTelemetry | None = None,
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
        :param tracing: Default: no tracing. ``DurableTracing.xray(view=...)`` (ADOT layer -> X-Ray) or
            ``DurableTracing.otlp(endpoint=..., headers_secret=...)`` (community layer -> OTLP backend):
            layer, wrapper, ``OTEL_*`` and ``DURABLE_EXECUTION_PLUGINS`` (docs/observability.md). A
            ``lambda_.Tracing`` is passed to the L2 unchanged.
        :param telemetry: Default: none. ``DurableTelemetry.log_group()`` / ``.table()`` /
            ``.event_bus()``: the telemetry exporter's destination, created or passed in, granted and
            named to the handler in ``DURABLE_TELEMETRY_*`` (``self.telemetry_destination``).
        """
        super().__init__(scope, id)
        _check_prop_types(
            role=role,
            kms_key=kms_key,
            memory_size=memory_size,
            environment=environment,
            function_name=function_name,
            description=description,
            dead_letter_queue=dead_letter_queue,
            max_event_age=max_event_age,
            retry_attempts=retry_attempts,
            provisioned_concurrent_executions=provisioned_concurrent_executions,
            allow_custom_runtime=allow_custom_runtime,
        )
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
        validate_observability(tracing, telemetry, runtime_name=checked.runtime_name, environment=environment)
        if isinstance(tracing, lambda_.Tracing):
            function_props["tracing"] = tracing
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
            function_props=dict(
                function_props,
                timeout=timeout,
                role=role,
                memory_size=memory_size,
                environment=environment,
                function_name=function_name,
                description=description,
            ),
        )
        self._configure_role(role)
        self.telemetry_destination = wire_observability(
            self,
            self.function,
            tracing=tracing,
            telemetry=telemetry,
            runtime_name=checked.runtime_name,
            environment=environment,
        )
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
        self._check_handler_exists(code, handler, checked.runtime_name)
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
        function_props: Mapping[str, Any],
    ) -> lambda_.Function:
        """``Function``: the L2 with DurableConfig, the DLQ and the version options; ``function_props``
        are the L2's own props, passed through (``timeout``, ``role``, ``memory_size``, ...)."""
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
            # One finding, one warning: DurableChecks does not repeat it as DUR-W4 (cfn-lint, which
            # sees only the template, reports it as WD3004). acknowledge("DUR-W4", ...) silences all.
            version_resource = self.version.node.default_child
            assert version_resource is not None
            mark_reported(version_resource, RULE_VERSION_DELETED)
            cdk.Annotations.of(self).add_warning_v2(
                ANN_VERSION_DESTROY,
                "version_removal_policy is DESTROY: every deploy that publishes a new version deletes the "
                "previous one, and executions still running or suspended on it (in a wait or waiting for "
                "a callback) cannot replay there any more - they are stranded. Keep the default RETAIN "
                "and prune unused versions with `cdk-durable versions FUNCTION --prune`.",
            )

    # --- Imports -------------------------------------------------------------------------------------

    @staticmethod
    def from_alias_arn(
        scope: Construct, id: str, alias_arn: str, *, kms_key: kms.IKey | None = None
    ) -> ImportedDurableFunction:
        """A durable function defined in another stack or app, by its alias ARN
        (``arn:aws:lambda:<region>:<account>:function:<name>:<alias>``, or a token such as
        ``Fn.import_value(...)``). An ``IFunction`` standing for that alias, with the durable grants
        (on ``<function ARN>:*``) and metrics. ``kms_key``: the key of its execution data, if any (the
        read and callback grants then include ``kms:Decrypt``)."""
        from .imported import ImportedDurableFunction, check_alias_arn

        return ImportedDurableFunction(scope, id, alias_arn=check_alias_arn(alias_arn), kms_key=kms_key)

    @staticmethod
    def from_function_name(
        scope: Construct, id: str, function_name: str, *, alias: str = "live", kms_key: kms.IKey | None = None
    ) -> ImportedDurableFunction:
        """Like :meth:`from_alias_arn`, for a function in the scope's account and region, by name and
        alias (default ``live``, the ``DurableFunction`` default)."""
        from .imported import ImportedDurableFunction, alias_arn_for

        return ImportedDurableFunction(
            scope, id, alias_arn=alias_arn_for(scope, function_name, alias), kms_key=kms_key
        )

    # --- Acknowledgments ---------------------------------------------------------------------------

    def acknowledge(self, rule_id: str, reason: str) -> None:
        """Accept a finding, once, for every tool: the construct's own warning, DurableChecks (both
        modes) and the cfn-lint pack (``Metadata.cfn-lint.config.ignore_checks`` on this construct's
        resources). ``rule_id`` is a DurableChecks id (``DUR-W4``); unknown ids are refused."""
        acknowledge(self, rule_id, reason)

    def annotation_ids_for_rule(self, rule_id: str) -> tuple[str, ...]:
        """The construct warnings that report the same finding as DurableChecks rule ``rule_id``."""
        return _ANNOTATIONS_BY_RULE.get(rule_id, ())

    # --- Facade hooks (IFunction members and durable grants are in DurableFunctionFacade) -------------

    @property
    def _function(self) -> lambda_.IFunction:
        return self.function

    @property
    def role(self) -> iam.IRole:
        """The execution role (created, or the one given)."""
        role = self.function.role
        assert role is not None  # the L2 always has one
        return role

    @property
    def _execution_seconds(self) -> float | None:
        return _seconds(self.execution_timeout)

    @property
    def metric_function_name(self) -> str:
        """The unqualified function name: the ``FunctionName`` dimension of the durable metrics."""
        return self.function.function_name

    @property
    def unqualified_function_arn(self) -> str:
        """The unqualified function ARN, for policies on execution ARNs (``<arn>:*``); never invoke it."""
        return self.function.function_arn

    def _unqualified_arn(self, grantee: iam.IGrantable | None) -> str:
        """The function ARN for a grant. This function's own role cannot reference its function (the
        function depends on the role's policy: a cycle), so it gets the reference-free form."""
        return self._own_arn_pattern() if grantee is self else self.function.function_arn

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
            "functionArn": [{"prefix": f"{self.function.function_arn}:"}],
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
            value=self.function.function_name,
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
        self._configure_role(None).add_to_principal_policy(
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

    def _check_handler_exists(self, code: lambda_.Code, handler: str, runtime_name: str) -> None:
        """The handler's module must be in the asset directory (Python and Node layouts), or every
        invocation fails with ``Runtime.ImportModuleError``. Skipped for code that is not a directory
        asset (inline, S3, a zip, an image), and for bundled code when bundling is skipped (the
        bundle's output is what Lambda gets, and it is only there when bundling runs)."""
        family = (
            "python"
            if runtime_name.startswith("python")
            else "nodejs"
            if runtime_name.startswith("nodejs")
            else None
        )
        if family is None or not isinstance(code, lambda_.AssetCode) or _is_token(handler):
            return
        source = Path(code.path).resolve()
        if not source.is_dir():
            return
        module, _, function = handler.rpartition(".")
        if not module or not function:
            raise v.DurableValidationError(
                f"handler must be 'module.function' (e.g. 'app.handler'), got {handler!r}"
            )
        candidates = _handler_files(module, family)
        if any((source / c).exists() for c in candidates):
            return
        if not cdk.Stack.of(self).bundling_required:
            return  # bundling skipped for this stack: code that is bundled cannot be told apart
        staged = _staged_path(self.function)
        if staged is not None and staged != source and any((staged / c).exists() for c in candidates):
            return  # bundled: the handler is in the bundle's output
        raise v.DurableValidationError(
            f"handler {handler!r} names module {module!r}, but the asset directory {code.path} has no "
            f"{' or '.join(candidates)}: every invocation would fail with Runtime.ImportModuleError"
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
