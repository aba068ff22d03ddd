"""Argument types checked at the door of every public method: one :class:`DurableValidationError` line
naming the argument, what it must be and what it got, instead of a jsii ``TypeError`` /
``SerializationError`` traceback from deep inside aws-cdk-lib.

jsii interfaces (``sns.ITopic``, ``iam.IGrantable``, ...) are ``typing.Protocol`` classes that
``isinstance`` refuses; :func:`implements` reads what ``@jsii.implements`` records on the class (and on
the jsii proxies of imported resources) instead.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from ._validation import DurableValidationError


def implements(value: Any, iface: type) -> bool:
    """True if ``value`` is a jsii object (or Python class) that implements the jsii interface ``iface``."""
    if isinstance(value, str | int | float | bool | bytes) or value is None:
        return False
    delegates = getattr(value, "__dict__", {}).get("_delegates")  # jsii's InterfaceDynamicProxy
    if isinstance(delegates, list):
        return any(implements(d, iface) for d in delegates)
    for cls in type(value).__mro__:
        if cls is iface:
            return True
        for declared in getattr(cls, "__jsii_ifaces__", None) or ():
            if iface in getattr(declared, "__mro__", ()):
                return True
    proxy = getattr(iface, "__jsii_proxy_class__", None)
    return proxy is not None and isinstance(value, proxy())


def _got(value: Any) -> str:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{type(value).__name__} {shown}"


def require(value: Any, kind: type | tuple[type, ...], name: str, example: str) -> None:
    """``value`` is an instance of ``kind`` (a class, a jsii interface, or a tuple of them)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    ok = False
    for k in kinds:
        try:
            ok = isinstance(value, k)
        except TypeError:  # a jsii interface (typing.Protocol)
            ok = implements(value, k)
        if ok:
            break
    # bool is an int in Python, never in a prop that wants a number
    if ok and isinstance(value, bool) and bool not in kinds:
        ok = False
    if not ok:
        raise DurableValidationError(f"{name} must be {example}, got {_got(value)}")


def require_optional(value: Any, kind: type | tuple[type, ...], name: str, example: str) -> None:
    if value is not None:
        require(value, kind, name, example)


def require_int(value: Any, name: str, low: int, high: int | None = None) -> None:
    """A whole number in ``low``..``high`` (tokens pass)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and cdk.Token.is_unresolved(value):
        return
    bound = f"between {low} and {high}" if high is not None else f">= {low}"
    if not isinstance(value, int) or isinstance(value, bool):
        raise DurableValidationError(f"{name} must be a whole number {bound}, got {_got(value)}")
    if value < low or (high is not None and value > high):
        raise DurableValidationError(f"{name} must be a whole number {bound}, got {value}")


def require_duration(
    value: Any,
    name: str,
    *,
    low_seconds: float | None = None,
    high_seconds: float | None = None,
    bound: str = "",
) -> None:
    """A ``cdk.Duration`` (not seconds as a number), optionally within bounds (tokens pass)."""
    require(value, cdk.Duration, name, "a Duration (e.g. Duration.minutes(5))")
    if value.is_unresolved():
        return
    seconds = float(value.to_seconds(integral=False))
    if (low_seconds is not None and seconds < low_seconds) or (
        high_seconds is not None and seconds > high_seconds
    ):
        raise DurableValidationError(f"{name} must be {bound}, got {value.to_human_string()}")


def require_id(value: Any, name: str = "id") -> None:
    if not isinstance(value, str) or not value:
        raise DurableValidationError(f"{name} must be a non-empty string (a construct id), got {_got(value)}")
