"""DUR-E14: a synchronous invoker targets a durable function whose ExecutionTimeout is over 15 minutes.

A synchronous (``RequestResponse``) invocation of a durable function is limited to 15 minutes. These
invokers are synchronous:

- ``AWS::ApiGateway::Method`` with a Lambda integration: ``AWS_PROXY`` always; ``AWS`` (non-proxy)
  unless its request parameters set ``integration.request.header.X-Amz-Invocation-Type`` to ``'Event'``;
- ``AWS::ApiGatewayV2::Integration`` (``AWS_PROXY``: HTTP APIs invoke synchronously);
- ``AWS::Lambda::Url`` (function URLs invoke synchronously);
- ``AWS::StepFunctions::StateMachine`` ``Task`` states on ``arn:...:states:::lambda:invoke`` without
  ``InvocationType: Event`` (the ``.waitForTaskToken`` variant is asynchronous), or a function ARN as
  the state's ``Resource`` (the legacy synchronous form). The definition is read whether it is a
  ``Definition`` object, a JSON ``DefinitionString`` or CDK's ``Fn::Join`` of one.

Non-compliant when one of them targets a durable function whose ``ExecutionTimeout`` is above 15
minutes; compliant when the targets are all shorter; not applicable otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ... import platform as p
from .._template import Compliance, FunctionTarget, Resource, StackTemplate, mapping_values

_LAMBDA_INVOKE = re.compile(r":states:::lambda:invoke(\.waitForTaskToken)?$")
_PLACEHOLDER = re.compile(r"__cdk_durable_part_(\d+)__")
_ASYNC_HEADER = "integration.request.header.X-Amz-Invocation-Type"


def _api_method_targets(resource: Resource, stack: StackTemplate) -> list[FunctionTarget]:
    integration = resource.properties.get("Integration")
    if not isinstance(integration, Mapping) or integration.get("Type") not in ("AWS_PROXY", "AWS"):
        return []
    if integration.get("Type") == "AWS":
        params = integration.get("RequestParameters")
        if isinstance(params, Mapping) and str(params.get(_ASYNC_HEADER, "")).strip("'") == "Event":
            return []
    return stack.durable_targets(integration.get("Uri"))


def _definition(resource: Resource) -> tuple[Any, list[Any]]:
    """The state machine definition as a dict, and the non-string parts CDK joined into it."""
    definition = resource.properties.get("Definition")
    if isinstance(definition, Mapping):
        return definition, []
    text = resource.properties.get("DefinitionString")
    parts: list[Any] = []
    if isinstance(text, Mapping) and "Fn::Join" in text:
        arg = text["Fn::Join"]
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list)):
            return None, []
        pieces = []
        for part in arg[1]:
            if isinstance(part, str):
                pieces.append(part)
            else:
                pieces.append(f"__cdk_durable_part_{len(parts)}__")
                parts.append(part)
        text = (arg[0] if isinstance(arg[0], str) else "").join(pieces)
    if not isinstance(text, str):
        return None, []
    try:
        return json.loads(text), parts
    except ValueError:
        return None, []


def _states(definition: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(definition, Mapping):
        return
    for state in mapping_values(definition.get("States")):
        yield state
        for branch in state.get("Branches") or []:
            yield from _states(branch)
        for key in ("ItemProcessor", "Iterator"):
            yield from _states(state.get(key))


def _restore(value: Any, parts: list[Any]) -> Any:
    """Put the joined-in references back where the placeholders are."""
    if isinstance(value, str):
        m = _PLACEHOLDER.fullmatch(value)
        if m:
            return parts[int(m.group(1))]
        if _PLACEHOLDER.search(value):
            pieces: list[Any] = []
            last = 0
            for m in _PLACEHOLDER.finditer(value):
                pieces += [value[last : m.start()], parts[int(m.group(1))]]
                last = m.end()
            pieces.append(value[last:])
            return {"Fn::Join": ["", [x for x in pieces if x != ""]]}
        return value
    if isinstance(value, Mapping):
        return {k: _restore(v, parts) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, parts) for v in value]
    return value


def _state_machine_targets(resource: Resource, stack: StackTemplate) -> list[FunctionTarget]:
    definition, parts = _definition(resource)
    found: list[FunctionTarget] = []
    for state in _states(definition):
        if state.get("Type") != "Task":
            continue
        raw = state.get("Resource")
        if not isinstance(raw, str):
            continue
        args = state.get("Parameters") or state.get("Arguments") or {}
        args = args if isinstance(args, Mapping) else {}
        m = _LAMBDA_INVOKE.search(raw)
        if m is not None:
            if m.group(1) or str(args.get("InvocationType", "RequestResponse")) == "Event":
                continue
            found += stack.durable_targets(_restore(args.get("FunctionName"), parts))
        elif ":states:::" not in raw:  # a function ARN as the Resource: the legacy synchronous form
            found += stack.durable_targets(_restore(raw, parts))
    return found


def sync_invocation_timeout(resource: Resource, stack: StackTemplate) -> Compliance:
    if resource.type == "AWS::ApiGateway::Method":
        targets = _api_method_targets(resource, stack)
    elif resource.type == "AWS::ApiGatewayV2::Integration":
        kind = resource.properties.get("IntegrationType")
        targets = (
            stack.durable_targets(resource.properties.get("IntegrationUri")) if kind == "AWS_PROXY" else []
        )
    elif resource.type == "AWS::Lambda::Url":
        targets = stack.durable_targets(resource.properties.get("TargetFunctionArn"))
    elif resource.type == "AWS::StepFunctions::StateMachine":
        targets = _state_machine_targets(resource, stack)
    else:
        return Compliance.NOT_APPLICABLE
    timeouts = [
        fn.get("DurableConfig.ExecutionTimeout") for t in targets if (fn := stack.resource_of(t)) is not None
    ]
    known = [t for t in timeouts if isinstance(t, int | float)]
    if not known:
        return Compliance.NOT_APPLICABLE
    if any(t > p.SYNC_INVOCATION_MAX_SECONDS for t in known):
        return Compliance.NON_COMPLIANT
    return Compliance.COMPLIANT
