"""What the OpenTelemetry rules read from a function: its environment and its layers, as text.

Template values may be literals or intrinsics; these helpers flatten ``Fn::Join`` / ``Fn::Sub`` to
text (unknown parts become ``\\x00``) so a layer ARN built from ``${AWS::Region}`` is still
recognised. Facts (names, marks) come from :mod:`cdk_durable.platform`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import platform as p
from .._template import Resource, StackTemplate, allows_actions, as_list, mentions_managed_policy

UNKNOWN = "\x00"


def text_of(value: Any) -> str | None:
    """The literal text of a value (``Fn::Join`` / ``Fn::Sub`` flattened), ``None`` if not text."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            sep = arg[0] if isinstance(arg[0], str) else ""
            return sep.join(t if (t := text_of(v)) is not None else UNKNOWN for v in arg[1])
        if fn == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
            return text if isinstance(text, str) else None
    return None


def environment(resource: Resource) -> Mapping[str, Any]:
    variables = resource.get("Environment.Variables")
    return variables if isinstance(variables, Mapping) else {}


def env_text(resource: Resource, name: str) -> str | None:
    return text_of(environment(resource).get(name))


def layers(resource: Resource) -> list[Any]:
    return as_list(resource.properties.get("Layers"))


def is_otel_layer(value: Any) -> bool:
    text = text_of(value)
    return text is not None and any(mark in text for mark in p.OTEL_LAYER_MARKS)


def is_adot_layer(value: Any) -> bool:
    text = text_of(value)
    return text is not None and p.ADOT_LAYER_MARK in text


def otel_wrapper(resource: Resource) -> str | None:
    """The ``AWS_LAMBDA_EXEC_WRAPPER`` value if it is an OpenTelemetry layer's wrapper."""
    wrapper = env_text(resource, p.ENV_EXEC_WRAPPER)
    return wrapper if wrapper is not None and wrapper.startswith(p.OTEL_WRAPPER_PREFIX) else None


def on_xray_path(resource: Resource) -> bool:
    """Traces go to X-Ray: the ADOT layer, or the ``xray`` propagator."""
    propagators = env_text(resource, p.ENV_OTEL_PROPAGATORS) or ""
    return any(is_adot_layer(layer) for layer in layers(resource)) or "xray" in propagators.split(",")


def role_can_write_xray(resource: Resource, stack: StackTemplate) -> bool | None:
    """Whether the in-stack execution role may write to X-Ray; ``None`` if the role is not in the stack."""
    role = stack.referenced_resource(resource.properties.get("Role"))
    if role is None or role.type != "AWS::IAM::Role":
        return None
    managed = role.properties.get("ManagedPolicyArns") or []
    if any(mentions_managed_policy(arn, name) for arn in managed for name in p.XRAY_MANAGED_POLICIES):
        return True
    return allows_actions(stack.role_statements(role), p.XRAY_WRITE_ACTIONS)
