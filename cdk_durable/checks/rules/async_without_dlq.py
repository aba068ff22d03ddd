"""DUR-W1: a durable function that is invoked asynchronously has no dead-letter queue.

Asynchronous invocations (EventBridge rules, Scheduler, SNS, S3 notifications, IoT rules, CloudWatch
Logs subscriptions, CloudFormation custom resources) that cannot
start an execution are retried and then dropped. Dead-letter queues work for durable functions (Lambda
destinations do not). Applies when the stack contains an asynchronous invoker of the function (any
qualifier; the asynchronous rows of ``_invokers.INVOKERS``) or when its ``ExecutionTimeout`` is over
15 minutes (such executions can only run to completion when invoked asynchronously).
"""

from __future__ import annotations

from ... import platform as p
from ..._intrinsics import Unresolved
from .._template import Compliance, Resource, StackTemplate
from ._invokers import invoker, values_at


def _invoked_async(resource: Resource, stack: StackTemplate) -> bool:
    for r in stack.resources.values():
        how = invoker(r.type)
        if how is None or not how.asynchronous:
            continue
        for path in how.paths:
            for v in values_at(r.properties, path):
                if any(
                    t.function_id == resource.logical_id and t.stack is None
                    for t in stack.function_targets(v)
                ):
                    return True
    return False


def async_without_dlq(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    try:
        timeout = stack.number(resource.get("DurableConfig.ExecutionTimeout"))
    except Unresolved:  # not known offline: only an asynchronous invoker makes the rule apply
        timeout = None
    long_running = timeout is not None and timeout > p.SYNC_INVOCATION_MAX_SECONDS
    if not long_running and not _invoked_async(resource, stack):
        return Compliance.NOT_APPLICABLE
    if resource.get("DeadLetterConfig.TargetArn") is not None:
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT
