"""``AsyncStarter``: start long durable executions from an SQS queue (the AWS-recommended pattern).

Event source mappings invoke synchronously, so a durable function whose execution may run longer than
15 minutes cannot consume a queue directly. The starter is a small, ordinary Lambda function fed by the
queue; it invokes the durable function's alias asynchronously (``InvocationType=Event``) with a durable
execution name derived from the message, so a redelivered message finds the execution it already
started instead of starting another. Handler: ``cdk_durable/_starter_handler/index.py``.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from . import _validation as v
from ._facade import DurableFunctionFacade
from .durable_function import DurableFunction, quiet_redundant_role_dependency
from .imported import ImportedDurableFunction

__all__ = ["AsyncStarter"]

HANDLER_DIR = Path(__file__).resolve().parent / "_starter_handler"


class AsyncStarter(Construct):
    """Queue -> starter function -> ``Invoke(alias, InvocationType=Event, DurableExecutionName=...)``.

    Children: ``Function`` (the starter, python3.13, 30 s, 256 MB) with an SQS event source that reports
    partial batch failures; the target's ``grant_invoke`` (alias only).

    Execution name (one of):

    - ``execution_name_field="order.id"``: that JSON field of the body (dotted path);
    - ``execution_name_template="order-{order.id}-{attempt}"``: placeholders filled from the body;
    - neither (default): SHA-256 of the body - identical messages map to one execution.

    Names that are not already 1-64 ``[a-zA-Z0-9_-]`` are cleaned and suffixed with a hash of the raw
    value (deterministic, collision-safe). Messages without the field, or with a body that is not JSON,
    fail (and go to the queue's own redrive policy).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        target: DurableFunction | ImportedDurableFunction,
        queue: sqs.IQueue,
        execution_name_field: str | None = None,
        execution_name_template: str | None = None,
        batch_size: int = 10,
        max_batching_window: cdk.Duration | None = None,
        max_concurrency: int | None = None,
        timeout: cdk.Duration | None = None,
        memory_size: int = 256,
        runtime: lambda_.Runtime | None = None,
    ) -> None:
        """
        :param target: the durable function to start.
        :param queue: the queue whose messages are execution inputs (JSON bodies).
        :param execution_name_field: Default: none. Dotted JSON path of the execution name.
        :param execution_name_template: Default: none. ``{path}`` placeholders filled from the body.
        :param batch_size: Default: 10. Messages per starter invocation (1-10000, as SQS allows).
        :param max_batching_window: Default: none. Wait to fill batches.
        :param max_concurrency: Default: no limit. Concurrent starter invocations (2-1000).
        :param timeout: Default: 30 seconds. The starter's own timeout (keep it below the queue's
            visibility timeout).
        :param memory_size: Default: 256 MB.
        :param runtime: Default: python3.13 (its boto3 must know ``DurableExecutionName``).
        """
        super().__init__(scope, id)
        if not isinstance(target, DurableFunctionFacade):
            raise v.DurableValidationError(
                "target must be a cdk_durable.DurableFunction (or one imported with "
                f"DurableFunction.from_alias_arn / from_function_name), got {type(target).__name__}"
            )
        v.check_execution_name_source(execution_name_field, execution_name_template)
        runtime = runtime or lambda_.Runtime.PYTHON_3_13
        if runtime.family != lambda_.RuntimeFamily.PYTHON:
            raise v.DurableValidationError(
                f"runtime must be a Python runtime (the starter is Python), got {runtime.name!r}"
            )

        timeout = timeout or cdk.Duration.seconds(30)
        self._check_visibility_timeout(queue, timeout)

        environment = {"TARGET_FUNCTION_ARN": target.alias_arn}
        if execution_name_field is not None:
            environment["EXECUTION_NAME_FIELD"] = execution_name_field
        if execution_name_template is not None:
            environment["EXECUTION_NAME_TEMPLATE"] = execution_name_template

        self.target = target
        self.queue = queue
        self.function = lambda_.Function(
            self,
            "Function",
            code=lambda_.Code.from_asset(str(HANDLER_DIR), exclude=["__pycache__", "*.pyc", "__init__.py"]),
            handler="index.handler",
            runtime=runtime,
            timeout=timeout,
            memory_size=memory_size,
            environment=environment,
            description="Starts durable executions from SQS messages (cdk-durable AsyncStarter)",
        )
        quiet_redundant_role_dependency(self.function)
        self.event_source = sources.SqsEventSource(
            queue,
            batch_size=batch_size,
            max_batching_window=max_batching_window,
            max_concurrency=max_concurrency,
            report_batch_item_failures=True,
        )
        self.function.add_event_source(self.event_source)
        target.grant_invoke(self.function)

    @staticmethod
    def _check_visibility_timeout(queue: sqs.IQueue, timeout: cdk.Duration) -> None:
        """Lambda refuses an SQS mapping whose queue hides messages for less than the function timeout."""
        cfn = queue.node.default_child
        if not isinstance(cfn, sqs.CfnQueue) or timeout.is_unresolved():
            return
        visibility = cfn.visibility_timeout
        visibility = 30 if visibility is None else visibility  # the SQS default
        if cdk.Token.is_unresolved(visibility):
            return
        if visibility < timeout.to_seconds():
            raise v.DurableValidationError(
                f"queue visibility timeout ({visibility:g} seconds) must be at least the starter's timeout "
                f"({timeout.to_seconds():g} seconds): Lambda rejects the event source mapping otherwise; "
                f"raise the queue's visibility_timeout (AWS suggests 6x) or lower timeout"
            )
