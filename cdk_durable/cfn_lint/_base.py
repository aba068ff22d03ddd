"""The adapter: one ``CloudFormationLintRule`` per DurableChecks rule, running the same function.

cfn-lint hands each rule the template it checks (``cfn.template``): a plain CloudFormation template,
or a SAM template, which the adapter translates first (:mod:`._sam`), so ``AWS::Serverless::Function``
becomes the function, version, alias, role and event resources SAM deploys. The adapter builds the shared
template view (:class:`~cdk_durable.checks.StackTemplate`) once per template and reports each
non-compliant resource at ``Resources/<logical id>``, which is what cfn-lint's suppressions key on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from ..checks._template import Compliance, StackTemplate
from ..checks.registry import RULES_BY_ID, DurableRule
from ..checks.rules.not_checked import unchecked_rules
from ..rule_info import FixForm
from ._sam import SamTranslationError, is_sam, translate

#: The rule that reports what the others could not check (and a SAM template that was not translated).
NOT_CHECKED_ID = "DUR-W5"

_VIEWS: dict[int, tuple[Mapping[str, Any], StackTemplate | SamTranslationError]] = {}


def template_view(template: Mapping[str, Any], region: str = "us-east-1") -> StackTemplate:
    """The view of ``template`` (a SAM template translated first), built once for all the rules.

    Raises :class:`SamTranslationError` when a SAM template cannot be translated.
    """
    cached = _VIEWS.get(id(template))
    if cached is None or cached[0] is not template:
        built: StackTemplate | SamTranslationError
        try:
            built = StackTemplate.from_template(translate(template, region) if is_sam(template) else template)
        except SamTranslationError as exc:
            built = exc
        _VIEWS.clear()  # one template at a time: keep only the latest
        cached = (template, built)
        _VIEWS[id(template)] = cached
    if isinstance(cached[1], SamTranslationError):
        raise cached[1]
    return cached[1]


def message(spec: DurableRule) -> str:
    """The finding's text; its fix in SAM / CloudFormation words (cfn-lint reads templates)."""
    return f"{spec.info.summary} Fix: {spec.info.fix_for(FixForm.TEMPLATE)} ({spec.id}, {spec.info.docs})"


class DurableLintRule(CloudFormationLintRule):  # type: ignore[misc]
    """Base of the pack's cfn-lint rules; a subclass names its :class:`DurableRule` in ``spec``."""

    spec: ClassVar[DurableRule]
    tags = ["resources", "lambda", "durable"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec = cls.__dict__.get("spec")
        if spec is not None:
            cls.id = spec.cfn_lint_id
            cls.shortdesc = spec.info.summary
            cls.description = spec.info.explanation
            cls.source_url = spec.info.docs

    def match(self, cfn: Any) -> list[RuleMatch]:
        template = cfn.template if isinstance(cfn.template, Mapping) else {}
        regions = getattr(cfn, "regions", None) or ["us-east-1"]
        try:
            view = template_view(template, regions[0])
        except SamTranslationError as exc:
            # Said once, by the "not checked" rule (its own code: never mistaken for a finding of a rule).
            reporter = self.spec is RULES_BY_ID[NOT_CHECKED_ID]
            return [RuleMatch(["Transform"], f"durable rules not run: {exc.one_line()}")] if reporter else []
        matches: list[RuleMatch] = []
        for resource in view.resources.values():
            if self.spec.rule(resource, view) is not Compliance.NON_COMPLIANT:
                continue
            text = message(self.spec)
            if self.spec.id == NOT_CHECKED_ID:
                text = f"not checked: {', '.join(unchecked_rules(resource, view))}. {text}"
            matches.append(RuleMatch(["Resources", resource.logical_id], text))
        return matches
