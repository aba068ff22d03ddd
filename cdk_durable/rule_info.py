"""``RuleInfo``: the one shape of a rule, shared by every rule system of the project, and
``Finding``: the one shape of what a rule found.

- the synth-time checks (``cdk_durable.checks``: ``DUR-E1`` ...) and their cfn-lint twins
  (``cdk_durable.cfn_lint``: ``ED3001`` ...), one registry: ``cdk_durable.checks.registry``;
- the replay-model linter (``cdk_durable.lint``: ``DUR001`` ...): ``cdk_durable.lint.rules``;
- the execution-history diagnosis (``cdk_durable.diagnose``: ``stuck-in-callback`` ...):
  ``cdk_durable.diagnose.codes``.

A finding of any of them carries the code of one ``RuleInfo``; nothing spells a code as a bare
string literal outside its registry. The linter's and the diagnosis's findings are one type,
:class:`Finding`, with the rule's severity unless the finding says otherwise; their registries
declare themselves with :func:`register` (the checks report through cdk-nag and cfn-lint).
Standard library only: the linter and the cfn-lint plugin import this without loading aws-cdk-lib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering


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


def docs_link(page: str, code: str) -> str:
    """Where a rule is documented: its row on ``page``, whose anchor is the code in lower case
    (``docs/lint.md#dur001``, ``docs/checks.md#dur-e1``)."""
    return f"{page}#{code.lower()}"


def by_code(rules: Iterable[RuleInfo]) -> dict[str, RuleInfo]:
    """``{code: rule}``; refuses duplicate codes (a registry bug)."""
    out: dict[str, RuleInfo] = {}
    for rule in rules:
        if rule.code in out:
            raise ValueError(f"duplicate rule code {rule.code!r}")
        out[rule.code] = rule
    return out


#: The registries whose rules produce :class:`Finding` objects: ``(what their codes are called, the
#: form every code of theirs has, {code: rule})``, in the order they registered.
_REGISTRIES: list[tuple[str, re.Pattern[str], dict[str, RuleInfo]]] = []


def register(system: str, code_form: str, rules: Iterable[RuleInfo]) -> dict[str, RuleInfo]:
    """``{code: rule}`` (as :func:`by_code`), and declare them as the rules of ``system`` (e.g.
    ``"diagnosis"``), whose codes all have the form ``code_form`` (a regular expression): a
    :class:`Finding` accepts only a registered code, and names the system whose form a wrong one has."""
    table = by_code(rules)
    form = re.compile(code_form)
    if stray := [code for code in table if not form.fullmatch(code)]:
        raise ValueError(f"{system} codes not of the form {code_form!r}: {', '.join(stray)}")
    _REGISTRIES.append((system, form, table))
    return table


def registered_rule(code: str) -> RuleInfo:
    """The registered rule whose code is ``code``; ``ValueError`` naming the system whose codes have
    that form when none is."""
    for _, _, table in _REGISTRIES:
        if code in table:
            return table[code]
    systems = [system for system, form, _ in _REGISTRIES if form.fullmatch(code)]
    raise ValueError(f"unregistered {' or '.join(systems) or 'rule'} code {code!r}")


@total_ordering
@dataclass(frozen=True, eq=True)
class Finding:
    """One finding of a registered rule: its ``code``, its ``severity`` (the rule's unless this
    finding differs: :meth:`of`), what was found (``message``) and what to do next (``next_steps``).

    A finding in a file (the linter's) has a ``path`` and a 1-based ``line`` and ``col`` (like
    ruff's), and may have an ``end_line`` and ``end_col``; one about an execution (the diagnosis's)
    has no place (``path`` empty, ``line`` and ``col`` 0). Findings sort by place, then code."""

    code: str
    severity: Severity
    message: str
    next_steps: tuple[str, ...] = ()
    path: str = ""
    line: int = 0
    col: int = 0
    end_line: int | None = None
    end_col: int | None = None

    def __post_init__(self) -> None:
        registered_rule(self.code)  # every code is some registry's (lint.rules, diagnose.codes)

    @classmethod
    def of(
        cls,
        rule: RuleInfo,
        message: str,
        next_steps: tuple[str, ...] = (),
        *,
        severity: Severity | None = None,
        path: str = "",
        line: int = 0,
        col: int = 0,
        end_line: int | None = None,
        end_col: int | None = None,
    ) -> Finding:
        """A finding of ``rule``, with the rule's severity unless this one differs (``severity``)."""
        return cls(
            rule.code,
            severity or rule.severity,
            message,
            next_steps,
            path=path,
            line=line,
            col=col,
            end_line=end_line,
            end_col=end_col,
        )

    def _sort_key(self) -> tuple[object, ...]:
        place = (self.path, self.line, self.col)
        return (*place, self.code, self.message, self.severity, self.end_line, self.end_col)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._sort_key() < other._sort_key()  # type: ignore[operator]
