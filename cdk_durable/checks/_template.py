"""A read-only view of one stack's resources, as CloudFormation sees them, plus the lookups rules need.

Rules are pure functions of one resource and this view, returning a :class:`Compliance`. Every way
of running them builds this same view:

- ``StackTemplate.from_template(template)`` from a template dict: the synthesized template
  (``DurableChecks`` plugin mode: exact, overrides included) and the template cfn-lint hands its
  rules (``cdk_durable.cfn_lint``: plain CloudFormation, or SAM after cfn-lint's own transform);
- ``StackTemplate(resources)`` from the L1 constructs of a stack (``DurableChecks`` aspect mode: the
  L1 properties resolved with ``stack.resolve``; raw overrides are not visible there).

Standard library only (no aws-cdk-lib, no cdk-nag): the cfn-lint plugin imports it.

Function references are recognised in the shapes CloudFormation templates use:
``{"Ref": Fn}`` (the unqualified name), ``{"Fn::GetAtt": [Fn, "Arn"]}`` (the unqualified ARN),
``{"Ref": Alias}`` / ``{"Ref": Version}`` (qualified ARNs), ``Fn::Join`` parts such as
``[GetAtt Fn.Arn, ":live"]`` or ``[GetAtt Fn.Arn, ":$LATEST"]``, ``Fn::Sub`` strings
(``${Fn.Arn}:live``) and literal ARNs or names of functions whose ``FunctionName`` is a literal.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from .. import platform as p
from .._intrinsics import Intrinsics, Unresolved, number

FUNCTION = "AWS::Lambda::Function"
VERSION = "AWS::Lambda::Version"
ALIAS = "AWS::Lambda::Alias"

#: Qualifier value for a reference that carries no qualifier (the unqualified ARN or name).
UNQUALIFIED: None = None
LATEST = "$LATEST"

#: A function ARN in template text; region and account may be empty (``${AWS::Region}`` taken out).
_LITERAL_ARN = re.compile(
    p.function_arn_pattern(rf"({p.FUNCTION_NAME_CHARS})", region=r'[^:\s"]*', account=r'[^:\s"]*')
    + rf"(?::({p.QUALIFIER_CHARS}))?"
)
_QUALIFIER_AFTER = re.compile(r"^:([A-Za-z0-9_$-]*)")
_SUB_REF = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}")


RETAIN = "Retain"
RETAIN_EXCEPT_ON_CREATE = "RetainExceptOnCreate"


class Compliance(Enum):
    """A rule's verdict on one resource (the adapters map it to cdk-nag's or cfn-lint's terms)."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"
    #: The rule applies but a value it needs is not known offline (a parameter without a Default, an
    #: import, a conditional deny): reported by DUR-W5 ("not checked"), never counted as passed.
    NOT_CHECKED = "not-checked"


@dataclass(frozen=True)
class Resource:
    """One resource of a template: logical id, type, resolved ``Properties`` and the resource
    attributes ``DeletionPolicy`` / ``UpdateReplacePolicy`` (``None`` when absent)."""

    logical_id: str
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    deletion_policy: str | None = None
    update_replace_policy: str | None = None

    def get(self, path: str) -> Any:
        """``get("DurableConfig.ExecutionTimeout")``: the value at a dotted path, or ``None``."""
        value: Any = self.properties
        for key in path.split("."):
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    @property
    def is_durable_function(self) -> bool:
        return self.type == FUNCTION and isinstance(self.properties.get("DurableConfig"), Mapping)


@dataclass(frozen=True)
class FunctionTarget:
    """A reference to a function found in a property value.

    ``qualifier`` is ``None`` for the unqualified ARN or name, ``"$LATEST"``, a version number, an
    alias name, or ``"*"`` when the reference is qualified by a value that is not known at synth time.
    """

    function_id: str
    qualifier: str | None
    #: The view of the stack the function is in, when it is another stack of the app (a reference
    #: across stacks); ``None`` for the stack being checked.
    stack: StackTemplate | None = field(default=None, compare=False, repr=False)

    @property
    def is_unqualified_or_latest(self) -> bool:
        return self.qualifier is None or self.qualifier == LATEST


class StackTemplate:
    """The resources of one stack, by logical id, with the lookups the rules share."""

    def __init__(
        self,
        resources: Iterable[Resource],
        exports: Mapping[str, Any] | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
        mappings: Mapping[str, Any] | None = None,
    ) -> None:
        self.resources: dict[str, Resource] = {r.logical_id: r for r in resources}
        #: ``Outputs`` exported by this stack: export name -> value (for ``Fn::ImportValue``).
        self.exports: dict[str, Any] = dict(exports or {})
        #: Every stack of the app (this one included), for references across stacks; see :meth:`link`.
        self.app: list[StackTemplate] = [self]
        #: Intrinsics resolved offline: ``Ref`` of a parameter is its ``Default`` (see ``number``).
        self.intrinsics = Intrinsics(parameters=parameters or {}, mappings=mappings or {})
        self._names: dict[str, str] = {}
        for r in self.resources.values():
            name = r.properties.get("FunctionName") if r.type == FUNCTION else None
            if isinstance(name, str):
                self._names[name] = r.logical_id

    @staticmethod
    def link(views: Iterable[StackTemplate]) -> None:
        """Let each view resolve references into the others: ``Fn::ImportValue`` of another stack's
        export (CDK's automatic exports and explicit ``CfnOutput`` exports) and, before CDK has
        turned them into exports, ``Ref`` / ``Fn::GetAtt`` of another stack's logical id."""
        linked = list(views)
        for view in linked:
            view.app = linked

    @classmethod
    def from_template(cls, template: Mapping[str, Any]) -> StackTemplate:
        """From a synthesized template (``{"Resources": {...}, "Outputs": {...}}``)."""
        resources = template.get("Resources")
        resources = resources if isinstance(resources, Mapping) else {}
        parameters, mappings = template.get("Parameters"), template.get("Mappings")
        exports: dict[str, Any] = {}
        outputs = template.get("Outputs")
        for output in outputs.values() if isinstance(outputs, Mapping) else ():
            export = output.get("Export") if isinstance(output, Mapping) else None
            name = export.get("Name") if isinstance(export, Mapping) else None
            if isinstance(name, str):
                exports[name] = output.get("Value")
        return cls(
            (
                Resource(
                    lid,
                    str(body.get("Type", "")),
                    props if isinstance(props := body.get("Properties"), Mapping) else {},
                    deletion_policy=_policy(body.get("DeletionPolicy")),
                    update_replace_policy=_policy(body.get("UpdateReplacePolicy")),
                )
                for lid, body in resources.items()
                if isinstance(body, Mapping)
            ),
            exports,
            parameters=parameters if isinstance(parameters, Mapping) else None,
            mappings=mappings if isinstance(mappings, Mapping) else None,
        )

    # --- values -----------------------------------------------------------------------------------

    def number(self, value: Any) -> float | None:
        """A numeric property: a literal, or an intrinsic resolved offline (``!Ref Param`` -> its
        ``Default``). ``None`` when absent; raises :class:`Unresolved` when it cannot be known."""
        if value is None:
            return None
        resolved = self.intrinsics.resolve(value)
        parsed = number(resolved)
        if parsed is None:
            raise Unresolved(f"{json.dumps(value, default=str)[:60]} is not a number")
        return parsed

    # --- lookups ----------------------------------------------------------------------------------

    def get(self, logical_id: str) -> Resource | None:
        return self.resources.get(logical_id)

    def of_type(self, *types: str) -> Iterator[Resource]:
        return (r for r in self.resources.values() if r.type in types)

    @property
    def durable_functions(self) -> list[Resource]:
        return [r for r in self.resources.values() if r.is_durable_function]

    def function_targets(self, value: Any) -> list[FunctionTarget]:
        """Every function referenced in ``value`` (any shape), with its qualifier."""
        found: list[FunctionTarget] = []
        self._walk(value, found)
        return found

    def durable_targets(self, value: Any) -> list[FunctionTarget]:
        """Like :meth:`function_targets`, restricted to durable functions (of this stack, or of another
        stack of the app when the reference crosses stacks)."""
        return [
            t
            for t in self.function_targets(value)
            if (r := self.resource_of(t)) is not None and r.is_durable_function
        ]

    def resource_of(self, target: FunctionTarget) -> Resource | None:
        """The function resource a target designates, in whichever stack of the app it is."""
        return (target.stack or self).get(target.function_id)

    # --- across stacks ------------------------------------------------------------------------------

    def _imported(self, name: Any) -> tuple[StackTemplate, Any] | None:
        """The stack exporting ``name`` and the exported value."""
        if not isinstance(name, str):
            return None
        for view in self.app:
            if view is not self and name in view.exports:
                return view, view.exports[name]
        return None

    def _foreign(self, logical_id: str) -> tuple[StackTemplate, Resource] | None:
        """A resource of another stack of the app (a cross-stack reference before CDK exported it)."""
        for view in self.app:
            if view is not self and (r := view.get(logical_id)) is not None:
                return view, r
        return None

    def references(self, value: Any, logical_id: str) -> bool:
        """True if ``value`` refers to the resource ``logical_id`` (``Ref`` or ``Fn::GetAtt``)."""
        if isinstance(value, Mapping):
            if len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Ref" and arg == logical_id:
                    return True
                if key == "Fn::GetAtt" and _getatt(arg)[0] == logical_id:
                    return True
            return any(self.references(v, logical_id) for v in value.values())
        if isinstance(value, list):
            return any(self.references(v, logical_id) for v in value)
        return False

    def referenced_resource(self, value: Any) -> Resource | None:
        """The resource of this stack that ``value`` is a bare ``Ref`` / ``Fn::GetAtt`` of."""
        if isinstance(value, Mapping) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str):
                return self.get(arg)
            if key == "Fn::GetAtt":
                return self.get(_getatt(arg)[0])
        return None

    # --- reference walking ------------------------------------------------------------------------

    def _direct(self, value: Any) -> FunctionTarget | None:
        """A target if ``value`` is itself a Ref/GetAtt of a function, version or alias."""
        if not isinstance(value, Mapping) or len(value) != 1:
            return None
        ((key, arg),) = value.items()
        if key == "Fn::ImportValue":
            imported = self._imported(arg)
            if imported is None:
                return None
            owner, exported = imported
            return _rehome(owner._direct(exported), owner)
        if key == "Ref" and isinstance(arg, str):
            lid, attr = arg, "Ref"
        elif key == "Fn::GetAtt":
            lid, attr = _getatt(arg)
        else:
            return None
        r = self.get(lid)
        if r is not None:
            return self._target_of(r, attr)
        foreign = self._foreign(lid)
        if foreign is None:
            return None
        owner, r = foreign
        return _rehome(owner._target_of(r, attr), owner)

    def _target_of(self, r: Resource, attr: str) -> FunctionTarget | None:
        if r.type == FUNCTION and attr in ("Ref", "Arn"):
            return FunctionTarget(r.logical_id, UNQUALIFIED)
        if r.type in (VERSION, ALIAS):
            fn = self._function_of(r.properties.get("FunctionName"))
            if fn is None:
                return None
            if r.type == ALIAS:
                name = r.properties.get("Name")
                return FunctionTarget(fn, name if isinstance(name, str) else "*")
            return FunctionTarget(fn, "*")
        return None

    def _function_of(self, value: Any) -> str | None:
        """Logical id of the function a ``FunctionName`` value designates (any qualifier)."""
        targets = self.function_targets(value)
        return targets[0].function_id if targets else None

    def _walk(self, value: Any, found: list[FunctionTarget]) -> None:
        direct = self._direct(value)
        if direct is not None:
            found.append(direct)
            return
        if isinstance(value, Mapping) and len(value) == 1 and "Fn::ImportValue" in value:
            imported = self._imported(value["Fn::ImportValue"])
            if imported is not None:  # an export that is not a plain reference (a Join, a Sub)
                owner, exported = imported
                found += [t for t in (_rehome(t, owner) for t in owner.function_targets(exported)) if t]
            return
        if isinstance(value, str):
            self._walk_text(value, found)
        elif isinstance(value, list):
            for v in value:
                self._walk(v, found)
        elif isinstance(value, Mapping):
            if len(value) == 1 and "Fn::Join" in value:
                self._walk_join(value["Fn::Join"], found)
            elif len(value) == 1 and "Fn::Sub" in value:
                self._walk_sub(value["Fn::Sub"], found)
            else:
                for v in value.values():
                    self._walk(v, found)

    def _walk_join(self, arg: Any, found: list[FunctionTarget]) -> None:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list)):
            self._walk(arg, found)
            return
        sep, parts = arg
        sep = sep if isinstance(sep, str) else ""
        for i, part in enumerate(parts):
            direct = self._direct(part)
            if direct is None:
                self._walk(part, found)
                continue
            if direct.qualifier is UNQUALIFIED:
                following = sep + (
                    parts[i + 1] if i + 1 < len(parts) and isinstance(parts[i + 1], str) else ""
                )
                if i + 1 < len(parts) and not isinstance(parts[i + 1], str) and sep == ":":
                    direct = FunctionTarget(direct.function_id, "*")  # qualifier from a token
                else:
                    m = _QUALIFIER_AFTER.match(following)
                    if m is not None:
                        direct = FunctionTarget(direct.function_id, m.group(1) or "*")
            found.append(direct)

    def _walk_sub(self, arg: Any, found: list[FunctionTarget]) -> None:
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if isinstance(variables, Mapping):
            self._walk(list(variables.values()), found)
        if not isinstance(text, str):
            return
        for m in _SUB_REF.finditer(text):
            lid, attr = m.group(1), m.group(2) or "Ref"
            r = self.get(lid)
            target = self._target_of(r, attr) if r is not None else None
            if target is None:
                continue
            if target.qualifier is UNQUALIFIED:
                q = _QUALIFIER_AFTER.match(text[m.end() :])
                if q is not None:
                    target = FunctionTarget(target.function_id, q.group(1) or "*")
            found.append(target)
        self._walk_text(_SUB_REF.sub("", text), found)

    def _walk_text(self, text: str, found: list[FunctionTarget]) -> None:
        for m in _LITERAL_ARN.finditer(text):
            lid = self._names.get(m.group(1))
            if lid is not None:
                found.append(FunctionTarget(lid, m.group(2)))
        lid = self._names.get(text.split(":")[0]) if _is_function_name_ref(text) else None
        if lid is not None:
            parts = text.split(":")
            found.append(FunctionTarget(lid, parts[1] if len(parts) > 1 else UNQUALIFIED))

    # --- IAM ----------------------------------------------------------------------------------------

    def role_statements(self, role: Resource) -> list[Mapping[str, Any]]:
        """Statements of the inline and in-stack attached policies of ``role``."""
        statements: list[Mapping[str, Any]] = []
        for policy in as_list(role.properties.get("Policies")):
            if isinstance(policy, Mapping):
                statements += _statements(policy.get("PolicyDocument"))
        for r in self.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            if any(self.references(v, role.logical_id) for v in as_list(r.properties.get("Roles"))):
                statements += _statements(r.properties.get("PolicyDocument"))
        for r in self.of_type("AWS::IAM::RolePolicy"):
            if self.references(r.properties.get("RoleName"), role.logical_id):
                statements += _statements(r.properties.get("PolicyDocument"))
        for arn in as_list(role.properties.get("ManagedPolicyArns")):
            managed = self.referenced_resource(arn)
            if managed is not None and managed.type == "AWS::IAM::ManagedPolicy":
                statements += _statements(managed.properties.get("PolicyDocument"))
        return statements


def _rehome(target: FunctionTarget | None, owner: StackTemplate) -> FunctionTarget | None:
    """A target found in ``owner``'s view, as seen from another stack."""
    if target is None or target.stack is not None:
        return target
    return replace(target, stack=owner)


def _policy(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _getatt(arg: Any) -> tuple[str, str]:
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], str):
        return arg[0], arg[1]
    if isinstance(arg, str) and "." in arg:
        lid, attr = arg.split(".", 1)
        return lid, attr
    return "", ""


def _is_function_name_ref(text: str) -> bool:
    """``my-fn`` or ``my-fn:live`` (a bare function name, as ``FunctionName`` accepts)."""
    return re.fullmatch(r"[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?", text) is not None


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    statement = document.get("Statement")
    if isinstance(statement, Mapping):
        return [statement]
    if isinstance(statement, list):
        return [s for s in statement if isinstance(s, Mapping)]
    return []


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def mapping_values(value: Any) -> Iterator[Mapping[str, Any]]:
    """The values of ``value`` that are objects, if ``value`` is one (a template's ``Resources``, a
    state machine's ``States``): a hand-written template may hold anything anywhere."""
    if isinstance(value, Mapping):
        yield from (item for item in value.values() if isinstance(item, Mapping))


def _matches(patterns: Any, action: str) -> bool:
    names = [a.lower() for a in as_list(patterns) if isinstance(a, str)]
    return any(fnmatch.fnmatchcase(action.lower(), a) for a in names)


def denies_actions(statements: Sequence[Mapping[str, Any]], actions: Iterable[str]) -> Compliance:
    """Whether an explicit ``Deny`` takes any of ``actions`` away: ``NON_COMPLIANT`` for an
    unconditional deny, ``NOT_CHECKED`` for one with a ``Condition`` (it may or may not apply),
    ``COMPLIANT`` when nothing denies them. ``NotAction`` denies every action it does not list."""
    verdict = Compliance.COMPLIANT
    for s in statements:
        if s.get("Effect") != "Deny":
            continue
        if "NotAction" in s:
            hit = any(not _matches(s.get("NotAction"), action) for action in actions)
        else:
            hit = any(_matches(s.get("Action"), action) for action in actions)
        if not hit:
            continue
        if s.get("Condition"):
            verdict = Compliance.NOT_CHECKED
        else:
            return Compliance.NON_COMPLIANT
    return verdict


def allows_actions(statements: Sequence[Mapping[str, Any]], actions: Iterable[str]) -> bool:
    """True if every action in ``actions`` is allowed by some ``Allow`` statement (wildcards honoured)."""
    allowed: list[str] = []
    for s in statements:
        if s.get("Effect") == "Allow":
            allowed += [a.lower() for a in as_list(s.get("Action")) if isinstance(a, str)]
    return all(any(fnmatch.fnmatchcase(action.lower(), a) for a in allowed) for action in actions)


def mentions_managed_policy(value: Any, policy_name: str = p.DURABLE_MANAGED_POLICY_NAME) -> bool:
    """True if a ``ManagedPolicyArns`` entry (a string, an ``Fn::Join`` or an ``Fn::Sub`` such as
    ``arn:${AWS::Partition}:iam::aws:policy/service-role/<name>``) names ``policy_name``."""
    if isinstance(value, str):
        return value.endswith(":policy/" + policy_name)
    if isinstance(value, Mapping) and "Fn::Sub" in value:
        arg = value["Fn::Sub"]
        text = arg[0] if isinstance(arg, list) and arg else arg
        return isinstance(text, str) and text.endswith(":policy/" + policy_name)
    if isinstance(value, Mapping) and "Fn::Join" in value:
        arg = value["Fn::Join"]
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            text = "".join(v if isinstance(v, str) else "\x00" for v in arg[1])
            return text.endswith(":policy/" + policy_name)
    return False
