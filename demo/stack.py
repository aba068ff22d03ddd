"""The support-triage stack: the workflow on ``DurableFunction`` plus everything around it.

What gets created:

- ``Triage`` - :class:`cdk_durable.DurableFunction` running ``demo/handler`` (``triage.app.handler``),
  7-day execution timeout, alias ``live``, dead-letter queue for asynchronous invocations;
- Bedrock ``InvokeModel`` on the model in each region of its cross-region inference profile and on
  the profile itself (no wildcards);
- ``AgentNotifications`` - SNS topic the workflow publishes review requests (with callback ids) to;
- ``ReviewEndpoint`` - a small function behind an IAM-authorized function URL that an agent's tool
  calls to approve, reject, edit or fail a review (``grant_send_callback`` on the triage function);
- ``OpsAlerts`` - SNS topic for a status rule (FAILED / TIMED_OUT executions) and the recommended
  alarms;
- outputs: the alias ARN, the review endpoint URL and a ready-to-paste ``aws lambda invoke`` command.

Topics are encrypted with one customer managed key (the CloudWatch and EventBridge service
principals may use it to publish), and refuse non-TLS requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_durable import DurableExecutionStatus, DurableFunction

DEMO_DIR = Path(__file__).resolve().parent
HANDLER_ASSET = DEMO_DIR / "handler"
REVIEW_ASSET = DEMO_DIR / "review"

#: Claude 3.5 Haiku through the US cross-region inference profile (``us.`` + model id).
DEFAULT_MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0"
DEFAULT_PROFILE_PREFIX = "us"
#: Regions the ``us.`` profile routes to: the model ARN is granted in each of them.
DEFAULT_MODEL_REGIONS = ("us-east-1", "us-east-2", "us-west-2")
EXAMPLE_EXECUTION_NAME = "ticket-TKT-001"


def _ignore_redundant_role_dependency(function: lambda_.Function) -> None:
    """cfn-lint W3005: aws-cdk-lib adds ``DependsOn`` the role that ``Role: !GetAtt`` already implies.

    Harmless (CloudFormation orders the same way either way) and not removable through the L2, so
    the template says why cfn-lint may skip that one check on this resource.
    """
    cfn = function.node.default_child
    assert isinstance(cfn, cdk.CfnResource)
    cfn.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})


class TriageStack(cdk.Stack):
    """The demo app's stack (``app.py``). Props name the Bedrock model; everything else is fixed."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        model_id: str = DEFAULT_MODEL_ID,
        inference_profile_prefix: str = DEFAULT_PROFILE_PREFIX,
        model_regions: Sequence[str] = DEFAULT_MODEL_REGIONS,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        profile_id = f"{inference_profile_prefix}.{model_id}"

        key = kms.Key(
            self,
            "TopicKey",
            enable_key_rotation=True,
            description="Encrypts the triage demo's SNS topics",
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # CloudWatch alarms and EventBridge rules publish to encrypted topics only if they may use the key.
        for service in ("cloudwatch.amazonaws.com", "events.amazonaws.com"):
            key.add_to_resource_policy(
                iam.PolicyStatement(
                    actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                    principals=[iam.ServicePrincipal(service)],
                    resources=["*"],  # in a key policy, "*" is the key itself
                    conditions={"StringEquals": {"aws:SourceAccount": self.account}},
                )
            )
        agent_topic = sns.Topic(
            self, "AgentNotifications", display_name="Ticket reviews", master_key=key, enforce_ssl=True
        )
        ops_topic = sns.Topic(
            self, "OpsAlerts", display_name="Triage ops alerts", master_key=key, enforce_ssl=True
        )

        # --- the durable workflow ---
        self.triage = DurableFunction(
            self,
            "Triage",
            code=lambda_.Code.from_asset(str(HANDLER_ASSET), exclude=["**/__pycache__", "*.pyc"]),
            handler="triage.app.handler",
            runtime=lambda_.Runtime.PYTHON_3_14,
            execution_timeout=cdk.Duration.days(7),
            timeout=cdk.Duration.minutes(2),
            memory_size=512,
            description="Support-ticket triage: analyze, agent review, specialist review, close-out",
            environment={
                "TRIAGE_ANALYZER": "bedrock",
                "TRIAGE_MODEL_ID": profile_id,
                "REVIEW_TOPIC_ARN": agent_topic.topic_arn,
            },
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=logs.LogGroup(
                self,
                "TriageLogs",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            ),
        )
        agent_topic.grant_publish(self.triage)
        self.triage.role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="InvokeTriageModel",
                actions=["bedrock:InvokeModel"],
                resources=[
                    *(
                        self.format_arn(
                            service="bedrock",
                            region=region,
                            account="",
                            resource="foundation-model",
                            resource_name=model_id,
                        )
                        for region in model_regions
                    ),
                    self.format_arn(
                        service="bedrock", resource="inference-profile", resource_name=profile_id
                    ),
                ],
            )
        )

        # --- the review endpoint ---
        self.review = lambda_.Function(
            self,
            "ReviewEndpoint",
            code=lambda_.Code.from_asset(str(REVIEW_ASSET), exclude=["**/__pycache__", "*.pyc"]),
            handler="review.handler",
            runtime=lambda_.Runtime.PYTHON_3_14,
            timeout=cdk.Duration.seconds(10),
            description="Approve / reject / fail a triage review: sends the durable execution callback",
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=logs.LogGroup(
                self,
                "ReviewLogs",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            ),
        )
        self.triage.grant_send_callback(self.review)
        self.review_url = self.review.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)

        # --- operations ---
        self.triage.on_status_change(
            "FailedOrTimedOut",
            target=targets.SnsTopic(ops_topic),
            statuses=[DurableExecutionStatus.FAILED, DurableExecutionStatus.TIMED_OUT],
            description="Triage executions that failed or timed out",
        )
        self.triage.add_recommended_alarms(topic=ops_topic)

        # --- outputs ---
        cdk.CfnOutput(
            self, "AliasArn", value=self.triage.alias_arn, description="Invoke this (qualified) ARN"
        )
        cdk.CfnOutput(
            self, "ReviewEndpointUrl", value=self.review_url.url, description="POST review decisions (SigV4)"
        )
        cdk.CfnOutput(
            self, "AgentTopicArn", value=agent_topic.topic_arn, description="Subscribe reviewers here"
        )
        cdk.CfnOutput(
            self,
            "InvokeCommand",
            description="Start a triage execution (idempotent per execution name)",
            value=(
                f"aws lambda invoke --function-name {self.triage.alias_arn} --invocation-type Event "
                f"--durable-execution-name {EXAMPLE_EXECUTION_NAME} --cli-binary-format raw-in-base64-out "
                "--payload file://demo/events/standard.json response.json"
            ),
        )
        self._suppress_nag_findings()
        for function in (self.triage.function, self.review):
            _ignore_redundant_role_dependency(function)
        # The function is durable from its first deployment: there is no existing function to replace.
        cdk.Annotations.of(self.triage.function).acknowledge_info(
            "aws-lambda:Function.DurableConfig", "durable from the first deployment; nothing is replaced"
        )

    def _suppress_nag_findings(self) -> None:
        """Each AwsSolutions finding accepted here, with its reason (cdk-nag 3: acknowledgments)."""
        managed = (
            "AWS recommends Lambda's own managed policy for this role ({}): logs{}; no resource it "
            "grants belongs to another workload."
        )
        partition_policy = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        cdk.Validations.of(self.triage.role).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM4[{partition_policy}AWSLambdaBasicDurableExecutionRolePolicy]",
                reason=managed.format(
                    "AWSLambdaBasicDurableExecutionRolePolicy", " plus the durable checkpoint/state actions"
                ),
            ),
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
                reason="SNS publishing to the KMS-encrypted review topic needs kms:GenerateDataKey* "
                "(the CDK grant); the statement is scoped to that one key.",
            ),
        )
        assert self.review.role is not None
        cdk.Validations.of(self.review.role).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM4[{partition_policy}AWSLambdaBasicExecutionRole]",
                reason=managed.format("AWSLambdaBasicExecutionRole", " only"),
            ),
            cdk.Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{self._logical_id_of(self.triage.function)}.Arn>:*]",
                reason="Callback actions are authorized against execution ARNs "
                "(<function ARN>:<qualifier>/durable-execution/<name>/<run id>); only a wildcard under this "
                "one function's ARN matches them (DurableFunction.grant_send_callback).",
            ),
        )

    def _logical_id_of(self, function: lambda_.Function) -> str:
        child = function.node.default_child
        assert isinstance(child, cdk.CfnElement)
        return self.resolve(child.logical_id)  # type: ignore[no-any-return]
