"""One acknowledgment for every tool: :func:`acknowledge` and ``DurableSuppressions``.

A durable finding can be reported three ways: a construct warning (``DurableFunction``'s own
annotations), ``DurableChecks`` (aspect or cdk-nag 3 plugin) and the cfn-lint pack run on the
synthesized template. :func:`acknowledge` silences all three with one call, with one reason:

- a CDK acknowledgment (``Validations.of(construct).acknowledge``), which ``DurableChecks`` honours in
  both modes for the construct and everything under it;
- cfn-lint's own resource metadata, ``Metadata: {cfn-lint: {config: {ignore_checks: [WD3004]}}}``, on
  every CloudFormation resource under the construct (written at synthesis by an Aspect, so resources
  added later are covered too);
- the construct warning that reports the same thing (``DurableFunction`` maps rule ids to its
  annotation ids), acknowledged with ``Annotations.acknowledge_warning``.

Unknown rule ids are refused with one line listing the valid ones. ``DurableSuppressions`` keeps the
cdk-nag 2 ``NagSuppressions`` call shape (a list of ``{"id": ..., "reason": ...}``) on top of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from .._validation import DurableValidationError
from .registry import PACK_NAME, RULES, RULES_BY_ID

MIN_REASON_LENGTH = 10

#: Node metadata type a construct writes on an L1 resource whose finding it already reported as its own
#: warning: DurableChecks then does not report it a second time (one finding, one warning).
REPORTED_METADATA_TYPE: Final = "cdk-durable:reported"
_PLUGIN_PREFIX: Final = "DurableChecks::"


def rule_id_of(rule_id: Any) -> str:
    """``DUR-E7`` (also given as ``DurableChecks::DUR-E7``), or one line listing the valid ids."""
    if isinstance(rule_id, str):
        bare = rule_id.removeprefix(_PLUGIN_PREFIX)
        if bare in RULES_BY_ID:
            return bare
    valid = ", ".join(rule.id for rule in RULES)
    raise DurableValidationError(
        f"rule id {rule_id!r} is not a {PACK_NAME} rule: valid ids are {valid} "
        f"(optionally prefixed {_PLUGIN_PREFIX})"
    )


def _checked_reason(rule_id: str, reason: Any) -> str:
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON_LENGTH:
        raise DurableValidationError(
            f"suppression reason for {rule_id} must be at least {MIN_REASON_LENGTH} characters "
            f"explaining why the finding is acceptable, got {reason!r}"
        )
    return reason


@jsii.implements(cdk.IAspect)
class _CfnLintIgnore:
    """Adds cfn-lint ``ignore_checks`` ids to every CloudFormation resource it visits."""

    def __init__(self, ids: Sequence[str]) -> None:
        self._ids = list(ids)

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, cdk.CfnResource):
            add_cfn_lint_ignore(node, self._ids)


def add_cfn_lint_ignore(resource: cdk.CfnResource, ids: Sequence[str]) -> None:
    """Merge ``ids`` into the resource's ``Metadata.cfn-lint.config.ignore_checks``."""
    current = resource.get_metadata("cfn-lint")
    current = dict(current) if isinstance(current, Mapping) else {}
    config = dict(current.get("config") or {})
    ignored = list(config.get("ignore_checks") or [])
    ignored += [i for i in ids if i not in ignored]
    config["ignore_checks"] = ignored
    current["config"] = config
    resource.add_metadata("cfn-lint", current)


def acknowledge(construct: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge ``rule_id`` on ``construct`` and everything under it, for DurableChecks, for the
    cfn-lint pack and for the construct warnings that report the same finding."""
    rule = RULES_BY_ID[rule_id_of(rule_id)]
    reason = _checked_reason(rule.id, reason)
    cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=rule.id, reason=reason))
    cdk.Aspects.of(construct).add(_CfnLintIgnore([rule.cfn_lint_id]))
    for c in construct.node.find_all():
        ids_for = getattr(c, "annotation_ids_for_rule", None)
        if callable(ids_for):
            for annotation_id in ids_for(rule.id):
                cdk.Annotations.of(c).acknowledge_warning(annotation_id, reason)


def mark_reported(resource: IConstruct, rule_id: str) -> None:
    """Record that a construct already reported ``rule_id`` for ``resource`` as its own warning."""
    resource.node.add_metadata(REPORTED_METADATA_TYPE, rule_id_of(rule_id))


def is_reported(node: IConstruct, rule_id: str) -> bool:
    return any(e.type == REPORTED_METADATA_TYPE and e.data == rule_id for e in node.node.metadata)


class DurableSuppressions:
    """``NagSuppressions``-style acknowledgments: ``[{"id": "DUR-E7", "reason": "..."}]``."""

    @staticmethod
    def add_resource_suppressions(construct: IConstruct, suppressions: Sequence[Mapping[str, str]]) -> None:
        """Acknowledge each rule on ``construct`` and every construct under it (DurableChecks, cfn-lint
        metadata and the construct's own warnings)."""
        for s in suppressions:
            rule_id, reason = _checked(s)
            acknowledge(construct, rule_id, reason)

    @staticmethod
    def add_stack_suppressions(stack: cdk.Stack, suppressions: Sequence[Mapping[str, str]]) -> None:
        """Acknowledge each rule on every resource of ``stack``."""
        DurableSuppressions.add_resource_suppressions(stack, suppressions)


def _checked(suppression: Mapping[str, str]) -> tuple[str, str]:
    if not isinstance(suppression, Mapping):
        raise DurableValidationError(
            f"a suppression must be a mapping {{'id': ..., 'reason': ...}}, got {type(suppression).__name__}"
        )
    rule_id = suppression.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise DurableValidationError(f"suppression id must be a rule id such as 'DUR-E7', got {rule_id!r}")
    rule_id = rule_id_of(rule_id)
    return rule_id, _checked_reason(rule_id, suppression.get("reason"))
