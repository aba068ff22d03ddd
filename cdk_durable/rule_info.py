"""``RuleInfo``: the one shape of a rule, shared by every rule system of the project.

- the synth-time checks (``cdk_durable.checks``: ``DUR-E1`` ...) and their cfn-lint twins
  (``cdk_durable.cfn_lint``: ``ED3001`` ...), one registry: ``cdk_durable.checks.registry``;
- the replay-model linter (``cdk_durable.lint``: ``DUR001`` ...): ``cdk_durable.lint.rules``;
- the execution-history diagnosis (``cdk_durable.diagnose``: ``stuck-in-callback`` ...):
  ``cdk_durable.diagnose.codes``.

A finding of any of them carries the code of one ``RuleInfo``; nothing spells a code as a bare
string literal outside its registry. Standard library only: the linter and the cfn-lint plugin
import this without loading aws-cdk-lib.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is: ``error`` (it breaks), ``warning`` (it may), ``info`` (worth knowing),
    ``ok`` (the diagnosis's "nothing wrong": an execution that succeeded)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OK = "ok"


class FixForm(StrEnum):
    """Which words a fix is written in: the CDK app's (construct props and methods) or a template's
    (SAM / CloudFormation properties and attributes)."""

    CDK = "cdk"
    TEMPLATE = "template"


@dataclass(frozen=True)
class RuleInfo:
    """One rule: a stable ``code``, a ``name`` (kebab-case, the same words as its module and
    function), its ``severity``, a one-line ``summary``, ``fix`` (how to fix it; for a rule that
    reads templates, the CDK form), ``docs`` (the page and anchor that documents it, relative to the
    repository, e.g. ``docs/checks.md#dur-e1``), an optional longer ``explanation`` and
    ``template_fix``, the fix in SAM / CloudFormation words for a rule that has both forms."""

    code: str
    name: str
    severity: Severity
    summary: str
    fix: str
    docs: str
    explanation: str = ""
    template_fix: str = ""

    def fix_for(self, form: FixForm) -> str:
        """The fix in ``form``'s words (``fix`` when the rule has only one form)."""
        if form is FixForm.TEMPLATE and self.template_fix:
            return self.template_fix
        return self.fix

    @property
    def docs_page(self) -> str:
        return self.docs.split("#", 1)[0]

    @property
    def docs_anchor(self) -> str:
        return self.docs.split("#", 1)[1] if "#" in self.docs else ""


def by_code(rules: Iterable[RuleInfo]) -> dict[str, RuleInfo]:
    """``{code: rule}``; refuses duplicate codes (a registry bug)."""
    out: dict[str, RuleInfo] = {}
    for rule in rules:
        if rule.code in out:
            raise ValueError(f"duplicate rule code {rule.code!r}")
        out[rule.code] = rule
    return out
