"""DUR-W5: a durable rule applies to this resource but could not check it offline.

A value the rule needs is not known from the template alone - ``ExecutionTimeout: !Ref Timeout``
of a parameter without a ``Default``, an ``Fn::ImportValue``, a ``Deny`` with a ``Condition`` - so
the rule reports "not checked" here instead of passing. (cfn-lint also reports under this code a SAM
template the plugin could not translate: none of the rules ran.)
"""

from __future__ import annotations

from .._template import Compliance, Resource, StackTemplate


def unchecked_rules(resource: Resource, stack: StackTemplate) -> list[str]:
    """The ids of the rules that answered NOT_CHECKED for ``resource``."""
    from ..registry import RULES  # the registry lists this rule too: imported when called

    return [
        rule.id
        for rule in RULES
        if rule.rule is not not_checked and rule.rule(resource, stack) is Compliance.NOT_CHECKED
    ]


def not_checked(resource: Resource, stack: StackTemplate) -> Compliance:
    return Compliance.NON_COMPLIANT if unchecked_rules(resource, stack) else Compliance.NOT_APPLICABLE
