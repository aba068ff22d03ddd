{%- set bedrock = manifest.blueprints[cookiecutter.blueprint].bedrock %}
{%- set retention_days_names = {1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS",
    30: "ONE_MONTH", 60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
    1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS"} -%}
#!/usr/bin/env python3
"""CDK app for {{ cookiecutter.project_name }}: a durable {{ cookiecutter.blueprint }} workflow.

``cdk_durable.DurableFunction`` creates the function with DurableConfig, a version and the
"{{ cookiecutter.alias_name }}" alias that every wiring below uses, the durable execution role policy
and a dead-letter queue.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
{% if cookiecutter.tracing == "otlp" -%}
from aws_cdk import aws_secretsmanager as secretsmanager
{% endif -%}
from aws_cdk import aws_sns as sns
from cdk_durable import DurableExecutionStatus, DurableFunction{% if cookiecutter.tracing != "none" %}, DurableTracing{% endif %}
from constructs import Construct

PROJECT_NAME = "{{ cookiecutter.project_name }}"
SLUG = "{{ cookiecutter.project_slug }}"
SRC = Path(__file__).resolve().parent / "src"
{%- if bedrock %}
#: The Bedrock model the analysis uses, invoked through the account's global cross-region inference profile.
DEFAULT_MODEL_ID = "{{ manifest.bedrock.default_model }}"
{%- endif %}
RUNTIME = lambda_.Runtime.{{ cookiecutter.runtime | upper | replace(".", "_") | replace("PYTHON3", "PYTHON_3") }}
#: pip byte-compiles the bundle only when this Python is the runtime's version: Lambda ignores another
#: version's bytecode, which would only add megabytes to the asset.
RUNTIME_PYTHON = ({{ cookiecutter.runtime | replace('python', '') | replace('.', ', ') }})


@jsii.implements(cdk.ILocalBundling)
class LocalPipBundling:
    """Bundle src/ with its requirements using the local pip (no Docker needed)."""

    def try_bundle(self, output_dir: str, options: cdk.BundlingOptions) -> bool:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet",
                "--requirement", str(SRC / "requirements.txt"),
                "--target", output_dir,
                "--platform", "manylinux2014_x86_64", "--implementation", "cp",
                "--python-version", "{{ cookiecutter.runtime | replace('python', '') }}", "--only-binary=:all:",
                *([] if sys.version_info[:2] == RUNTIME_PYTHON else ["--no-compile"]),
            ],
            check=True,
        )  # fmt: skip
        shutil.copytree(SRC, output_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        return True


def handler_code() -> lambda_.Code:
    """src/ plus its requirements; locally with pip, in the runtime's image if pip fails."""
    return lambda_.Code.from_asset(
        str(SRC),
        bundling=cdk.BundlingOptions(
            image=RUNTIME.bundling_image,
            command=[
                "bash",
                "-c",
                "pip install -r requirements.txt -t /asset-output && cp -au . /asset-output",
            ],
            local=LocalPipBundling(),
        ),
    )


class WorkflowStack(cdk.Stack):
{%- if bedrock %}
    def __init__(
        self, scope: Construct, construct_id: str, *, model_id: str = DEFAULT_MODEL_ID, **kwargs: object
    ) -> None:
        """``model_id``: the Bedrock model; "" uses the handler's local keyword rules, no Bedrock."""
        super().__init__(scope, construct_id, **kwargs)
        profile_id = f"global.{model_id}"
{%- endif %}
{%- if not bedrock %}
    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)
{%- endif %}
{%- if cookiecutter.__callbacks == "True" %}

        # Callback ids are published here; subscribe the people or systems that answer.
        notify_topic = sns.Topic(self, "NotifyTopic", display_name=f"{PROJECT_NAME} callback requests")
{%- endif %}
        log_group = logs.LogGroup(
            self,
            "FunctionLogGroup",
            retention=logs.RetentionDays.{{ retention_days_names[cookiecutter.log_retention_days | int] }},
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )

        # Every deploy that changes the code publishes a version and keeps the old ones (the default
        # version_removal_policy=RETAIN): executions suspended on a version replay there when they
        # resume. Prune the ones nothing needs with `cdk-durable versions <function> --prune`.
        workflow = DurableFunction(
            self,
            "Workflow",
            description=f"{PROJECT_NAME} ({{ cookiecutter.blueprint }} workflow)",
            code=handler_code(),
            handler="app.handler",
            runtime=RUNTIME,
            memory_size=512,
            # One invocation; the whole execution may run for execution_timeout across many.
            timeout=cdk.Duration.seconds({{ cookiecutter.invocation_timeout_seconds }}),
            execution_timeout=cdk.Duration.seconds({{ cookiecutter.execution_timeout_seconds }}),
            retention_period=cdk.Duration.days({{ cookiecutter.retention_days }}),
            alias_name="{{ cookiecutter.alias_name }}",
            log_group=log_group,
{%- if cookiecutter.tracing == "xray" %}
            # OpenTelemetry -> X-Ray (AWS's ADOT profile): layer, wrapper, OTEL_*, one OTel view,
            # active tracing and the role's X-Ray permission.
            tracing=DurableTracing.xray(view="invocation", service_name=SLUG),
{%- elif cookiecutter.tracing == "otlp" %}
            # OpenTelemetry -> your OTLP backend (AWS's community profile). The headers come from the
            # Secrets Manager secret "<slug>/otlp-headers" as a dynamic reference, never in the template.
            tracing=DurableTracing.otlp(
                endpoint=self.node.try_get_context("otlp_endpoint") or "https://otlp.example.com",
                headers_secret=secretsmanager.Secret.from_secret_name_v2(
                    self, "OtlpHeaders", f"{SLUG}/otlp-headers"
                ),
                view="invocation",
                service_name=SLUG,
            ),
{%- elif cookiecutter.tracing == "none" %}
{%- else %}{{ unsupported("tracing", cookiecutter.tracing, "app.py") }}
{%- endif %}
            environment={
                "WORKFLOW_NAME": SLUG,
{%- if cookiecutter.__callbacks == "True" %}
                "NOTIFY_TOPIC_ARN": notify_topic.topic_arn,
{%- endif %}
{%- if bedrock %}
                # No model: the handler classifies with its local keyword rules.
                **({"TRIAGE_MODEL_ID": profile_id} if model_id else {}),
{%- endif %}
            },
        )
{%- if bedrock %}
        if model_id:
            # The global inference profile routes to the model in any region: InvokeModel on the profile
            # and on the foundation model in every region (the region is the only wildcard).
            workflow.function.add_to_role_policy(
                iam.PolicyStatement(
                    sid="InvokeTriageModel",
                    actions=["bedrock:InvokeModel"],
                    resources=[
                        self.format_arn(
                            service="bedrock",
                            region="*",
                            account="",
                            resource="foundation-model",
                            resource_name=model_id,
                        ),
                        self.format_arn(
                            service="bedrock", resource="inference-profile", resource_name=profile_id
                        ),
                    ],
                )
            )
{%- endif %}
        # cfn-lint W3005: aws-cdk-lib adds DependsOn on the role next to the GetAtt that implies it.
        function_resource = workflow.function.node.default_child
        assert isinstance(function_resource, cdk.CfnResource)
        function_resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
{%- if cookiecutter.__callbacks == "True" %}
        notify_topic.grant_publish(workflow)

        # Whoever answers callbacks assumes this role (callback actions on <function ARN>:*).
        callback_sender = iam.Role(
            self,
            "CallbackSenderRole",
            assumed_by=iam.AccountRootPrincipal(),
            description=f"Answers callbacks of {SLUG} executions",
        )
        workflow.grant_send_callback(callback_sender)
{%- endif %}

        # Operators assume this role (IAM identities of this account) to read, stop, pause, resume and
        # delete executions, e.g. pause them around a risky deploy (all on <function ARN>:*).
        operator = iam.Role(
            self,
            "OperatorRole",
            assumed_by=iam.AccountRootPrincipal(),
            description=f"Operates {SLUG} executions: read, stop, pause and resume, delete",
        )
        workflow.grant_read_executions(operator)
        workflow.grant_stop_execution(operator)
        workflow.grant_pause_execution(operator)
        workflow.grant_delete_execution(operator)
        # cfn-lint W3037: its IAM action list predates Pause/Resume/DeleteDurableExecution.
        operator_policy = operator.node.find_child("DefaultPolicy").node.default_child
        assert isinstance(operator_policy, cdk.CfnResource)
        operator_policy.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3037"]}})

        # Start an execution from EventBridge: the rule targets the alias with the event's detail.
        events.Rule(
            self,
            "StartWorkflowRule",
            event_pattern=events.EventPattern(source=[SLUG], detail_type=["Start Workflow"]),
            targets=[
                targets.LambdaFunction(
                    workflow.alias, event=events.RuleTargetInput.from_event_path("$.detail")
                )
            ],
        )

        # FAILED and TIMED_OUT executions -> alerts topic; the recommended alarms -> same topic.
        alerts = sns.Topic(self, "AlertsTopic", display_name=f"{PROJECT_NAME} alerts")
        workflow.on_status_change(
            "FailedExecutionsRule",
            target=targets.SnsTopic(alerts),
            statuses=[DurableExecutionStatus.FAILED, DurableExecutionStatus.TIMED_OUT],
        )
        workflow.add_recommended_alarms(topic=alerts)
        assert workflow.dead_letter_queue is not None
        dlq_alarm = workflow.dead_letter_queue.metric_approximate_number_of_messages_visible(
            period=cdk.Duration.minutes(5), statistic="Maximum"
        ).create_alarm(
            self,
            "DeadLetterQueueAlarm",
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="Invocations reached the dead-letter queue",
        )
        dlq_alarm.add_alarm_action(cw_actions.SnsAction(alerts))

        workflow.add_outputs()
        cdk.CfnOutput(
            self,
            "InvokeCommand",
            description="Start an execution asynchronously with an idempotent execution name",
            value=(
                f"aws lambda invoke --function-name {workflow.alias_arn} --invocation-type Event "
                "--durable-execution-name run-001 --cli-binary-format raw-in-base64-out "
                "--payload file://events/start.json response.json"
            ),
        )
        cdk.CfnOutput(self, "DeadLetterQueueUrl", value=workflow.dead_letter_queue.queue_url)
        cdk.CfnOutput(self, "AlertsTopicArn", value=alerts.topic_arn)
        cdk.CfnOutput(self, "OperatorRoleArn", value=operator.role_arn)
{%- if cookiecutter.__callbacks == "True" %}
        cdk.CfnOutput(self, "NotifyTopicArn", value=notify_topic.topic_arn)
        cdk.CfnOutput(self, "CallbackSenderRoleArn", value=callback_sender.role_arn)
{%- endif %}


app = cdk.App()
{%- if bedrock %}
# `cdk deploy -c bedrockModelId=<model id>` picks another Bedrock model; `-c bedrockModelId=` (empty)
# deploys without Bedrock (the handler's local keyword rules).
model = app.node.try_get_context("bedrockModelId")
WorkflowStack(app, "{{ cookiecutter.__stack_name }}", **({"model_id": model} if isinstance(model, str) else {}))
{%- endif %}
{%- if not bedrock %}
WorkflowStack(app, "{{ cookiecutter.__stack_name }}")
{%- endif %}
app.synth()
