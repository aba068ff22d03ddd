"""DUR-E1: something invokes a durable function through its unqualified ARN or ``$LATEST``.

Lambda rejects unqualified invocations of durable functions ("You cannot invoke a durable function
using an unqualified ARN"), and ``AWS::Lambda::Permission`` rejects ``$LATEST``; a permission on the
unqualified ARN does not cover a version or alias. The rule looks at the properties through which
each resource type invokes a function (table below) and is non-compliant when one of them designates a
durable function of the same stack without a version or alias.
"""

from __future__ import annotations

from typing import Final

from cdk_nag import NagRuleCompliance

from .._template import LATEST, Resource, StackTemplate
from ._paths import values_at

#: Resource type -> property paths that name the function it invokes.
INVOCATION_PATHS: Final[dict[str, tuple[str, ...]]] = {
    "AWS::Events::Rule": ("Targets.*.Arn",),
    "AWS::Scheduler::Schedule": ("Target.Arn",),
    "AWS::Lambda::EventSourceMapping": ("FunctionName",),
    "AWS::Lambda::Permission": ("FunctionName",),
    "AWS::Lambda::Url": ("TargetFunctionArn",),
    "AWS::ApiGateway::Method": ("Integration.Uri",),
    "AWS::ApiGatewayV2::Integration": ("IntegrationUri",),
    "AWS::StepFunctions::StateMachine": ("DefinitionString", "Definition"),
    "AWS::SNS::Subscription": ("Endpoint",),
    "AWS::S3::Bucket": ("NotificationConfiguration.LambdaConfigurations.*.Function",),
    "Custom::S3BucketNotifications": (
        "NotificationConfiguration.LambdaFunctionConfigurations.*.LambdaFunctionArn",
    ),
    "AWS::Pipes::Pipe": ("Target",),
    "AWS::AppSync::DataSource": ("LambdaConfig.LambdaFunctionArn",),
    "AWS::IoT::TopicRule": ("TopicRulePayload.Actions.*.Lambda.FunctionArn",),
    "AWS::Lambda::EventInvokeConfig": (
        "DestinationConfig.OnSuccess.Destination",
        "DestinationConfig.OnFailure.Destination",
    ),
    "AWS::Logs::SubscriptionFilter": ("DestinationArn",),
    "AWS::Cognito::UserPool": ("LambdaConfig",),
    "AWS::CloudFormation::CustomResource": ("ServiceToken",),
}
#: Custom resources (``Custom::Name``) invoke their ``ServiceToken``.
CUSTOM_RESOURCE_PATHS: Final = ("ServiceToken",)


def invocation_paths(resource_type: str) -> tuple[str, ...] | None:
    """The properties through which a resource of this type invokes a function, if any."""
    paths = INVOCATION_PATHS.get(resource_type)
    if paths is None and resource_type.startswith("Custom::"):
        return CUSTOM_RESOURCE_PATHS
    return paths


#: Resource type -> a separate property that qualifies the function named in ``INVOCATION_PATHS``.
QUALIFIER_PROPERTIES: Final[dict[str, str]] = {"AWS::Lambda::Url": "Qualifier"}


def unqualified_invocation(resource: Resource, stack: StackTemplate) -> NagRuleCompliance:
    paths = invocation_paths(resource.type)
    if paths is None:
        return NagRuleCompliance.NOT_APPLICABLE
    qualifier = resource.properties.get(QUALIFIER_PROPERTIES.get(resource.type, ""))
    if qualifier is not None and qualifier != LATEST and stack.durable_targets(resource.properties):
        return NagRuleCompliance.COMPLIANT
    targets = [
        t for path in paths for v in values_at(resource.properties, path) for t in stack.durable_targets(v)
    ]
    if not targets:
        return NagRuleCompliance.NOT_APPLICABLE
    if any(t.is_unqualified_or_latest for t in targets):
        return NagRuleCompliance.NON_COMPLIANT
    return NagRuleCompliance.COMPLIANT
