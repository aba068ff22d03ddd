"""The one resolver of CloudFormation intrinsic functions, offline (standard library only).

Both readers of templates use it: the durable rules (``checks._template.StackTemplate.resolve``:
``ExecutionTimeout: !Ref Timeout`` is the parameter's ``Default``) and ``cdk-durable run``
(``local_run.template``: environment values, with functions of the template standing in locally).

What it resolves: ``Ref`` (pseudo parameters given by the caller, parameters with a ``Default``,
resources through the caller's ``ref`` hook), ``Fn::GetAtt`` (``get_att`` hook), ``Fn::Sub``,
``Fn::Join``, ``Fn::Select``, ``Fn::FindInMap``. Anything else - a parameter without a ``Default``,
``Fn::ImportValue``, ``Fn::If`` (conditions are not evaluated) - raises :class:`Unresolved`, naming
what could not be resolved, so a caller reports "not checked" or "not set" instead of guessing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")
#: Nesting beyond this is not a template anyone writes: refused rather than recursed into.
_MAX_DEPTH = 50


class Unresolved(Exception):
    """A value that cannot be known offline; ``what`` names it (``Ref Timeout``, ``Fn::ImportValue``)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass
class Intrinsics:
    """Resolves intrinsic functions against one template's parameters and mappings."""

    parameters: Mapping[str, Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    pseudo: Mapping[str, Any] = field(default_factory=dict)
    #: ``Ref`` of a resource (``None``: not resolvable).
    ref: Callable[[str], Any] | None = None
    #: ``Fn::GetAtt`` of a resource attribute (``None``: not resolvable).
    get_att: Callable[[str, str], Any] | None = None

    @classmethod
    def of_template(cls, template: Mapping[str, Any], **hooks: Any) -> Intrinsics:
        parameters = template.get("Parameters")
        mappings = template.get("Mappings")
        return cls(
            parameters=parameters if isinstance(parameters, Mapping) else {},
            mappings=mappings if isinstance(mappings, Mapping) else {},
            **hooks,
        )

    def resolve(self, value: Any, _depth: int = 0) -> Any:
        """``value`` with its intrinsic functions evaluated; raises :class:`Unresolved`."""
        if _depth > _MAX_DEPTH:
            raise Unresolved("an expression nested too deeply")
        if not isinstance(value, Mapping) or len(value) != 1:
            return value
        ((key, arg),) = value.items()
        depth = _depth + 1
        if key == "Ref" and isinstance(arg, str):
            return self._ref(arg)
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
                if self.get_att is None:
                    raise Unresolved(f"Fn::GetAtt {parts[0]}.{parts[1]}")
                return self.get_att(parts[0], parts[1])
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else _sub_args(arg)
            return self._sub(text, variables, depth)
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            separator = self.resolve(arg[0], depth)
            return str(separator).join(to_text(self.resolve(part, depth)) for part in arg[1])
        if key == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
            index, items = number(self.resolve(arg[0], depth)), self.resolve(arg[1], depth)
            if isinstance(items, list) and index is not None and 0 <= int(index) < len(items):
                return self.resolve(items[int(index)], depth)
        if key == "Fn::FindInMap" and isinstance(arg, list) and len(arg) == 3:
            names = [to_text(self.resolve(part, depth)) for part in arg]
            top = self.mappings.get(names[0])
            second = top.get(names[1]) if isinstance(top, Mapping) else None
            if isinstance(second, Mapping) and names[2] in second:
                return second[names[2]]
        if key.startswith("Fn::") or key == "Ref":
            raise Unresolved(key if key != "Ref" else f"Ref {json.dumps(arg)[:40]}")
        return value

    def _ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        parameter = self.parameters.get(name)
        if isinstance(parameter, Mapping):
            if "Default" in parameter:
                return parameter["Default"]
            raise Unresolved(f"Ref {name} (a parameter without a Default)")
        if self.ref is not None:
            return self.ref(name)
        raise Unresolved(f"Ref {name}")

    def _sub(self, text: Any, variables: Mapping[str, Any], depth: int) -> str:
        if not isinstance(text, str):
            raise Unresolved("Fn::Sub")

        def replace(match: re.Match[str]) -> str:
            name = match[1]
            if name in variables:
                return to_text(self.resolve(variables[name], depth))
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return to_text(self.resolve({"Fn::GetAtt": [logical_id, attribute]}, depth))
            return to_text(self._ref(name))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")


def _sub_args(arg: Any) -> tuple[Any, Mapping[str, Any]]:
    if isinstance(arg, list) and arg:
        variables = arg[1] if len(arg) > 1 and isinstance(arg[1], Mapping) else {}
        return arg[0], variables
    raise Unresolved("Fn::Sub")


def to_text(value: Any) -> str:
    """A resolved scalar as CloudFormation turns it into a string; anything else raises Unresolved."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise Unresolved(json.dumps(value, default=str)[:60])


def number(value: Any) -> float | None:
    """A resolved number (a parameter's ``Default`` is often the string ``"900"``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            return None
        return parsed if parsed == parsed and abs(parsed) != float("inf") else None
    return None
