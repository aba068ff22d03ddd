"""Platform facts about AWS Lambda durable functions, as data.

This module is the single source for IAM action names, the status-event shape, metric names,
runtimes and limits. The construct, the synth-time checks, the diagnosis tool and the tests import
these values; a change in the platform is a one-line change here.

Sources: AWS documentation (durable-security, durable-monitoring, durable-invoking-esm,
durable-encryption), the botocore Lambda model (API version 2025-12-01) and aws-cdk-lib 2.275.
"""

from __future__ import annotations

import enum
from typing import Final

# --- DurableConfig limits ------------------------------------------------------------------

#: ``DurableConfig.ExecutionTimeout`` bounds, in seconds (1 second - 366 days).
EXECUTION_TIMEOUT_MIN_SECONDS: Final = 1
EXECUTION_TIMEOUT_MAX_DAYS: Final = 366
EXECUTION_TIMEOUT_MAX_SECONDS: Final = EXECUTION_TIMEOUT_MAX_DAYS * 24 * 60 * 60  # 31,622,400
#: ``DurableConfig.RetentionPeriodInDays`` bounds and service default.
RETENTION_MIN_DAYS: Final = 1
RETENTION_MAX_DAYS: Final = 90
RETENTION_DEFAULT_DAYS: Final = 14
#: A single Lambda invocation (the per-invocation ``Timeout``) never exceeds 15 minutes.
INVOCATION_TIMEOUT_MAX_SECONDS: Final = 15 * 60
#: A function's ``Timeout`` when its template gives none (seconds per invocation).
INVOCATION_TIMEOUT_DEFAULT_SECONDS: Final = 3
#: Event source mappings invoke synchronously: the whole execution must fit in 15 minutes.
SYNC_INVOCATION_MAX_SECONDS: Final = 15 * 60
#: Lambda function memory, MB (``MemorySize``).
MEMORY_MIN_MB: Final = 128
MEMORY_MAX_MB: Final = 10_240
#: Asynchronous invocation settings (``EventInvokeConfig``): event age 60 s - 6 h, retries 0 - 2.
MAX_EVENT_AGE_MIN_SECONDS: Final = 60
MAX_EVENT_AGE_MAX_SECONDS: Final = 6 * 60 * 60
ASYNC_RETRY_ATTEMPTS_MAX: Final = 2
#: Waits and retry delays.
WAIT_MIN_SECONDS: Final = 1
WAIT_MAX_SECONDS: Final = EXECUTION_TIMEOUT_MAX_SECONDS

# --- Per-execution quotas ------------------------------------------------------------------

MAX_OPERATIONS_PER_EXECUTION: Final = 3_000
MAX_STORAGE_WRITTEN_BYTES: Final = 100 * 1024 * 1024
#: The durable SDKs' ``CHECKPOINT_SIZE_LIMIT_BYTES`` (Python 3.0 ``constants.py``, JS 2.4): a child
#: context's (``run_in_child_context``, ``map``, ``parallel``) result larger than this is not
#: checkpointed: the SDK checkpoints a summary with ``ReplayChildren`` and rebuilds the result by replay.
#: A *step* result of any size is checkpointed as it is: this is a threshold, not a limit.
CHECKPOINT_PAYLOAD_THRESHOLD_BYTES: Final = 256 * 1024
#: The limit: the largest payload one operation update of ``CheckpointDurableExecution`` may carry
#: (botocore 1.44's ``OperationPayload`` max, 6,291,456). Lambda's API refuses a larger one
#: (``InvalidParameterValueException``) and the SDK fails the execution; both SDKs rely on it being at
#: least their 6 MB response limit (a larger final result is checkpointed instead of returned).
#: ``run`` and ``serve`` enforce it (:mod:`cdk_durable.local_run.endpoint`).
OPERATION_PAYLOAD_MAX_BYTES: Final = 6 * 1024 * 1024
#: The Python SDK's checkpoint batch size (aws-durable-execution-sdk-python 3.0.0,
#: ``CheckpointBatcherConfig.max_batch_size_bytes``). Not a limit either, but a step result larger than
#: this that arrives behind its own step's START waits in the batcher's overflow queue, which only
#: drains into a batch it fits, until Lambda times the invocation out; the replay then sends it
#: (docs/local-run.md, ``diagnose``'s ``step-result-over-batch``).
PYTHON_SDK_CHECKPOINT_BATCH_BYTES: Final = 750 * 1024
#: Invocation payload limits (async ``Event`` invocation / synchronous).
ASYNC_PAYLOAD_MAX_BYTES: Final = 1024 * 1024
SYNC_PAYLOAD_MAX_BYTES: Final = 6 * 1024 * 1024
START_RATE_PER_SECOND: Final = 300
#: ``SendDurableExecutionCallbackSuccess`` ``Result`` (botocore model: blob, max 1,048,576 bytes).
CALLBACK_RESULT_MAX_BYTES: Final = 1024 * 1024

# --- Names -----------------------------------------------------------------------------------

#: ``--durable-execution-name``: 1-64 characters of ``[a-zA-Z0-9_-]``.
EXECUTION_NAME_CHARS: Final = "a-zA-Z0-9_-"
EXECUTION_NAME_MAX_LENGTH: Final = 64
EXECUTION_NAME_PATTERN: Final = rf"^[{EXECUTION_NAME_CHARS}]{{1,{EXECUTION_NAME_MAX_LENGTH}}}$"
#: Invoke's HTTP headers (Lambda API 2015-03-31): invocation type in, execution name in, execution ARN out.
INVOKE_API_PATH: Final = "2015-03-31/functions/{function_arn}/invocations"
INVOCATION_TYPE_HEADER: Final = "X-Amz-Invocation-Type"
EXECUTION_NAME_HEADER: Final = "X-Amz-Durable-Execution-Name"
EXECUTION_ARN_HEADER: Final = "X-Amz-Durable-Execution-Arn"
#: Lambda alias names: 1-128 characters, must not be only digits (that is a version), may not be
#: ``$LATEST``.
ALIAS_NAME_PATTERN: Final = r"^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$"
ALIAS_NAME_MAX_LENGTH: Final = 128
#: Lambda function names (the part after ``function:``), unanchored for use inside ARN patterns.
FUNCTION_NAME_CHARS: Final = r"[a-zA-Z0-9_-]{1,64}"
FUNCTION_NAME_PATTERN: Final = rf"^{FUNCTION_NAME_CHARS}$"
#: The parts of a function ARN, ``arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]``
#: (the forms of the Lambda API's ``FunctionName``), unanchored; a qualifier is an alias, a version or
#: ``$LATEST``.
ARN_PARTITION_CHARS: Final = r"aws[a-zA-Z-]*"
REGION_CHARS: Final = r"[a-z0-9-]+"
ACCOUNT_ID_CHARS: Final = r"\d{12}"
QUALIFIER_CHARS: Final = r"[a-zA-Z0-9$_-]+"


def function_arn_pattern(
    name: str = FUNCTION_NAME_CHARS,
    *,
    region: str = REGION_CHARS,
    account: str = ACCOUNT_ID_CHARS,
    partition: str = ARN_PARTITION_CHARS,
) -> str:
    """The pattern of an unqualified function ARN, unanchored: ``name``, ``region`` and ``account``
    replace the parts' patterns (a group around the name, a looser region in template text)."""
    return rf"arn:{partition}:lambda:{region}:{account}:function:{name}"


#: A durable execution's ARN (Lambda API reference, ``Execution.DurableExecutionArn``): the function's
#: ARN qualified by the version that runs (``$LATEST``, ``$LATEST.PUBLISHED`` or a number, never an
#: alias), then ``/durable-execution/EXECUTION_NAME/EXECUTION_ID``. Groups: partition, region, account,
#: function, version, execution name, execution id.
EXECUTION_ARN_PATTERN: Final = (
    "^"
    + function_arn_pattern(
        f"({FUNCTION_NAME_CHARS})",
        region=f"({REGION_CHARS})",
        account=f"({ACCOUNT_ID_CHARS})",
        partition=f"({ARN_PARTITION_CHARS})",
    )
    + rf":(\$LATEST(?:\.PUBLISHED)?|[0-9]+)/durable-execution/"
    rf"([{EXECUTION_NAME_CHARS}]{{1,{EXECUTION_NAME_MAX_LENGTH}}})/([a-zA-Z0-9_-]+)$"
)

# --- Runtimes ----------------------------------------------------------------------------------

#: Managed runtimes that support durable execution.
DURABLE_RUNTIMES: Final = ("python3.13", "python3.14", "nodejs22.x", "nodejs24.x")
PYTHON_DURABLE_RUNTIMES: Final = tuple(r for r in DURABLE_RUNTIMES if r.startswith("python"))
NODE_DURABLE_RUNTIMES: Final = tuple(r for r in DURABLE_RUNTIMES if r.startswith("nodejs"))
#: Minimum versions by family, for runtimes newer than this list (python3.15, nodejs26.x, ...).
MIN_DURABLE_VERSION: Final = {"python": (3, 13), "nodejs": (22,)}

# --- IAM -----------------------------------------------------------------------------------------

#: Managed policy the execution role needs (logs + checkpoint + state).
DURABLE_MANAGED_POLICY_NAME: Final = "service-role/AWSLambdaBasicDurableExecutionRolePolicy"
#: What the SDK calls from inside the function; the managed policy grants them on ``*``.
EXECUTION_ROLE_ACTIONS: Final = (
    "lambda:CheckpointDurableExecution",
    "lambda:GetDurableExecutionState",
)
#: Callback senders. Authorized against the execution ARN (``<function ARN>:*``).
CALLBACK_ACTIONS: Final = (
    "lambda:SendDurableExecutionCallbackSuccess",
    "lambda:SendDurableExecutionCallbackFailure",
    "lambda:SendDurableExecutionCallbackHeartbeat",
)
#: Readers of executions. ``Get*`` are authorized against the execution ARN;
#: ``ListDurableExecutionsByFunction`` against the function ARN (qualified or not).
READ_EXECUTION_ACTIONS: Final = (
    "lambda:GetDurableExecution",
    "lambda:GetDurableExecutionHistory",
    "lambda:ListDurableExecutionsByFunction",
)
LIST_EXECUTIONS_ACTION: Final = "lambda:ListDurableExecutionsByFunction"
STOP_EXECUTION_ACTIONS: Final = ("lambda:StopDurableExecution",)
#: Pause a running execution (``ExecutionTimeoutPaused``, ``Reason``) and resume it; on the execution ARN.
PAUSE_EXECUTION_ACTIONS: Final = (
    "lambda:PauseDurableExecution",
    "lambda:ResumeDurableExecution",
)
#: Delete a terminal execution (status DELETING until done); on the execution ARN.
DELETE_EXECUTION_ACTIONS: Final = ("lambda:DeleteDurableExecution",)
INVOKE_ACTIONS: Final = ("lambda:InvokeFunction",)
#: AWS CLI commands for callback senders (``aws lambda <command> --callback-id ID``); ``--result``
#: is a blob, so CLI v2 needs ``--cli-binary-format raw-in-base64-out`` to send raw JSON text.
CLI_CALLBACK_SUCCESS: Final = "send-durable-execution-callback-success"
CLI_CALLBACK_FAILURE: Final = "send-durable-execution-callback-failure"
CLI_CALLBACK_HEARTBEAT: Final = "send-durable-execution-callback-heartbeat"
#: Actions that the construct grants on execution ARNs (never ``*``).
EXECUTION_ARN_SUFFIX: Final = ":*"

#: Every durable API action, by what grants it: ``DurableFunction.grant_<name>`` for the callers, the
#: execution role (the managed policy) for the SDK's own calls. A test compares the union with the
#: durable operations in the installed botocore model, so a new API fails it until it is listed here
#: (with a grant) or in :data:`UNGRANTED_DURABLE_ACTIONS` (with the reason).
DURABLE_ACTION_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "execution_role": EXECUTION_ROLE_ACTIONS,
    "send_callback": CALLBACK_ACTIONS,
    "read_executions": READ_EXECUTION_ACTIONS,
    "stop_execution": STOP_EXECUTION_ACTIONS,
    "pause_execution": PAUSE_EXECUTION_ACTIONS,
    "delete_execution": DELETE_EXECUTION_ACTIONS,
}
#: Durable API actions deliberately without a grant, each with its reason (none today).
UNGRANTED_DURABLE_ACTIONS: Final[dict[str, str]] = {}

# --- KMS -----------------------------------------------------------------------------------------

KMS_SERVICE_ACTIONS: Final = ("kms:GenerateDataKey", "kms:Decrypt")
KMS_ROLE_ACTIONS: Final = ("kms:Decrypt",)
KMS_READER_ACTIONS: Final = ("kms:Decrypt",)
KMS_DEPLOYER_ACTIONS: Final = ("kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt")
KMS_ENCRYPTION_CONTEXT_KEY: Final = "kms:EncryptionContext:aws:lambda:FunctionArn"
LAMBDA_SERVICE_PRINCIPAL: Final = "lambda.amazonaws.com"

# --- Status events -------------------------------------------------------------------------------

EVENT_SOURCE: Final = "aws.lambda"
STATUS_CHANGE_DETAIL_TYPE: Final = "Durable Execution Status Change"


class ExecutionStatus(enum.StrEnum):
    """``ExecutionStatus`` of the API (botocore 1.44; a test keeps it equal to the installed model).

    The one definition of which statuses are terminal and which are open: a string compares equal to
    its member (``ExecutionStatus.RUNNING == "RUNNING"``), so JSON and text output are unchanged.
    """

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    STOPPED = "STOPPED"
    DELETING = "DELETING"
    PAUSING = "PAUSING"
    PAUSED = "PAUSED"

    @property
    def is_terminal(self) -> bool:
        """Finished: it will never run again."""
        return self in _TERMINAL_EXECUTION

    @property
    def is_open(self) -> bool:
        """Still needs its version: it replays there when it resumes (PAUSING is on its way to PAUSED)."""
        return self in (ExecutionStatus.RUNNING, ExecutionStatus.PAUSING, ExecutionStatus.PAUSED)


_TERMINAL_EXECUTION: Final = frozenset(
    {ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.STOPPED}
)


class OperationStatus(enum.StrEnum):
    """An operation's status: the API's ``OperationStatus`` plus RETRYING (a step failed and another
    attempt is scheduled; the history shows it as ``StepFailed`` with ``RetryDetails``)."""

    STARTED = "STARTED"
    PENDING = "PENDING"
    READY = "READY"
    RETRYING = "RETRYING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    TIMED_OUT = "TIMED_OUT"
    STOPPED = "STOPPED"

    @property
    def is_open(self) -> bool:
        """Started and not finished (a step between retries counts as open)."""
        return not self.is_terminal

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL_OPERATION


_TERMINAL_OPERATION: Final = frozenset(
    {
        OperationStatus.SUCCEEDED,
        OperationStatus.FAILED,
        OperationStatus.CANCELLED,
        OperationStatus.TIMED_OUT,
        OperationStatus.STOPPED,
    }
)


class DurableExecutionStatus(enum.Enum):
    """Status of a durable execution, as in the status-change event (and the API).

    Only the statuses the ``Durable Execution Status Change`` event is documented to carry
    (durable-monitoring: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, STOPPED). The API also has DELETING,
    PAUSING and PAUSED (:class:`ExecutionStatus`), but whether the event carries them is not
    documented, so a rule filtering on them might never match: they are left out until it is.
    """

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    STOPPED = "STOPPED"

    @property
    def is_terminal(self) -> bool:
        return ExecutionStatus(self.value).is_terminal


TERMINAL_STATUSES: Final = tuple(s for s in DurableExecutionStatus if s.is_terminal)
#: Every ``ExecutionStatus`` of the API (``ListDurableExecutionsByFunction`` ``Statuses`` filter).
API_EXECUTION_STATUSES: Final = tuple(s.value for s in ExecutionStatus)
#: Executions that still need their version: they replay on it when they resume (``cdk-durable versions``
#: never prunes a version with one).
LIVE_EXECUTION_STATUSES: Final = tuple(s.value for s in ExecutionStatus if s.is_open)
FAILURE_STATUSES: Final = (DurableExecutionStatus.FAILED, DurableExecutionStatus.TIMED_OUT)

# --- Metrics -------------------------------------------------------------------------------------

METRIC_NAMESPACE: Final = "AWS/Lambda"
METRIC_DIMENSION: Final = "FunctionName"


class DurableMetric(enum.Enum):
    """CloudWatch metrics Lambda publishes for durable functions (namespace ``AWS/Lambda``)."""

    STARTED = "DurableExecutionStarted"
    SUCCEEDED = "DurableExecutionSucceeded"
    FAILED = "DurableExecutionFailed"
    TIMED_OUT = "DurableExecutionTimedOut"
    STOPPED = "DurableExecutionStopped"
    DURATION = "DurableExecutionDuration"
    OPERATIONS = "DurableExecutionOperations"
    STORAGE_WRITTEN_BYTES = "DurableExecutionStorageWrittenBytes"
    RUNNING = "ApproximateRunningDurableExecutions"
    RUNNING_UTILIZATION = "ApproximateRunningDurableExecutionsUtilization"


# --- Event sources ---------------------------------------------------------------------------------

#: ``AWS::Lambda::EventSourceMapping`` sources; all invoke synchronously (15-minute rule).
EVENT_SOURCE_MAPPING_KINDS: Final = ("SQS", "Kinesis", "DynamoDB Streams", "Kafka", "Amazon MQ", "DocumentDB")

# --- Python SDK surface (aws-durable-execution-sdk-python 3.x) --------------------------------------

#: Import name of the Python durable SDK.
PYTHON_SDK_MODULE: Final = "aws_durable_execution_sdk_python"
#: ``DurableContext`` methods that record a checkpointed operation (context.py, SDK 3.0.0).
PYTHON_CONTEXT_OPERATIONS: Final = (
    "step",
    "wait",
    "create_callback",
    "wait_for_callback",
    "invoke",
    "map",
    "parallel",
    "run_in_child_context",
    "wait_for_condition",
)

# --- Metric dimensions ------------------------------------------------------------------------------

#: Metrics about the account, not one function (durable-monitoring: "percentage of your account's
#: maximum running durable executions quota"). The page lists no dimensions; cdk-durable emits these
#: without dimensions and the others with ``FunctionName`` (Lambda's per-function dimension).
ACCOUNT_LEVEL_METRICS: Final = frozenset({DurableMetric.RUNNING_UTILIZATION})

# --- Observability: OpenTelemetry and durable telemetry (checked 2026-12-04) ---------------------------
# Sources: aws-durable-execution-sdk-python 3.0.0 (plugin_discovery.py), aws-durable-execution-sdk-
# python-otel 2.0.0 (entry_points.txt, README), the conformance suite aws-durable-execution-
# conformance-tests-otel 0.2.0 (exporters.py: AdotExporterProfile, CommunityExporterProfile), and
# aws-cdk-lib 2.275 (aws_lambda.AdotLayerVersion / AdotLambdaExecWrapper).

#: The SDK reads this at cold start (when ``@durable_execution`` runs) and loads the named entry points.
PLUGINS_ENV: Final = "DURABLE_EXECUTION_PLUGINS"
#: Entry-point group the SDK searches (plugin_discovery.PLUGIN_ENTRY_POINT_GROUP).
PLUGINS_ENTRY_POINT_GROUP: Final = "aws_durable_execution.plugins"
#: The two OTel views (otel 2.0.0 entry points). Their factories share one exclusive group: naming both
#: raises ``PluginLoadError`` at cold start.
OTEL_VIEWS: Final = {"invocation": "otel-invocation", "execution": "otel-execution"}
#: The distribution that provides them.
OTEL_PLUGIN_DISTRIBUTION: Final = "aws-durable-execution-sdk-python-otel"
#: Workflow Insight 0.0.1 returns plugin instances (the SDK 2 shape); SDK 3 rejects them at cold start.
INSIGHT_MODULE: Final = "aws_durable_execution_sdk_python_insight"
#: The durable SDK's minimum boto3 (SDK 3.0.0 METADATA): chained invokes carry
#: ``ChainedInvokeOptions.XAmznTraceId``, which older botocore models reject.
SDK_MIN_BOTO3: Final = (1, 43, 114)

#: OpenTelemetry environment variables the exporter profiles set.
ENV_EXEC_WRAPPER: Final = "AWS_LAMBDA_EXEC_WRAPPER"
ENV_OTEL_SERVICE_NAME: Final = "OTEL_SERVICE_NAME"
ENV_OTEL_TRACES_EXPORTER: Final = "OTEL_TRACES_EXPORTER"
ENV_OTEL_PROPAGATORS: Final = "OTEL_PROPAGATORS"
ENV_OTLP_ENDPOINT: Final = "OTEL_EXPORTER_OTLP_ENDPOINT"
#: A secret in AWS's community profile (``secret_environment_names``): never a template literal.
ENV_OTLP_HEADERS: Final = "OTEL_EXPORTER_OTLP_HEADERS"
#: Wrapper scripts the OpenTelemetry layers install under /opt (ADOT: ``/opt/otel-instrument`` for
#: Python and Node; community: ``/opt/otel-instrument`` for Python, ``/opt/otel-handler`` for Node).
OTEL_WRAPPER_PREFIX: Final = "/opt/otel-"
ADOT_WRAPPER: Final = "/opt/otel-instrument"
COMMUNITY_WRAPPERS: Final = {"python": "/opt/otel-instrument", "nodejs": "/opt/otel-handler"}
#: The community layers of AWS's profile (account 184161586896, layer name:version; any region).
COMMUNITY_LAYER_ACCOUNT: Final = "184161586896"
COMMUNITY_LAYERS: Final = {
    "python": "opentelemetry-python-0_13_0:1",
    "nodejs": "opentelemetry-nodejs-0_18_0:1",
}
#: Layer-name fragments that identify an OpenTelemetry layer in a template (ADOT: ``aws-otel-python-
#: amd64-ver-1-29-0``, ``aws-otel-nodejs-...``; community: ``opentelemetry-python-0_13_0``).
ADOT_LAYER_MARK: Final = ":layer:aws-otel-"
OTEL_LAYER_MARKS: Final = (ADOT_LAYER_MARK, ":layer:opentelemetry-")
#: What the X-Ray path needs from the execution role (aws-cdk-lib's Tracing.ACTIVE grants these two;
#: the otel README asks for AWSXRayDaemonWriteAccess "or equivalent").
XRAY_WRITE_ACTIONS: Final = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
XRAY_MANAGED_POLICIES: Final = ("AWSXRayDaemonWriteAccess", "AWSXrayWriteOnlyAccess")
# --- Alarm notifications -----------------------------------------------------------------------

#: CloudWatch publishes alarm notifications as this service principal; an SNS topic encrypted with a
#: customer managed key must let it use the key (AWS: "Amazon SNS - encrypting topics for alarms").
CLOUDWATCH_SERVICE_PRINCIPAL: Final = "cloudwatch.amazonaws.com"
ALARM_TOPIC_KMS_ACTIONS: Final = ("kms:Decrypt", "kms:GenerateDataKey*")
