"""``DurableSuppressions``: the cdk-nag 2 ``NagSuppressions`` calls, on top of CDK acknowledgments.

cdk-nag 3 removed ``NagSuppressions`` in favour of ``Validations.of(construct).acknowledge(...)``.
These helpers keep the familiar call shape (a list of ``{"id": ..., "reason": ...}``), insist on a
reason, and record CDK acknowledgments, which both ways of running :class:`DurableChecks` (and any
cdk-nag 3 pack) honour for the construct and everything under it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from constructs import IConstruct

MIN_REASON_LENGTH = 10


class DurableSuppressions:
    """``NagSuppressions``-style acknowledgments: ``[{"id": "DUR-E7", "reason": "..."}]``."""

    @staticmethod
    def add_resource_suppressions(construct: IConstruct, suppressions: Sequence[Mapping[str, str]]) -> None:
        """Acknowledge each rule on ``construct`` and every construct under it."""
        for s in suppressions:
            rule_id, reason = _checked(s)
            cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))

    @staticmethod
    def add_stack_suppressions(stack: cdk.Stack, suppressions: Sequence[Mapping[str, str]]) -> None:
        """Acknowledge each rule on every resource of ``stack``."""
        DurableSuppressions.add_resource_suppressions(stack, suppressions)


def _checked(suppression: Mapping[str, str]) -> tuple[str, str]:
    rule_id = suppression.get("id")
    reason = suppression.get("reason")
    if not isinstance(rule_id, str) or not rule_id:
        raise ValueError(f"suppression id must be a rule id such as 'DUR-E7', got {rule_id!r}")
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(
            f"suppression reason for {rule_id} must be at least {MIN_REASON_LENGTH} characters "
            f"explaining why the finding is acceptable, got {reason!r}"
        )
    return rule_id, reason
