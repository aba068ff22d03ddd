"""DUR-W1: a durable function that is invoked asynchronously has no dead-letter queue.

Asynchronous invocations (EventBridge rules, Scheduler, SNS, S3 notifications, IoT rules, CloudWatch
Logs subscriptions, CloudFormation custom resources) that cannot
start an execution are retried and then dropped. Dead-letter queues work for durable functions (Lambda
destinations do not). Applies when the stack contains an asynchronous invoker of the function (any
qualifier) or when its ``ExecutionTimeout`` is over 15 minutes (such executions can only run to
completion when invoked asynchronously).
"""

from __future__ import annotations

from typing import Final

from cdk_nag import NagRuleCompliance

from ... import platform as p
from .._template import Resource, StackTemplate
from ._paths import values_at

#: Invokers that call Lambda asynchronously (``Event`` invocation type).
ASYNC_INVOCATION_PATHS: Final[dict[str, tuple[str, ...]]] = {
    "AWS::Events::Rule": ("Targets.*.Arn",),
    "AWS::Scheduler::Schedule": ("Target.Arn",),
    "AWS::SNS::Subscription": ("Endpoint",),
    "AWS::S3::Bucket": ("NotificationConfiguration.LambdaConfigurations.*.Function",),
    "Custom::S3BucketNotifications": (
        "NotificationConfiguration.LambdaFunctionConfigurations.*.LambdaFunctionArn",
    ),
    "AWS::IoT::TopicRule": ("TopicRulePayload.Actions.*.Lambda.FunctionArn",),
    "AWS::Logs::SubscriptionFilter": ("DestinationArn",),
    "AWS::CloudFormation::CustomResource": ("ServiceToken",),
}


def _invoked_async(resource: Resource, stack: StackTemplate) -> bool:
    for r in stack.of_type(*ASYNC_INVOCATION_PATHS):
        for path in ASYNC_INVOCATION_PATHS[r.type]:
            for v in values_at(r.properties, path):
                if any(t.function_id == resource.logical_id for t in stack.function_targets(v)):
                    return True
    return False


def async_without_dlq(resource: Resource, stack: StackTemplate) -> NagRuleCompliance:
    if not resource.is_durable_function:
        return NagRuleCompliance.NOT_APPLICABLE
    timeout = resource.get("DurableConfig.ExecutionTimeout")
    long_running = isinstance(timeout, int | float) and timeout > p.SYNC_INVOCATION_MAX_SECONDS
    if not long_running and not _invoked_async(resource, stack):
        return NagRuleCompliance.NOT_APPLICABLE
    if resource.get("DeadLetterConfig.TargetArn") is not None:
        return NagRuleCompliance.COMPLIANT
    return NagRuleCompliance.NON_COMPLIANT
