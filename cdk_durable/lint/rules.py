"""The linter's rules and the symbol catalogs they match, as data.

Each rule enforces one of the replay-model rules in PLATFORM.md ("Replay model rules"). Codes are
stable: a code is never reused for a different check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..rule_info import RuleInfo, Severity, docs_link, register

DOCS_PAGE: Final = "docs/lint.md"


@dataclass(frozen=True)
class Rule(RuleInfo):
    """One lint rule: a :class:`RuleInfo` plus the replay rule it enforces and whether it runs by
    default (``--select`` / ``--extend-select`` turn an opt-in rule on)."""

    replay_rule: str = ""
    default_enabled: bool = True


def _rule(
    code: str,
    name: str,
    summary: str,
    replay_rule: str,
    fix: str,
    severity: Severity = Severity.ERROR,
    *,
    default_enabled: bool = True,
) -> Rule:
    return Rule(
        code=code,
        name=name,
        severity=severity,
        summary=summary,
        fix=fix,
        docs=docs_link(DOCS_PAGE, code),
        replay_rule=replay_rule,
        default_enabled=default_enabled,
    )


RULES: Final[tuple[Rule, ...]] = (
    _rule(
        "DUR001",
        "nondeterministic-call",
        "A clock, random or identity source (time, datetime, random, uuid, secrets, os.urandom) "
        "runs outside a step.",
        "1. Non-deterministic code only inside steps.",
        "Move the call into a step (`context.step(lambda _: ...)`) and use the checkpointed result.",
    ),
    _rule(
        "DUR002",
        "external-io",
        "A network or database call (AWS SDK client, requests, httpx, urllib, sockets, DB drivers) "
        "runs outside a step.",
        "1. Non-deterministic code only inside steps (and 4: it repeats on every replay).",
        "Wrap the call in a step so it runs once and its result is checkpointed.",
    ),
    _rule(
        "DUR003",
        "durable-op-in-step",
        "A durable operation (step, wait, invoke, map, parallel, callback, child context) is "
        "called inside a step function.",
        "2. No durable operation inside a step function.",
        "Use `context.run_in_child_context(...)` to group operations; steps only do plain work.",
    ),
    _rule(
        "DUR004",
        "captured-write-in-step",
        "A step function writes to captured or module state (global/nonlocal, item or attribute "
        "assignment, in-place mutation).",
        "3. Mutating captured variables inside a step is lost on replay.",
        "Return the value from the step and assign it outside the step.",
    ),
    _rule(
        "DUR005",
        "side-effect-outside-step",
        "A side effect (print, plain logging, file or stream writes) runs outside a step and "
        "repeats on every replay.",
        "4. Side effects outside steps repeat on every replay.",
        "Log with `context.logger` (replay-aware) or move the side effect into a step.",
    ),
    _rule(
        "DUR006",
        "nondeterministic-branch",
        "Control flow outside a step depends on a non-deterministic value.",
        "1 and 5. A different branch on replay changes the sequence of operations.",
        "Compute the decision inside a step and branch on the checkpointed result.",
    ),
    _rule(
        "DUR007",
        "unstable-operation-name",
        "An operation name is not a stable literal (built from a non-deterministic value or "
        "a function call).",
        "5. Step names must be stable literals.",
        "Use a string literal; to tell iterations apart, format in deterministic data "
        '(an index or an event field): `name=f"item-{index}"`.',
    ),
    _rule(
        "DUR008",
        "volatile-environment-read",
        "An environment variable that changes per invocation or per sandbox (trace id, log stream, "
        "temporary credentials) is read outside a step.",
        "1. Non-deterministic code only inside steps.",
        "Read it inside a step (or use the value the SDK gives you, such as `context.logger`).",
    ),
    _rule(
        "DUR009",
        "environment-read",
        "A configuration environment variable is read outside a step; it can differ between the "
        "original run and a replay when executions are not pinned to a published version.",
        "1. Non-deterministic code only inside steps.",
        "Invoke through a version or alias (the configuration of a version is immutable) and ignore "
        "this rule, or read the value inside a step.",
        Severity.WARNING,
        # Off by default: a version's configuration is immutable and executions are pinned to the
        # version they started on (every invoker goes through the alias), so these reads replay the
        # same values. Turn it on for unpinned deployments: --select DUR009 / --extend-select DUR009.
        default_enabled=False,
    ),
    _rule(
        "DUR010",
        "plugin-not-factory",
        "A plugin instance or a class is passed to `plugins=`; SDK 3 takes plugin factories only.",
        "SDK 3: each plugin is built per invocation by its factory's create_plugin(info); anything else "
        "raises PluginLoadError at cold start.",
        "Pass a factory instance: `plugins=[InvocationOtelPluginFactory()]` (not `InvocationOtelPlugin()`, "
        "not the class `InvocationOtelPluginFactory`), or set DURABLE_EXECUTION_PLUGINS=otel-invocation.",
    ),
    _rule(
        "DUR011",
        "insight-plugin-sdk3",
        "The Workflow Insight plugin (aws-durable-execution-sdk-python-insight 0.0.1) is used; it does "
        "not load under SDK 3.",
        "SDK 3: `workflow_insight()` returns a plugin instance (the SDK 2 shape), which SDK 3 rejects with "
        "PluginLoadError at cold start.",
        "Use its successor aws-durable-execution-sdk-python-telemetry-exporter: "
        "`plugins=[durable_execution_telemetry(DurableExecutionTelemetryConfig(exporters=[...]))]`.",
    ),
    _rule(
        "DUR012",
        "bundled-boto3-too-old",
        "The bundle pins or vendors a boto3 older than the durable SDK's minimum (1.43.114) and the "
        "code uses chained invokes.",
        "SDK 3: chained invokes send a trace header older botocore models reject; a bundled boto3 "
        "shadows the runtime's.",
        "Require `boto3>=1.43.114` in the function's requirements (or drop the pin and use the runtime's).",
    ),
)

(
    NONDETERMINISTIC_CALL,
    EXTERNAL_IO,
    DURABLE_OP_IN_STEP,
    CAPTURED_WRITE_IN_STEP,
    SIDE_EFFECT_OUTSIDE_STEP,
    NONDETERMINISTIC_BRANCH,
    UNSTABLE_OPERATION_NAME,
    VOLATILE_ENVIRONMENT_READ,
    ENVIRONMENT_READ,
    PLUGIN_NOT_FACTORY,
    INSIGHT_PLUGIN_SDK3,
    BUNDLED_BOTO3_TOO_OLD,
) = RULES

RULES_BY_CODE: Final = {rule.code: rule for rule in RULES}
#: Codes that run without ``--select``.
DEFAULT_CODES: Final = frozenset(rule.code for rule in RULES if rule.default_enabled)
#: Reported when a file cannot be parsed; not a replay rule and never suppressible.
SYNTAX_ERROR = _rule(
    "DUR900",
    "syntax-error",
    "The file could not be parsed and was not analyzed.",
    "",  # not a replay rule
    "Fix the syntax; this finding is never suppressible.",
)
SYNTAX_ERROR_CODE: Final = SYNTAX_ERROR.code
#: Every code a lint :class:`~cdk_durable.rule_info.Finding` may carry (the rules and the syntax error).
ALL_RULES_BY_CODE: Final = register("lint", r"DUR\d{3}", (*RULES, SYNTAX_ERROR))
#: Codes of the rules about what repeats or changes on replay (not the step-body rules): a handler
#: that calls no durable operation never replays, so none of these apply to it.
REPLAY_CODES: Final = frozenset(
    rule.code
    for rule in RULES
    if rule
    not in (
        DURABLE_OP_IN_STEP,
        CAPTURED_WRITE_IN_STEP,
        PLUGIN_NOT_FACTORY,
        INSIGHT_PLUGIN_SDK3,
        BUNDLED_BOTO3_TOO_OLD,
    )
)
