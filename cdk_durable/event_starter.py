"""``EventStarter``: an EventBridge Custom Event Bus subscriber that starts named durable executions.

Built on the EventBridge v2 subscriber API (``AWS::EventsV2::Subscriber``; aws-cdk-lib 2.275 offers only
the L1 ``aws_eventsv2.CfnSubscriber``, no L2). Its Lambda target takes ``Qualifier`` (the alias) and
``DurableExecutionName`` (a JSONata expression over ``$events``), so a redelivered or republished event
finds the execution it already started. Created by :meth:`DurableFunction.add_event_starter`.

The classic bus (``events.Rule`` + ``targets.LambdaFunction(fn.alias)``) stays the way for events that
need no name; a classic rule cannot name the execution.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_eventsv2 as eventsv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from . import _validation as v
from .execution_name import ExecutionName

if TYPE_CHECKING:  # pragma: no cover
    from .durable_function import DurableFunction

__all__ = ["EventStarter"]

#: ``AWS::EventsV2::Subscriber.EventBusArn`` (the CloudFormation schema's pattern): a Custom Event Bus.
EVENT_BUS_V2_ARN_PATTERN: Final = (
    r"^arn:aws(-[a-z0-9]+)*:events:[a-z][a-z0-9]*(-[a-z0-9]+)*:([0-9]{12}):"
    r"event-busv2/[A-Za-z0-9][.\-_A-Za-z0-9]{0,255}/[a-z0-9]{25}$"
)
#: ``Filter.Pattern`` is at most 4096 characters of JSON; ``RetryPolicy`` bounds.
FILTER_PATTERN_MAX_LENGTH: Final = 4096
MAX_RETRY_ATTEMPTS: Final = 185
MAX_EVENT_AGE_SECONDS: Final = (60, 86400)
#: ``events.EventPattern`` members and their JSON keys.
_EVENT_PATTERN_KEYS: Final = {
    "version": "version",
    "id": "id",
    "detail_type": "detail-type",
    "source": "source",
    "account": "account",
    "time": "time",
    "region": "region",
    "resources": "resources",
    "detail": "detail",
}


class EventStarter(Construct):
    """A subscriber on a Custom Event Bus that invokes the alias asynchronously with an execution name.

    Children: ``Role`` (trusted by ``events.amazonaws.com``; may invoke the alias only, and send to the
    dead-letter queue when one is given) and ``Subscriber`` (``AWS::EventsV2::Subscriber``: one event per
    invocation, ``InvocationType`` ``EVENT``, ``Qualifier`` = the alias, ``DurableExecutionName`` = the
    name's JSONata).

    The function receives what a Custom Event Bus delivers to Lambda: a JSON **array** holding the event
    (one element: the batch size is 1, because one invocation carries one execution name).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        target: DurableFunction,
        bus: Any,
        execution_name: ExecutionName,
        event_pattern: Any = None,
        subscriber_name: str | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        retry_attempts: int | None = None,
        max_event_age: cdk.Duration | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        bus_arn = _bus_arn(bus)
        if not isinstance(execution_name, ExecutionName):
            raise v.DurableValidationError(
                "add_event_starter execution_name must be an ExecutionName (e.g. "
                f"ExecutionName.from_body_field('detail.orderId')), got {type(execution_name).__name__}"
            )
        execution_name.require(("field", "template", "jsonata"), where="add_event_starter")
        pattern = _pattern_json(event_pattern)
        if retry_attempts is not None and (
            isinstance(retry_attempts, bool)
            or not isinstance(retry_attempts, int)
            or not 0 <= retry_attempts <= MAX_RETRY_ATTEMPTS
        ):
            raise v.DurableValidationError(
                f"add_event_starter retry_attempts must be a whole number 0-{MAX_RETRY_ATTEMPTS}, "
                f"got {retry_attempts!r}"
            )
        age = _age_seconds(max_event_age)
        if subscriber_name is not None and (
            not isinstance(subscriber_name, str)
            or not re.fullmatch(r"[A-Za-z0-9][.\-_A-Za-z0-9]{0,255}", subscriber_name)
        ):
            raise v.DurableValidationError(
                "add_event_starter subscriber_name must be 1-256 letters, digits, '.', '-', '_' "
                f"starting with a letter or digit, got {subscriber_name!r}"
            )
        # jsii interfaces are not runtime-checkable: a queue is what offers queue_arn and grant_send_messages
        if dead_letter_queue is not None and not (
            isinstance(getattr(dead_letter_queue, "queue_arn", None), str)
            and callable(getattr(dead_letter_queue, "grant_send_messages", None))
        ):
            raise v.DurableValidationError(
                "add_event_starter dead_letter_queue must be an sqs.IQueue (a standard queue), "
                f"got {type(dead_letter_queue).__name__}"
            )

        self.target = target
        self.execution_name = execution_name
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            description="EventBridge starts durable executions on one alias (cdk-durable EventStarter)",
        )
        target.grant_invoke(self.role)
        if dead_letter_queue is not None:
            dead_letter_queue.grant_send_messages(self.role)
        retry = (
            eventsv2.CfnSubscriber.RetryPolicyProperty(
                max_retry_attempts=retry_attempts, max_event_age_in_seconds=age
            )
            if retry_attempts is not None or age is not None
            else None
        )
        self.subscriber = eventsv2.CfnSubscriber(
            self,
            "Subscriber",
            name=subscriber_name or cdk.Names.unique_resource_name(self, max_length=64),
            event_bus_arn=bus_arn,
            description=description,
            invoke_configuration=eventsv2.CfnSubscriber.InvokeConfigurationProperty(
                role_arn=self.role.role_arn,
                target_arn=target.function.function_arn,  # unqualified; Qualifier names the alias
                lambda_parameters=eventsv2.CfnSubscriber.LambdaParametersProperty(
                    invocation_type="EVENT",
                    qualifier=target.alias.alias_name,
                    durable_execution_name=execution_name.jsonata(),
                ),
            ),
            batch_configuration=eventsv2.CfnSubscriber.BatchConfigurationProperty(max_batch_size=1),
            filter_configuration=(
                eventsv2.CfnSubscriber.FilterConfigurationProperty(
                    filters=[eventsv2.CfnSubscriber.FilterProperty(pattern=pattern, scope="DATA")]
                )
                if pattern is not None
                else None
            ),
            retry_policy=retry,
            on_failure_configuration=(
                eventsv2.CfnSubscriber.OnFailureConfigurationProperty(arn=dead_letter_queue.queue_arn)
                if dead_letter_queue is not None
                else None
            ),
        )
        # The role's policy must exist before EventBridge first delivers (the role itself is implied by
        # the RoleArn GetAtt).
        policy = self.role.node.try_find_child("DefaultPolicy")
        if isinstance(policy, iam.Policy):
            self.subscriber.node.add_dependency(policy)


def _bus_arn(bus: Any) -> str:
    if isinstance(bus, eventsv2.CfnEventBus):
        return bus.attr_event_bus_arn
    if isinstance(bus, str) and (cdk.Token.is_unresolved(bus) or re.fullmatch(EVENT_BUS_V2_ARN_PATTERN, bus)):
        return bus
    hint = (
        " (a classic bus cannot name executions: for events that need no name use "
        "events.Rule(..., targets=[targets.LambdaFunction(fn.alias)]))"
        if isinstance(getattr(bus, "event_bus_arn", None), str)  # events.IEventBus (classic)
        else ""
    )
    shown = repr(bus) if isinstance(bus, str) else type(bus).__name__
    raise v.DurableValidationError(
        "add_event_starter bus must be an EventBridge Custom Event Bus: an aws_eventsv2.CfnEventBus or its "
        f"ARN (arn:aws:events:REGION:ACCOUNT:event-busv2/NAME/ID), got {shown}{hint}"
    )


def _pattern_json(pattern: Any) -> str | None:
    """The filter pattern as JSON text (``Mapping`` or ``events.EventPattern``); None for every event."""
    if pattern is None:
        return None
    if isinstance(pattern, events.EventPattern):
        pattern = {
            key: getattr(pattern, attr)
            for attr, key in _EVENT_PATTERN_KEYS.items()
            if getattr(pattern, attr) is not None
        }
    if not isinstance(pattern, Mapping) or not pattern:
        raise v.DurableValidationError(
            "add_event_starter event_pattern must be a non-empty event pattern (a dict such as "
            "{'detail-type': ['OrderPlaced']}, or an events.EventPattern), got "
            f"{pattern!r}"
        )
    if _has_wildcard(pattern):
        raise v.DurableValidationError(
            "add_event_starter event_pattern uses 'wildcard': Custom Event Bus subscriber filters do not "
            "support wildcard matching; use 'prefix', 'suffix' or 'equals-ignore-case'"
        )
    try:
        text = json.dumps(pattern, separators=(",", ":"), sort_keys=True)
    except TypeError as error:
        raise v.DurableValidationError(
            f"add_event_starter event_pattern must be plain JSON values, not tokens or objects: {error}"
        ) from None
    if len(text) > FILTER_PATTERN_MAX_LENGTH:
        raise v.DurableValidationError(
            f"add_event_starter event_pattern must be at most {FILTER_PATTERN_MAX_LENGTH} characters of "
            f"JSON, got {len(text)}"
        )
    return text


def _has_wildcard(value: Any) -> bool:
    if isinstance(value, Mapping):
        return "wildcard" in value or any(_has_wildcard(x) for x in value.values())
    if isinstance(value, list | tuple):
        return any(_has_wildcard(x) for x in value)
    return False


def _age_seconds(age: Any) -> int | None:
    if age is None:
        return None
    if not isinstance(age, cdk.Duration):
        raise v.DurableValidationError(
            f"add_event_starter max_event_age must be a Duration (e.g. Duration.hours(1)), got {age!r}"
        )
    if age.is_unresolved():
        raise v.DurableValidationError(
            "add_event_starter max_event_age must be a literal Duration, not a token"
        )
    seconds = age.to_seconds(integral=False)
    low, high = MAX_EVENT_AGE_SECONDS
    if seconds != int(seconds) or not low <= seconds <= high:
        raise v.DurableValidationError(
            f"add_event_starter max_event_age must be whole seconds between 1 minute and 24 hours, "
            f"got {seconds:g} seconds"
        )
    return int(seconds)
