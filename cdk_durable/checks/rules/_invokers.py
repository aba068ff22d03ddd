"""Who invokes a function, and how: the one table the invocation rules read.

``INVOKERS[resource type]`` lists the property paths (``*`` for list items) that name the function a
resource of that type invokes, and whether it invokes **asynchronously** (``Event`` invocation type:
retried, then dropped unless a dead-letter queue catches it). ``DUR-E1`` (unqualified invocation)
reads every row; ``DUR-W1`` (async without a DLQ) reads the asynchronous ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True)
class Invoker:
    """How one resource type invokes a function: property paths, and whether asynchronously."""

    paths: tuple[str, ...]
    asynchronous: bool = False


#: Resource type -> how it invokes a function.
INVOKERS: Final[dict[str, Invoker]] = {
    "AWS::Events::Rule": Invoker(("Targets.*.Arn",), asynchronous=True),
    "AWS::Scheduler::Schedule": Invoker(("Target.Arn",), asynchronous=True),
    "AWS::Lambda::EventSourceMapping": Invoker(("FunctionName",)),
    "AWS::Lambda::Permission": Invoker(("FunctionName",)),
    "AWS::Lambda::Url": Invoker(("TargetFunctionArn",)),
    "AWS::ApiGateway::Method": Invoker(("Integration.Uri",)),
    "AWS::ApiGatewayV2::Integration": Invoker(("IntegrationUri",)),
    "AWS::StepFunctions::StateMachine": Invoker(("DefinitionString", "Definition")),
    "AWS::SNS::Subscription": Invoker(("Endpoint",), asynchronous=True),
    "AWS::S3::Bucket": Invoker(
        ("NotificationConfiguration.LambdaConfigurations.*.Function",), asynchronous=True
    ),
    "Custom::S3BucketNotifications": Invoker(
        ("NotificationConfiguration.LambdaFunctionConfigurations.*.LambdaFunctionArn",), asynchronous=True
    ),
    "AWS::Pipes::Pipe": Invoker(("Target",)),
    "AWS::AppSync::DataSource": Invoker(("LambdaConfig.LambdaFunctionArn",)),
    "AWS::IoT::TopicRule": Invoker(("TopicRulePayload.Actions.*.Lambda.FunctionArn",), asynchronous=True),
    "AWS::Lambda::EventInvokeConfig": Invoker(
        ("DestinationConfig.OnSuccess.Destination", "DestinationConfig.OnFailure.Destination")
    ),
    "AWS::Logs::SubscriptionFilter": Invoker(("DestinationArn",), asynchronous=True),
    "AWS::Cognito::UserPool": Invoker(("LambdaConfig",)),
    "AWS::CloudFormation::CustomResource": Invoker(("ServiceToken",), asynchronous=True),
    # EventBridge v2 subscribers name the unqualified function and qualify it separately (below).
    "AWS::EventsV2::Subscriber": Invoker(("InvokeConfiguration.TargetArn",)),
}
#: Custom resources (``Custom::Name``) invoke their ``ServiceToken``, asynchronously.
CUSTOM_RESOURCE: Final = Invoker(("ServiceToken",), asynchronous=True)

#: Resource type -> a separate property (dotted path) that qualifies the function named in its paths.
QUALIFIER_PROPERTIES: Final[dict[str, str]] = {
    "AWS::Lambda::Url": "Qualifier",
    "AWS::EventsV2::Subscriber": "InvokeConfiguration.LambdaParameters.Qualifier",
}


def invoker(resource_type: str) -> Invoker | None:
    """How a resource of this type invokes a function, if it does."""
    found = INVOKERS.get(resource_type)
    if found is None and resource_type.startswith("Custom::"):
        return CUSTOM_RESOURCE
    return found


def values_at(value: Any, path: str) -> list[Any]:
    """All values at a dotted ``path``; ``*`` walks every item of a list (or value of a map)."""
    current: list[Any] = [value]
    for key in path.split("."):
        following: list[Any] = []
        for v in current:
            if key == "*":
                if isinstance(v, list):
                    following += v
                elif isinstance(v, Mapping):
                    following += list(v.values())
            elif isinstance(v, Mapping) and key in v:
                following.append(v[key])
        current = following
    return [v for v in current if v is not None]
