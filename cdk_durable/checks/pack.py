"""``DurableChecks``: the rule pack, declarative, and the two ways to run it.

- As a cdk-nag 3 pack (a CDK policy-validation plugin)::

      Validations.of(app).add_plugins(DurableChecks(app))

  Rules run after synthesis on the synthesized templates (exact: property overrides included).
  Findings go to the validation report; error-level findings fail ``app.synth()`` / ``cdk synth``,
  warnings are reported without failing (unlike cdk-nag 3's own packs, where any finding fails).

- As an Aspect (the cdk-nag 2 way)::

      Aspects.of(app).add(DurableChecks())

  Rules run while the app is prepared, on the L1 properties; findings become annotations
  (``[Error at /Stack/Fn/Resource] DUR-E3: ...``), so error-level findings fail ``cdk synth``.

In both modes a finding is acknowledged with ``Validations.of(construct).acknowledge(
Acknowledgment(id="DUR-E3", reason="..."))`` on the resource or any construct above it (or with
:class:`DurableSuppressions`, the ``NagSuppressions``-style helper).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any, Final, cast

import aws_cdk as cdk
import jsii
from cdk_nag import IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance
from constructs import IConstruct

from ..rule_info import FixForm, Severity
from ._template import Compliance, Resource, StackTemplate
from .registry import PACK_NAME, RULES, DurableRule
from .suppressions import is_reported

PLUGIN_NAME: Final = "DurableChecks"

_LEVELS: Final = {Severity.ERROR: NagMessageLevel.ERROR, Severity.WARNING: NagMessageLevel.WARN}
_NAG: Final = {
    Compliance.COMPLIANT: NagRuleCompliance.COMPLIANT,
    Compliance.NON_COMPLIANT: NagRuleCompliance.NON_COMPLIANT,
    Compliance.NOT_APPLICABLE: NagRuleCompliance.NOT_APPLICABLE,
    Compliance.NOT_CHECKED: NagRuleCompliance.NOT_APPLICABLE,  # DUR-W3 reports it (never a pass)
}


_ACK_PREFIX = re.compile(r"^(annotation|durablechecks)::", re.IGNORECASE)


@jsii.implements(IApplyRule)
class _ApplyRule:
    """The cdk-nag ``IApplyRule`` for one (rule, resource) pair whose outcome is already known."""

    def __init__(self, spec: DurableRule, node: cdk.CfnResource, outcome: Compliance | Exception) -> None:
        self._spec = spec
        self._node = node
        self._outcome = outcome

    @property
    def node(self) -> cdk.CfnResource:
        return self._node

    @property
    def level(self) -> NagMessageLevel:
        return _LEVELS[self._spec.severity]

    @property
    def info(self) -> str:
        return self._spec.info.summary

    @property
    def explanation(self) -> str:
        return f"{self._spec.info.explanation} Fix: {self._spec.info.fix_for(FixForm.CDK)}"

    @property
    def rule_suffix_override(self) -> str:
        return self._spec.suffix

    def rule(self, node: cdk.CfnResource) -> NagRuleCompliance:
        if isinstance(self._outcome, Exception):
            raise self._outcome
        return _NAG[self._outcome]


@jsii.implements(cdk.IAspect)
class DurableChecks(NagPack):  # type: ignore[misc]
    """Synth-time checks for AWS Lambda durable-function pitfalls, for any CDK app.

    A durable function is any ``AWS::Lambda::Function`` with ``DurableConfig`` (L1 ``CfnFunction``,
    ``lambda_.Function(durable_config=...)`` or ``cdk_durable.DurableFunction``).

    :param scope: the app, when used as a validation plugin (``Validations.of(app).add_plugins(
        DurableChecks(app))``); leave out when used as an Aspect.
    :param verbose: add each rule's explanation and fix to its message. Default: the one-line info only.
    :param write_suppressions_to_cloud_formation: (plugin mode) copy acknowledgments into the
        resources' ``cdk_nag`` CloudFormation metadata, as cdk-nag 2 did. Default: not written.
    """

    def __init__(
        self,
        scope: IConstruct | None = None,
        *,
        verbose: bool = False,
        write_suppressions_to_cloud_formation: bool = False,
    ) -> None:
        super().__init__(
            scope,
            verbose=verbose,
            write_suppressions_to_cloud_formation=write_suppressions_to_cloud_formation,
        )
        self._pack_name = PACK_NAME
        self._verbose = verbose
        self._views: dict[str, tuple[Any, StackTemplate]] = {}

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def rules(self) -> tuple[DurableRule, ...]:
        return RULES

    # --- evaluation (shared) ----------------------------------------------------------------------

    def evaluate(
        self, node: cdk.CfnResource, view: StackTemplate
    ) -> list[tuple[DurableRule, Compliance | Exception]]:
        """Outcome of every rule for one resource (no acknowledgment applied)."""
        stack = cdk.Stack.of(node)
        resource = view.get(str(stack.resolve(node.logical_id)))
        if resource is None:
            return [(spec, Compliance.NOT_APPLICABLE) for spec in RULES]
        outcomes: list[tuple[DurableRule, Compliance | Exception]] = []
        for spec in RULES:
            try:
                outcomes.append((spec, spec.rule(resource, view)))
            except Exception as error:  # a rule bug or an unexpected shape: report, do not crash synth
                outcomes.append((spec, error))
        return outcomes

    # --- validation-plugin mode (cdk-nag 3) -------------------------------------------------------

    @jsii.member(jsii_name="checkResource")
    def _check_resource(self, node: cdk.CfnResource) -> None:
        view = self._synthesized_view(cdk.Stack.of(node))
        for spec, outcome in self.evaluate(node, view):
            failed = outcome is Compliance.NON_COMPLIANT or isinstance(outcome, Exception)
            # cdk-nag checks Validations acknowledgments itself; is_acknowledged adds cdk-nag 2 metadata.
            if failed and not is_acknowledged(node, spec.id) and not is_reported(node, spec.id):
                self._apply_rule(cast(IApplyRule, _ApplyRule(spec, node, outcome)))

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """Run the pack; only error-level findings make the report (and the synthesis) fail."""
        self._views.clear()
        report = super().validate(context)
        violations = list(report.violations)
        return cdk.PolicyValidationPluginReport(
            success=not any(v.severity == "error" for v in violations), violations=violations
        )

    def _synthesized_view(self, stack: cdk.Stack) -> StackTemplate:
        """The view of ``stack``'s synthesized template, linked to every other stack of its stage (so
        references through ``Fn::ImportValue`` are followed)."""
        stage = cdk.Stage.of(stack)
        if stage is None:  # a stack outside any app: nothing was synthesized
            return StackTemplate([])
        views = [self._template_view(stage.outdir, s) for s in _stacks_of(stage)]
        StackTemplate.link(views)
        return self._template_view(stage.outdir, stack)

    def _template_view(self, outdir: str, stack: cdk.Stack) -> StackTemplate:
        path = os.path.join(outdir, stack.template_file)
        key = (path, os.path.getmtime(path)) if os.path.exists(path) else (path, None)
        cached = self._views.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        template: Mapping[str, Any] = {}
        if key[1] is not None:
            with open(path, encoding="utf-8") as f:
                template = json.load(f)
        view = StackTemplate.from_template(template)
        self._views[path] = (key, view)
        return view

    # --- aspect mode (cdk-nag 2 style) ------------------------------------------------------------

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, cdk.CfnResource):
            return
        stack = cdk.Stack.of(node)
        view = self._tree_view(stack, str(stack.resolve(node.logical_id)))
        for spec, outcome in self.evaluate(node, view):
            if isinstance(outcome, Exception):
                if not is_acknowledged(node, spec.id):
                    cdk.Annotations.of(node).add_warning_v2(
                        spec.id, f"{spec.id}: the rule could not be evaluated ({outcome!r}); check by hand."
                    )
                continue
            if outcome is not Compliance.NON_COMPLIANT or is_acknowledged(node, spec.id):
                continue
            if is_reported(node, spec.id):  # the construct already warned about it, in its own words
                continue
            message = f"{spec.id}: {spec.info.summary}"
            if self._verbose:
                message += f" {spec.info.explanation} Fix: {spec.info.fix_for(FixForm.CDK)}"
            if spec.severity is Severity.ERROR:
                cdk.Annotations.of(node).add_error(message)
            else:
                cdk.Annotations.of(node).add_warning_v2(spec.id, message)

    def _tree_view(self, stack: cdk.Stack, logical_id: str) -> StackTemplate:
        """The stack's view, built (with every other stack of the app, linked, so references across
        stacks are followed) once, and rebuilt when a resource it lacks shows up."""
        cached = self._views.get(stack.node.addr)
        if cached is not None and logical_id in cached[1].resources:
            return cached[1]
        resources: dict[str, list[Resource]] = {}
        exports: dict[str, dict[str, Any]] = {}
        stacks: dict[str, cdk.Stack] = {}
        parameters: dict[str, dict[str, Any]] = {}  # so that !Ref of a parameter resolves to its Default
        for c in stack.node.root.node.find_all():
            if isinstance(c, cdk.CfnParameter):
                owner = cdk.Stack.of(c)
                default = {} if c.default is None else {"Default": c.default}
                parameters.setdefault(owner.node.addr, {})[str(owner.resolve(c.logical_id))] = default
            elif isinstance(c, cdk.CfnResource):
                owner = cdk.Stack.of(c)
                stacks[owner.node.addr] = owner
                resources.setdefault(owner.node.addr, []).append(_resource_of(owner, c))
            elif isinstance(c, cdk.CfnOutput) and c.export_name is not None:
                owner = cdk.Stack.of(c)
                name = owner.resolve(c.export_name)
                if isinstance(name, str):
                    exports.setdefault(owner.node.addr, {})[name] = owner.resolve(c.value)
        views = {
            addr: StackTemplate(resources.get(addr, []), exports.get(addr), parameters=parameters.get(addr))
            for addr in {stack.node.addr, *stacks, *exports}
        }
        StackTemplate.link(views.values())
        for addr, view in views.items():
            self._views[addr] = (None, view)
        return views[stack.node.addr]


def _stacks_of(stage: cdk.Stage) -> list[cdk.Stack]:
    return [c for c in stage.node.find_all() if isinstance(c, cdk.Stack) and cdk.Stage.of(c) is stage]


def _resource_of(stack: cdk.Stack, node: cdk.CfnResource) -> Resource:
    logical_id = str(stack.resolve(node.logical_id))
    # Resolve first: the L1 renderers validate their input and reject unresolved lazy values.
    try:
        resolved = stack.resolve(node._cfn_properties)
    except Exception:  # a property that cannot be resolved yet: the rules see no properties
        resolved = {}
    try:
        properties = stack.resolve(node._render_properties(resolved))
    except Exception:  # a renderer that rejects the resolved value: use it as it is
        properties = resolved
    options = node.cfn_options
    return Resource(
        logical_id,
        node.cfn_resource_type,
        properties if isinstance(properties, Mapping) else {},
        deletion_policy=_cfn_policy(options.deletion_policy),
        update_replace_policy=_cfn_policy(options.update_replace_policy),
    )


#: ``cdk.CfnDeletionPolicy`` members -> the words CloudFormation templates use.
_POLICY_WORDS: Final = {
    "DELETE": "Delete",
    "RETAIN": "Retain",
    "SNAPSHOT": "Snapshot",
    "RETAIN_EXCEPT_ON_CREATE": "RetainExceptOnCreate",
}


def _cfn_policy(policy: cdk.CfnDeletionPolicy | None) -> str | None:
    if policy is None:
        return None
    name = getattr(policy, "name", str(policy))
    return _POLICY_WORDS.get(name, name)


def is_acknowledged(node: IConstruct, rule_id: str) -> bool:
    """True if ``rule_id`` was acknowledged on ``node`` or any construct above it.

    Reads what ``Validations.of(c).acknowledge(...)`` records (the mechanism cdk-nag 3 uses) and the
    cdk-nag 2 ``cdk_nag.rules_to_suppress`` CloudFormation metadata on resources and stacks.
    """
    key = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    current: IConstruct | None = node
    while current is not None:
        for entry in current.node.metadata:
            data = entry.data
            if (
                entry.type == key
                and isinstance(data, Mapping)
                and any(_ACK_PREFIX.sub("", k) == rule_id for k in data)
            ):
                return True
        if _v2_suppressed(current, rule_id):
            return True
        current = current.node.scope
    return False


def _v2_suppressed(construct: IConstruct, rule_id: str) -> bool:
    metadata: Any = None
    if isinstance(construct, cdk.CfnResource):
        metadata = construct.get_metadata("cdk_nag")
    elif isinstance(construct, cdk.Stack):
        metadata = (construct.template_options.metadata or {}).get("cdk_nag")
    if not isinstance(metadata, Mapping):
        return False
    return any(
        isinstance(s, Mapping) and s.get("id") == rule_id and s.get("reason")
        for s in metadata.get("rules_to_suppress") or []
    )
