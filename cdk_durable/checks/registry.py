"""The DurableChecks registry: every durable rule once, with its id in both rule systems.

One :class:`DurableRule` per rule: its :class:`~cdk_durable.rule_info.RuleInfo` (code ``DUR-E1``,
severity, summary, fix, docs anchor, explanation), its cfn-lint id (``ED3001``) and the rule
function (``rules/<name>.py``). ``DurableChecks`` (CDK) and ``cdk_durable.cfn_lint`` (cfn-lint) both
run these functions over the same template view. Standard library only.

Id scheme: ``DUR-E<n>`` / ``DUR-W<n>`` in CDK; in cfn-lint ``ED30<nn>`` / ``WD30<nn>`` (the first
letter is cfn-lint's severity, ``D`` keeps the pack apart from cfn-lint's own rules and from other
packs such as serverless-rules' ``ES``/``WS``, ``30`` is cfn-lint's resources range, ``nn`` the
DurableChecks number): ``DUR-E1`` is ``ED3001``, ``DUR-W2`` is ``WD3002``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ..rule_info import RuleInfo, Severity, docs_link
from . import rules as r
from ._template import Compliance, Resource, StackTemplate

PACK_NAME: Final = "DUR"
DOCS_PAGE: Final = "docs/checks.md"

RuleFunction = Callable[[Resource, StackTemplate], Compliance]

ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True)
class DurableRule:
    """One rule of the pack: its :class:`RuleInfo`, its cfn-lint id and its function."""

    info: RuleInfo
    rule: RuleFunction

    @property
    def id(self) -> str:
        """``DUR-E1``: the id in CDK (annotations, acknowledgments, cdk-nag reports)."""
        return self.info.code

    @property
    def suffix(self) -> str:
        """``E1``: the id without the pack name (cdk-nag's rule suffix)."""
        return self.id.removeprefix(f"{PACK_NAME}-")

    @property
    def cfn_lint_id(self) -> str:
        """``ED3001``: the id in cfn-lint (``--ignore-checks``, ``Metadata.cfn-lint``)."""
        return cfn_lint_id(self.id)

    @property
    def severity(self) -> Severity:
        return self.info.severity


def cfn_lint_id(code: str) -> str:
    """``DUR-E1`` -> ``ED3001``, ``DUR-W2`` -> ``WD3002``."""
    suffix = code.removeprefix(f"{PACK_NAME}-")
    return f"{suffix[0]}D30{int(suffix[1:]):02d}"


def _rule(
    suffix: str,
    severity: Severity,
    summary: str,
    explanation: str,
    fix: str,
    fn: RuleFunction,
    *,
    template_fix: str,
) -> DurableRule:
    """``fix`` in the CDK app's words (DurableChecks prints it), ``template_fix`` in SAM /
    CloudFormation words (the cfn-lint pack prints it)."""
    code = f"{PACK_NAME}-{suffix}"
    info = RuleInfo(
        code=code,
        name=fn.__name__.replace("_", "-"),
        severity=severity,
        summary=summary,
        fix=fix,
        docs=docs_link(DOCS_PAGE, code),
        explanation=explanation,
        template_fix=template_fix,
    )
    return DurableRule(info, fn)


#: The pack. ``E`` rules are errors (the deployment or every invocation fails), ``W`` rules warnings.
RULES: Final[tuple[DurableRule, ...]] = (
    _rule(
        "E1",
        ERROR,
        "A durable function is invoked through its unqualified ARN or $LATEST.",
        "Lambda refuses to invoke a durable function through an unqualified ARN, and a resource policy "
        "cannot be added for $LATEST: this EventBridge/Scheduler target, event source mapping, "
        "permission, API integration, Step Functions task or notification never starts an execution.",
        "Point it at an alias or version (for example `targets.LambdaFunction(alias)`, "
        "`alias.add_event_source(...)`, `alias.grant_invoke(...)`).",
        r.unqualified_invocation,
        template_fix="Point it at the alias (an `AWS::Lambda::Alias`'s `Ref` is its ARN; SAM: "
        "`!Ref <Function>.Alias`) or a version ARN in the target's `Arn`, the mapping's or permission's "
        "`FunctionName`, the integration's `Uri`; SAM wires the function's `Events` to the alias when "
        "`AutoPublishAlias` is set.",
    ),
    _rule(
        "E2",
        ERROR,
        "An environment variable carries a durable function's unqualified ARN or name.",
        "Code that invokes the function with this value calls the unqualified function, which Lambda "
        "refuses for durable functions.",
        "Pass the alias ARN (`alias.function_arn`) instead of `fn.function_arn` / `fn.function_name`.",
        r.unqualified_env_reference,
        template_fix="Pass the alias ARN (`!Ref <Alias>`; SAM: `!Ref <Function>.Alias`) instead of "
        "`!GetAtt <Function>.Arn` / `!Ref <Function>`.",
    ),
    _rule(
        "E3",
        ERROR,
        "The durable function has no published version or alias.",
        "Durable functions can only be invoked through a qualified ARN; without a version or alias "
        "nothing can start an execution, and executions cannot be pinned to the code they started on.",
        "Publish a version and point an alias at it (`lambda_.Alias(..., version=fn.current_version)`), "
        "or use `cdk_durable.DurableFunction`, which does both.",
        r.no_version_or_alias,
        template_fix="Publish a version and point an alias at it: SAM `AutoPublishAlias: live` on the "
        "function; CloudFormation an `AWS::Lambda::Version` and an `AWS::Lambda::Alias` with "
        "`FunctionVersion: !GetAtt <Version>.Version`.",
    ),
    _rule(
        "E4",
        ERROR,
        "An event source mapping targets a durable function whose ExecutionTimeout is over 15 minutes.",
        "Event source mappings invoke synchronously, so the whole execution must finish within 15 "
        "minutes; with a longer ExecutionTimeout the mapping's creation fails.",
        "Lower execution_timeout to 15 minutes or less, or put a small starter function (or "
        "`cdk_durable.AsyncStarter`) between the source and the durable function, invoking it "
        "asynchronously with an execution name.",
        r.esm_execution_timeout,
        template_fix="Lower `DurableConfig.ExecutionTimeout` to 900 seconds or less, or put a small "
        "starter function between the source and the durable function that invokes it asynchronously "
        "(`InvocationType: Event`) with an execution name.",
    ),
    _rule(
        "E5",
        ERROR,
        "Lambda destinations are configured on a durable function.",
        "Lambda destinations (EventInvokeConfig DestinationConfig) are not supported for durable functions.",
        "Remove on_success/on_failure; watch Durable Execution Status Change events instead and use "
        "a dead-letter queue for invocations that fail to start.",
        r.durable_destinations,
        template_fix="Remove `DestinationConfig` (SAM: the function's "
        "`EventInvokeConfig.DestinationConfig`); "
        "watch Durable Execution Status Change events with an `AWS::Events::Rule` instead and set "
        "`DeadLetterConfig` for invocations that fail to start.",
    ),
    _rule(
        "E6",
        ERROR,
        "The durable function's execution role lacks the checkpoint permissions.",
        "The SDK calls lambda:CheckpointDurableExecution and lambda:GetDurableExecutionState from "
        "inside the function; without them every execution fails at its first checkpoint. The L2 "
        "attaches the managed policy only to a role it creates itself.",
        "Attach the managed policy to the role (`role.add_managed_policy(iam.ManagedPolicy."
        'from_aws_managed_policy_name("service-role/AWSLambdaBasicDurableExecutionRolePolicy"))`), '
        "or allow both actions with `role.add_to_principal_policy(...)`.",
        r.execution_role_checkpoint,
        template_fix="Add `arn:${AWS::Partition}:iam::aws:policy/service-role/"
        "AWSLambdaBasicDurableExecutionRolePolicy` to the role's `ManagedPolicyArns` (SAM: the "
        "function's `Policies`), or allow both actions in a policy statement.",
    ),
    _rule(
        "E7",
        ERROR,
        "The durable function has a pinned FunctionName.",
        "Durability can only be enabled when a function is created: enabling it (or any other "
        "replacing change) replaces the function, and the replacement fails while the old function "
        "holds the name.",
        "Remove function_name and let CloudFormation generate the name; pass the alias ARN to callers.",
        r.pinned_function_name,
        template_fix="Remove `FunctionName` and let CloudFormation generate the name; pass the alias ARN "
        "to callers.",
    ),
    _rule(
        "E8",
        ERROR,
        "The DurableConfig KMS key's policy lacks the Lambda service statement.",
        "Lambda encrypts execution state as the service principal lambda.amazonaws.com; without "
        "kms:GenerateDataKey and kms:Decrypt for it Lambda cannot use the key and executions fail.",
        "Add a key policy statement (`key.add_to_resource_policy(...)`) for the lambda.amazonaws.com "
        "service principal with "
        "kms:GenerateDataKey and kms:Decrypt (conditions aws:SourceAccount, aws:SourceArn and "
        "kms:EncryptionContext:aws:lambda:FunctionArn).",
        r.kms_key_policy,
        template_fix="Add a statement to the key's `KeyPolicy` for the `lambda.amazonaws.com` service "
        "principal with kms:GenerateDataKey and kms:Decrypt (conditions aws:SourceAccount, aws:SourceArn "
        "and kms:EncryptionContext:aws:lambda:FunctionArn).",
    ),
    _rule(
        "W1",
        WARNING,
        "The durable function is invoked asynchronously but has no dead-letter queue.",
        "Asynchronous invocations that cannot start an execution are retried and then dropped "
        "silently. Dead-letter queues work for durable functions (destinations do not).",
        "Set dead_letter_queue (or dead_letter_queue_enabled=True) on the function.",
        r.async_without_dlq,
        template_fix="Set `DeadLetterConfig.TargetArn` on the function to an SQS queue or SNS topic "
        "(SAM: `DeadLetterQueue: {Type: SQS, TargetArn: ...}`).",
    ),
    _rule(
        "W2",
        WARNING,
        "No status-change rule or alarm watches the durable function's failures.",
        "Failed and timed-out executions do not surface anywhere by themselves.",
        "Add an EventBridge rule on 'Durable Execution Status Change' events with status FAILED / "
        "TIMED_OUT for this function (`DurableFunction.on_status_change(...)`), or a CloudWatch alarm "
        "on DurableExecutionFailed (`DurableFunction.add_recommended_alarms(...)`).",
        r.failure_monitoring,
        template_fix="Add an `AWS::Events::Rule` on 'Durable Execution Status Change' events with status "
        "FAILED / TIMED_OUT for this function, or an `AWS::CloudWatch::Alarm` on DurableExecutionFailed.",
    ),
    _rule(
        "E10",
        ERROR,
        "DURABLE_EXECUTION_PLUGINS names both OpenTelemetry views.",
        "otel-invocation and otel-execution are mutually exclusive: the SDK raises PluginLoadError at "
        "cold start, so every invocation fails before the handler runs.",
        "Keep one view: `DURABLE_EXECUTION_PLUGINS=otel-invocation` (or `otel-execution`), or "
        "`DurableTracing.xray(view=...)`.",
        r.otel_both_views,
        template_fix="Keep one view in the function's `Environment.Variables`: `DURABLE_EXECUTION_PLUGINS: "
        "otel-invocation` (or `otel-execution`).",
    ),
    _rule(
        "E11",
        ERROR,
        "AWS_LAMBDA_EXEC_WRAPPER names an OpenTelemetry wrapper but the function has no layer.",
        "The wrapper script (/opt/otel-instrument, /opt/otel-handler) comes from the OpenTelemetry layer; "
        "without it Lambda cannot start the runtime and every invocation fails.",
        "Attach the ADOT or community OpenTelemetry layer (`DurableTracing.xray()` / `.otlp()` do both), "
        "or remove AWS_LAMBDA_EXEC_WRAPPER.",
        r.otel_wrapper_without_layer,
        template_fix="Add the ADOT or community OpenTelemetry layer to the function's `Layers`, or remove "
        "`AWS_LAMBDA_EXEC_WRAPPER` from its `Environment.Variables`.",
    ),
    _rule(
        "E12",
        ERROR,
        "Traces go to X-Ray but the execution role cannot write them.",
        "The ADOT layer (or the xray propagator) exports to X-Ray; without xray:PutTraceSegments and "
        "xray:PutTelemetryRecords every export is refused and the traces are lost.",
        "Enable active tracing with its permission (`tracing=lambda_.Tracing.ACTIVE`, SAM `Tracing: Active`, "
        "`DurableTracing.xray()`) or attach AWSXRayDaemonWriteAccess to the role.",
        r.xray_tracing_without_permission,
        template_fix="Set `TracingConfig: {Mode: Active}` (SAM: `Tracing: Active`, which adds the "
        "permission) and allow xray:PutTraceSegments and xray:PutTelemetryRecords, or add "
        "AWSXRayDaemonWriteAccess to the role's `ManagedPolicyArns`.",
    ),
    _rule(
        "E13",
        ERROR,
        "OTEL_EXPORTER_OTLP_HEADERS is a plaintext value in the template.",
        "The OTLP headers carry the backend's credentials; as a literal they are readable by anyone who "
        "can read the template, the CDK output or the stack.",
        "Use a Secrets Manager dynamic reference (`DurableTracing.otlp(headers_secret=secret)`, "
        "`{{resolve:secretsmanager:...}}`) or a NoEcho parameter.",
        r.otlp_headers_plaintext,
        template_fix="Use a Secrets Manager dynamic reference "
        "(`resolve:secretsmanager:<secret>:SecretString` in double braces) or a `NoEcho` parameter.",
    ),
    _rule(
        "W3",
        WARNING,
        "An OpenTelemetry layer is attached but AWS_LAMBDA_EXEC_WRAPPER does not name its wrapper.",
        "Without the wrapper the layer's OpenTelemetry SDK never starts: the durable OTel plugin records "
        "into a no-op tracer and every trace is dropped silently.",
        "Set AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-instrument (ADOT; community Python) or /opt/otel-handler "
        "(community Node.js), or use `DurableTracing`.",
        r.otel_layer_without_wrapper,
        template_fix="Set `AWS_LAMBDA_EXEC_WRAPPER: /opt/otel-instrument` (ADOT; community Python) or "
        "`/opt/otel-handler` (community Node.js) in the function's `Environment.Variables`.",
    ),
    _rule(
        "W4",
        WARNING,
        "A published version of the durable function would be deleted on update.",
        "An execution replays on the version it started on. Without DeletionPolicy Retain (or "
        "RetainExceptOnCreate) and UpdateReplacePolicy Retain, the deploy that drops or replaces this "
        "AWS::Lambda::Version deletes it, and every execution suspended on it (a wait, a callback) fails "
        "when it resumes. A warning, not an error: deleting old versions is a valid choice for workflows "
        "that never outlive a deploy.",
        "Retain the version: `cdk_durable.DurableFunction` does by default (`version_removal_policy`), "
        "`current_version_options=lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.RETAIN)` on a "
        "plain function, or `version.apply_removal_policy(cdk.RemovalPolicy.RETAIN)`.",
        r.version_deleted_on_update,
        template_fix="Set `DeletionPolicy: Retain` (or `RetainExceptOnCreate`) and `UpdateReplacePolicy: "
        "Retain` on the `AWS::Lambda::Version` (SAM's `AutoPublishAlias` versions already carry "
        "`DeletionPolicy: Retain`).",
    ),
    _rule(
        "E14",
        ERROR,
        "A synchronous invoker targets a durable function whose ExecutionTimeout is over 15 minutes.",
        "API Gateway Lambda integrations (proxy, or non-proxy without `X-Amz-Invocation-Type: 'Event'`), "
        "HTTP API integrations, function URLs and Step Functions `lambda:invoke` tasks with the default "
        "RequestResponse invocation type invoke synchronously, and a synchronous invocation of a durable "
        "function is limited to 15 minutes: a longer execution fails the caller.",
        "Start the execution asynchronously: `cdk_durable.ApiStarter` for an API, "
        "`tasks.LambdaInvoke(..., invocation_type=LambdaInvocationType.EVENT)` (or a `.waitForTaskToken` "
        "task) in Step Functions, an EventBridge target; or lower ExecutionTimeout to 15 minutes or less.",
        r.sync_invocation_timeout,
        template_fix="Invoke asynchronously: an API Gateway AWS integration with the request parameter "
        "`integration.request.header.X-Amz-Invocation-Type: \"'Event'\"`, `InvocationType: Event` in a Step "
        "Functions `lambda:invoke` task's `Parameters`, or an EventBridge rule target; drop the function "
        "URL; or lower `DurableConfig.ExecutionTimeout` to 900 seconds or less.",
    ),
    _rule(
        "W5",
        WARNING,
        "A durable rule applies here but could not check it: not checked (not passed).",
        "A value the rule needs is not known from the template alone (a parameter without a Default, "
        "an Fn::ImportValue, a Deny with a Condition), or - in cfn-lint - the SAM template could not "
        "be translated, so no durable rule ran. The rules named in the message have not passed.",
        "Give the parameter a Default (or a literal value) so the rules can check it, or check the "
        "named rules by hand; for a SAM template, fix what the translator reports.",
        r.not_checked,
        template_fix="Give the parameter a `Default` (or write the value out) so the rules can check it, "
        "or check the named rules by hand; for a SAM template, fix what the translator reports.",
    ),
)

RULES_BY_ID: Final = {rule.id: rule for rule in RULES}
RULES_BY_CFN_LINT_ID: Final = {rule.cfn_lint_id: rule for rule in RULES}
