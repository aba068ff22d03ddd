"""An existing two-stack app adopting durable workflows, as docs/existing-app.md describes it.

``Workflows`` owns the durable functions and wires them to an EventBridge rule, an SNS topic, a queue
(``AsyncStarter``), a REST API (``ApiStarter`` for the long workflow, a proxy integration for the short
one) and a Step Functions state machine, all by passing the durable function
where CDK expects a function. ``Frontend`` uses the workflow across stacks (an environment variable and
an invoke grant through CDK's automatic exports) and imports it by its exported alias ARN, as a second
app would (``DurableFunction.from_alias_arn`` / ``from_function_name``).

Run it as a user would: ``cdk synth --app "python tests/construct/existing_app.py"``.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as sns_subs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from cdk_durable import (
    ApiStarter,
    AsyncStarter,
    DurableChecks,
    DurableExecutionStatus,
    DurableFunction,
    ExecutionName,
)

HANDLER_DIR = Path(__file__).resolve().parent / "fixtures" / "handler"
ENV = cdk.Environment(account="123456789012", region="us-east-1")
EXPORT_PREFIX = "Orders"


def _quiet_w3005(construct: Construct) -> None:
    """aws-cdk-lib's redundant DependsOn on a role (cfn-lint W3005), as DurableFunction does for itself."""
    child = construct.node.default_child
    assert isinstance(child, cdk.CfnResource)
    child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})


class Workflows(cdk.Stack):
    def __init__(self, scope: Construct, id: str, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        oncall_key = kms.Key(self, "OncallKey", enable_key_rotation=True)
        oncall = sns.Topic(self, "Oncall", master_key=oncall_key)

        # A 7-day workflow: only asynchronous starters.
        self.orders = DurableFunction(
            self,
            "Orders",
            code=lambda_.Code.from_asset(str(HANDLER_DIR)),
            handler="app.handler",
            execution_timeout=cdk.Duration.days(7),
            version_removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        )
        self.orders.add_recommended_alarms(topic=oncall)  # the key policy lets CloudWatch publish
        self.orders.on_status_change(
            "Failures",
            target=targets.SnsTopic(oncall),
            statuses=[DurableExecutionStatus.FAILED, DurableExecutionStatus.TIMED_OUT],
        )
        self.orders.add_outputs(export_prefix=EXPORT_PREFIX)

        # EventBridge -> workflow (asynchronous, on the alias)
        events.Rule(
            self,
            "OrderPlaced",
            event_pattern=events.EventPattern(source=["shop"], detail_type=["OrderPlaced"]),
        ).add_target(targets.LambdaFunction(self.orders))
        # SNS -> workflow
        sns.Topic(self, "Returns").add_subscription(sns_subs.LambdaSubscription(self.orders))
        # SQS -> workflow (a starter names each execution after the order)
        AsyncStarter(
            self,
            "FromQueue",
            target=self.orders,
            queue=sqs.Queue(self, "Orders Queue"),
            execution_name_field="orderId",
        )
        # API -> workflow: API Gateway invokes the alias asynchronously, the execution named by the order
        self.api = apigw.RestApi(self, "Api")
        ApiStarter(
            self,
            "StartOrderFromApi",
            target=self.orders,
            execution_name=ExecutionName.from_body_field("orderId"),
            rest_api=self.api,
            path="orders",
        )
        # Step Functions -> workflow (asynchronous task)
        start = tasks.LambdaInvoke(
            self, "StartOrder", lambda_function=self.orders, invocation_type=tasks.LambdaInvocationType.EVENT
        )

        # A 10-minute workflow may be called synchronously (API Gateway, Step Functions request-response).
        self.quote = DurableFunction(
            self,
            "Quote",
            code=lambda_.Code.from_asset(str(HANDLER_DIR)),
            handler="app.handler",
            execution_timeout=cdk.Duration.minutes(10),
            version_removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.quote.acknowledge("DUR-W4", "Quotes finish in minutes; no execution outlives a deploy.")
        self.quote.add_recommended_alarms(topic=oncall, running_utilization_percent=None)
        self.api.root.add_resource("quote").add_method(
            "POST", apigw.LambdaIntegration(self.quote), authorization_type=apigw.AuthorizationType.IAM
        )
        quote = tasks.LambdaInvoke(self, "Quote Task", lambda_function=self.quote)
        machine = sfn.StateMachine(
            self, "Checkout", definition_body=sfn.DefinitionBody.from_chainable(quote.next(start))
        )
        _quiet_w3005(machine)

        ops = iam.Role(self, "Ops", assumed_by=iam.AccountRootPrincipal())
        self.orders.grant_read_executions(ops)
        self.orders.grant_stop_execution(ops)


class Frontend(cdk.Stack):
    def __init__(self, scope: Construct, id: str, *, orders: DurableFunction, **kwargs: object) -> None:
        super().__init__(scope, id, **kwargs)  # type: ignore[arg-type]
        # Same app, another stack: pass the durable function itself (CDK exports the alias ARN).
        checkout = lambda_.Function(
            self,
            "Checkout",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
            environment={"ORDERS_FUNCTION": orders.function_arn},
        )
        _quiet_w3005(checkout)
        orders.grant_invoke(checkout)

        # What a second app does: import by the exported alias ARN (or by name and alias).
        imported = DurableFunction.from_alias_arn(
            self, "OrdersByArn", cdk.Fn.import_value(f"{EXPORT_PREFIX}-AliasArn")
        )
        approvals = iam.Role(self, "Approvals", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        imported.grant_send_callback(approvals)
        imported.grant_pause_execution(approvals)
        imported.grant_delete_execution(approvals)
        cloudwatch.Alarm(
            self, "OrdersFailing", metric=imported.metric_failed(), threshold=1, evaluation_periods=1
        )

        by_name = DurableFunction.from_function_name(self, "Billing", "billing-workflow", alias="live")
        by_name.grant_invoke(checkout)


def build(app: cdk.App) -> tuple[Workflows, Frontend]:
    workflows = Workflows(app, "Workflows", env=ENV)
    frontend = Frontend(app, "Frontend", orders=workflows.orders, env=ENV)
    cdk.Aspects.of(app).add(DurableChecks())
    return workflows, frontend


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
