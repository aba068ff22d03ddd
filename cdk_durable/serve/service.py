"""The service: AWS's durable-execution emulator plus the Lambda side it needs.

The testing SDK's ``WebRunner`` (its routes, ``Executor``, stores, scheduler) serves the durable API
and the checkpoint API. It runs each invocation by calling Lambda's ``Invoke`` at a Lambda endpoint;
here that endpoint is this same server (:mod:`.handler`), which runs the function in a worker process
(:mod:`cdk_durable.local_run.worker`) with Lambda's environment, the function's timeout and
``AWS_ENDPOINT_URL_LAMBDA`` pointing back here, so the durable SDK inside checkpoints over HTTP as
it does in Lambda.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import secrets
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..local_run import _sdk
from ..local_run.endpoint import configure_server
from ..local_run.inputs import LOCAL_ACCOUNT_ID, FunctionSpec, LocalRunError, lambda_environment
from ..local_run.node import is_node_handler, node_init
from ..local_run.runner import invocation_timeout_of
from ..local_run.worker import InvocationTimeoutError, RuntimeExitError, WorkerPool, WorkerStartError
from ..platform import INVOCATION_TIMEOUT_MAX_SECONDS, SYNC_INVOCATION_MAX_SECONDS
from .arns import ExecutionArns

DEFAULT_PORT = 9014
DEFAULT_EXECUTION_TIMEOUT_SECONDS = 86_400
#: Seconds the emulator waits for an invocation beyond the function's timeout (a worker's start-up).
EMULATOR_TIMEOUT_HEADROOM_SECONDS = 60
#: The sqlite file under ``--state DIR``.
STATE_FILE = "executions.db"
_SDK_LOGGERS = ("aws_durable_execution_sdk_python", "aws_durable_execution_sdk_python_testing")


@dataclass(frozen=True)
class InvocationResult:
    """What one Lambda invocation returned: a payload, or Lambda's function error."""

    payload: bytes
    function_error: str | None = None


class Service:
    """One local endpoint: Lambda ``Invoke`` + the durable API + the checkpoint API ."""

    def __init__(
        self,
        functions: Sequence[FunctionSpec],
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        state_dir: Path | None = None,
        skip_time: bool = False,
        region: str = "us-east-1",
        invocation_timeout: int | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        self.functions = {spec.name: spec for spec in functions}
        self.host, self.port = host, port
        self.state_dir = state_dir
        self.skip_time = skip_time
        self.region = region
        self.invocation_timeout = invocation_timeout
        self.log = log
        self.pool = WorkerPool()
        self.cwd = Path.cwd()
        self.start_lock = threading.Lock()  # one execution per name: look up and start atomically
        self._web: Any = None
        self.arns: ExecutionArns  # set by start(): AWS-shaped execution ARNs at the service's edge
        self._node_inits: dict[str, dict[str, Any]] = {}
        self._bundles: tempfile.TemporaryDirectory[str] | None = None
        #: Every console form carries it: a page on another site cannot post to the console.
        self.console_token = secrets.token_urlsafe(24)
        self._server: Any = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        from aws_durable_execution_sdk_python_testing.child_dispatcher import FunctionConfigs
        from aws_durable_execution_sdk_python_testing.runner import WebRunner, WebRunnerConfig
        from aws_durable_execution_sdk_python_testing.stores.base import StoreType
        from aws_durable_execution_sdk_python_testing.web.server import WebServiceConfig

        from .handler import ServeRequestHandler

        for name in (*_SDK_LOGGERS, "botocore", "urllib3"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        configs: dict[str, Any] = {}
        for spec in self.functions.values():
            timeout = spec.execution_timeout_seconds or DEFAULT_EXECUTION_TIMEOUT_SECONDS
            configs[spec.name] = {"DurableConfig": {"ExecutionTimeout": timeout}} if spec.durable else None
        store_type, store_path = StoreType.MEMORY, None
        if self.state_dir is not None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            store_type, store_path = StoreType.SQLITE, str(self.state_dir / STATE_FILE)
        longest = max(
            [invocation_timeout_of(s, self.invocation_timeout) for s in self.functions.values()] or [3]
        )
        config = WebRunnerConfig(
            web_service=WebServiceConfig(host=self.host, port=self.port, log_level=logging.CRITICAL),
            lambda_endpoint=self.url,
            local_runner_endpoint=self.url,
            local_runner_region=self.region,
            store_type=store_type,
            store_path=store_path,
            # The worker enforces each function's own timeout from the moment its handler starts (as
            # Lambda does, init excluded); the emulator's bound is only a safety net above it.
            invocation_timeout_seconds=min(longest, INVOCATION_TIMEOUT_MAX_SECONDS)
            + EMULATOR_TIMEOUT_HEADROOM_SECONDS,
            skip_time=self.skip_time,
            function_configs=FunctionConfigs.from_dict(configs),
        )
        # The emulator invokes functions with boto3 at this endpoint, which accepts any credentials.
        if not os.environ.get("AWS_ACCESS_KEY_ID") and not os.environ.get("AWS_PROFILE"):
            os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "local"
        self._web = WebRunner(config)
        self._web.start()
        self.arns = ExecutionArns(self.executor, self.region)
        logging.getLogger().setLevel(logging.WARNING)  # WebServer.basicConfig set the root level
        for name in (*_SDK_LOGGERS, "botocore", "urllib3"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        # The executor's own warnings (a failed invocation, a retry) as one line each, no traceback.
        executor_log = logging.getLogger("aws_durable_execution_sdk_python_testing.executor")
        executor_log.setLevel(logging.WARNING)
        executor_log.propagate = False
        executor_log.addHandler(_OneLine(self.log))
        self._server = _sdk.web_server(self._web)
        self._server.service = self
        configure_server(self._server, ServeRequestHandler)

    def resume(self) -> list[str]:
        """After a restart from ``--state``: every execution still running is invoked again and replays.
        Their ARNs."""
        resumed = []
        for execution in _sdk.store(self._web).list_all():
            if not execution.is_complete:
                _sdk.rearm_execution(self._web, execution.durable_execution_arn)
                resumed.append(self.arns.aws(execution.durable_execution_arn))
        return resumed

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        if self._server is not None:
            threading.Thread(target=self._server.shutdown, daemon=True).start()

    def close(self) -> None:
        self.pool.close()
        if self._web is not None:
            self._web.stop()
        if self._bundles is not None:
            self._bundles.cleanup()

    # --- executions --------------------------------------------------------------------------------

    @property
    def web_runner(self) -> Any:
        """The testing SDK's ``WebRunner`` this service is built on."""
        return self._web

    @property
    def executor(self) -> Any:
        return _sdk.executor(self._web)

    def find_execution(self, function: str, name: str) -> Any | None:
        """The execution of ``function`` named ``name``, if any (every status)."""
        response = self.executor.list_executions(function_name=function, execution_name=name, max_items=1000)
        for summary in response.durable_executions:
            if summary.durable_execution_name == name:
                return self.executor.get_execution(summary.durable_execution_arn)
        return None

    def start_execution(
        self, spec: FunctionSpec, qualifier: str, name: str, payload: str
    ) -> tuple[str, bool]:
        """(execution ARN, AWS-shaped; started now). Same name and payload → the existing execution; a
        different payload → :class:`AlreadyStarted`."""
        from aws_durable_execution_sdk_python_testing.model import StartDurableExecutionInput

        with self.start_lock:
            existing = self.find_execution(spec.name, name)
            if existing is not None:
                if (existing.start_input.input or "") == payload:
                    return self.arns.aws(existing.durable_execution_arn), False
                raise AlreadyStarted(self.arns.aws(existing.durable_execution_arn), name)
            output = self.executor.start_execution(
                StartDurableExecutionInput(
                    account_id=LOCAL_ACCOUNT_ID,
                    function_name=spec.name,
                    function_qualifier=qualifier,
                    execution_name=name,
                    execution_timeout_seconds=spec.execution_timeout_seconds
                    or DEFAULT_EXECUTION_TIMEOUT_SECONDS,
                    execution_retention_period_days=14,
                    invocation_id=str(uuid.uuid4()),
                    input=payload,
                )
            )
        arn = self.arns.aws(output.execution_arn)
        self.log(f"started {spec.name}:{qualifier} execution {name} ({arn})")
        return arn, True

    def wait_for(self, arn: str, *, limit: float = SYNC_INVOCATION_MAX_SECONDS) -> Any:
        """Wait until the execution ``arn`` ends (at most ``limit`` s); its ``GetDurableExecution`` answer."""
        arn = self.arns.emulator(arn) or arn
        deadline = time.monotonic() + limit
        pause = 0.005
        while time.monotonic() < deadline:
            if self.executor.get_execution(arn).is_complete:
                break
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
        return self.executor.get_execution_details(arn)

    # --- invocations in worker processes -----------------------------------------------------------

    def _environment(self, spec: FunctionSpec) -> dict[str, str]:
        day = _sdk.now(self._web).strftime("%Y/%m/%d")  # the log stream name, as Lambda forms it
        env = {
            **os.environ,
            **lambda_environment(spec, region=self.region, day=day, stream_id=uuid.uuid4().hex),
        }
        env["AWS_ENDPOINT_URL_LAMBDA"] = self.url
        # Lambda always gives credentials; the local endpoint accepts any.
        env.setdefault("AWS_ACCESS_KEY_ID", "local")
        env.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        return env

    def check_handlers(self) -> None:
        """Load every handler once (after :meth:`start`), so a bad one is reported at start and not
        at its first invoke."""
        for spec in self.functions.values():
            try:
                self.pool.start(self._key(spec), self._init(spec), self._environment(spec), self.cwd)
            except WorkerStartError as e:
                raise LocalRunError(str(e)) from None

    def _key(self, spec: FunctionSpec) -> str:
        return f"{spec.name}|{spec.handler}|{spec.code_dir or ''}"

    def _init(self, spec: FunctionSpec) -> dict[str, Any]:
        if is_node_handler(spec.handler):
            found = self._node_inits.get(spec.name)
            if found is None:
                if self._bundles is None:  # TypeScript bundles live as long as the service
                    self._bundles = tempfile.TemporaryDirectory(prefix="cdk-durable-serve-")
                found = self._node_inits[spec.name] = node_init(spec, self.cwd, Path(self._bundles.name))
            return found
        return {
            "handler": spec.handler,
            "code_dir": str(spec.code_dir) if spec.code_dir else None,
            "sys_path": [str(self.cwd)],
        }

    def invoke_handler(self, spec: FunctionSpec, event: Any, *, invoked_as: str) -> InvocationResult:
        """Run ``spec``'s handler once on ``event`` in a worker (Lambda's RequestResponse semantics)."""
        from aws_durable_execution_sdk_python_testing.invoker import create_test_lambda_context

        context = create_test_lambda_context(
            region=self.region, account_id=LOCAL_ACCOUNT_ID, function_name=invoked_as
        )
        request_id = str(uuid.uuid4())
        context = dataclasses.replace(context, aws_request_id=request_id)
        timeout = invocation_timeout_of(spec, self.invocation_timeout)

        def on_log(level: str, line: str) -> None:
            self.log(
                f"[{spec.name}] {line}"
                if level in ("stdout", "info")
                else f"[{spec.name}] {level.upper()} {line}"
            )

        try:
            result = self.pool.invoke(
                self._key(spec),
                self._init(spec),
                self._environment(spec),
                self.cwd,
                ("invoke", "plain", event, context),
                lambda method, args: None,
                on_log,
                timeout,
            )
        except InvocationTimeoutError as e:
            self.log(f"[{spec.name}] {e}")
            return _function_error("Sandbox.Timedout", str(e))
        except RuntimeExitError as e:
            self.log(f"[{spec.name}] {e}")
            return _function_error("Runtime.ExitError", str(e))
        except WorkerStartError as e:
            return _function_error("Runtime.ImportModuleError", str(e))
        except Exception as e:  # the handler raised: Lambda's Unhandled function error
            cls = type(e)
            kind = (
                cls.__qualname__
                if cls.__module__ in ("builtins", "")
                else f"{cls.__module__}.{cls.__qualname__}"
            )
            return _function_error(kind, str(e))
        try:
            return InvocationResult(json.dumps(result).encode("utf-8"))
        except (TypeError, ValueError) as e:
            return _function_error("Runtime.MarshalError", f"Unable to marshal response: {e}")


class _OneLine(logging.Handler):
    def __init__(self, log: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self._log = log

    def emit(self, record: logging.LogRecord) -> None:
        self._log(f"emulator: {record.getMessage()}")


def _function_error(kind: str, message: str) -> InvocationResult:
    body = json.dumps({"errorType": kind, "errorMessage": message})
    return InvocationResult(body.encode("utf-8"), "Unhandled")


class AlreadyStarted(Exception):
    """A durable execution of that name exists with another payload."""

    def __init__(self, arn: str, name: str) -> None:
        super().__init__(
            f"Durable execution {name!r} already started with a different payload (its ARN: {arn})"
        )
        self.arn = arn
