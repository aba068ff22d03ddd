"""HTTP: Lambda's ``Invoke`` and the calls the emulator lacks; everything else goes to the emulator's routes.

- ``POST /2015-03-31/functions/{FunctionName}/invocations`` (botocore's ``Invoke``): a caller's
  invoke starts a durable execution (``Event``/``RequestResponse``, ``X-Amz-Durable-Execution-Name``
  idempotency, ``X-Amz-Durable-Execution-Arn`` in the answer) or runs a plain function; the
  emulator's own handler invocations (marked ``X-Dex-Handler-Invoke: true``) run the handler once.
- ``/`` and ``/console/...``: the console (:mod:`.console`).
- Pause, resume and delete answer a clear error (the emulator has no such operations).
- Every other path: the emulator's router (durable API, checkpoint API, ``/health``).

Errors are AWS's JSON error shape with ``X-Amzn-ErrorType``, so botocore raises the named exception;
the server log gets one line per error, never a traceback.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlparse

from .. import platform as p
from ..local_run import _sdk
from ..local_run.inputs import function_arn
from ..platform import EXECUTION_NAME_PATTERN

if TYPE_CHECKING:  # pragma: no cover
    from ..local_run.inputs import FunctionSpec
    from .service import Service

_INVOKE = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations/?$")
_CONTROL = re.compile(r"^/2025-12-01/durable-executions/([^/]+)(/pause|/resume)?/?$")
#: Every form of ``FunctionName``: a name, a partial ARN or an ARN, each with or without a qualifier.
_FUNCTION_ARN = re.compile(
    rf"^(?:arn:{p.ARN_PARTITION_CHARS}:lambda:{p.REGION_CHARS}:)?(?:{p.ACCOUNT_ID_CHARS}:)?(?:function:)?"
    rf"({p.FUNCTION_NAME_CHARS})(?::({p.QUALIFIER_CHARS}))?$"
)
_LIST = re.compile(r"^/2025-12-01/functions/([^/]+)/durable-executions/?$")
_QUALIFIER = re.compile(r"^(\$LATEST|[0-9]+|[a-zA-Z0-9_-]{1,128})$")
INVOCATION_MARKER_HEADER = "X-Dex-Handler-Invoke"
_server_log = logging.getLogger("aws_durable_execution_sdk_python_testing.web.server")


class ApiError(Exception):
    """An AWS API error: HTTP status, ``X-Amzn-ErrorType`` and message."""

    def __init__(self, status: int, kind: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.extra = status, kind, message, extra


def _timestamp(value: Any) -> Any:
    if hasattr(value, "timestamp"):
        return value.timestamp()
    raise TypeError(f"not JSON: {value!r}")


def parse_function_name(raw: str, qualifier: str | None) -> tuple[str, str | None]:
    """(name, qualifier) from any form ``Invoke`` accepts: name, name:qualifier, partial or full ARN."""
    match = _FUNCTION_ARN.match(raw)
    if match is None:
        raise ApiError(
            400,
            "InvalidParameterValueException",
            f"1 validation error detected: Value {raw!r} at 'functionName' failed to satisfy constraint: "
            "it must be a function name, name:qualifier, or a function ARN",
        )
    name, derived = match.group(1), match.group(2)
    if derived and qualifier and derived != qualifier:
        raise ApiError(
            400,
            "InvalidParameterValueException",
            "The derived qualifier from the function name does not match the specified qualifier.",
        )
    found = derived or qualifier
    if found is not None and not _QUALIFIER.match(found):
        raise ApiError(400, "InvalidParameterValueException", f"Invalid qualifier {found!r}")
    return name, found


class ServeRequestHandler(_sdk.request_handler_base()):  # type: ignore[misc]
    """The emulator's request handler with the Lambda side in front of it."""

    protocol_version = "HTTP/1.1"

    @property
    def service(self) -> Service:
        service: Service = self.server.service  # type: ignore[attr-defined]
        return service

    def do_DELETE(self) -> None:
        self._handle_request("DELETE")

    def _handle_request(self, method: str) -> None:
        path = urlparse(self.path).path
        try:
            invoke = _INVOKE.match(path)
            if invoke and method == "POST":
                self._invoke(unquote(invoke.group(1)))
                return
            control = _CONTROL.match(path)
            if control and (control.group(2) or method == "DELETE"):
                action = {"/pause": "PauseDurableExecution", "/resume": "ResumeDurableExecution"}.get(
                    control.group(2) or "", "DeleteDurableExecution"
                )
                self._read_body()
                raise ApiError(
                    400,
                    "InvalidParameterValueException",
                    f"{action} is not supported by cdk-durable serve (AWS's local emulator has no "
                    "pause, resume or delete); use StopDurableExecution to end an execution",
                )
        except ApiError as e:
            self.send_api_error(e)
            return
        except Exception as e:  # a bug here: one line, an AWS ServiceException
            self.send_api_error(ApiError(500, "ServiceException", f"{type(e).__name__}: {e}"))
            return
        if method == "GET" and _LIST.match(path) and "Statuses=" in self.path:
            # botocore sends Statuses (repeatable); the emulator reads one StatusFilter
            self._list_by_statuses(unquote(_LIST.match(path).group(1)))  # type: ignore[union-attr]
            return
        if path == "/" or path.startswith("/console/"):
            from .console import handle_console

            try:
                handle_console(self, method)
            except Exception as e:  # one line, never a traceback
                self.send_api_error(ApiError(500, "ServiceException", f"console: {type(e).__name__}: {e}"))
            return
        level = _server_log.level
        _server_log.setLevel(logging.CRITICAL)  # the emulator logs a traceback per error response
        try:
            _sdk.emulator_handle(self, method)
        finally:
            _server_log.setLevel(level)

    def _send_response(self, response: Any) -> None:
        if response.status_code >= 400:
            body = response.body if isinstance(response.body, dict) else {}
            kind = body.get("Type") or body.get("__type") or "Error"
            message = body.get("message") or body.get("Message") or ""
            if kind == "Error" and "DurableExecutionArn" in body:
                kind = "DurableExecutionAlreadyStartedException"
            self.service.log(
                f"{self.command} {urlparse(self.path).path} -> {response.status_code} {kind}: {message}"
            )
            response.headers.setdefault("X-Amzn-ErrorType", kind)
        body_bytes = response.body_to_bytes() if response.body else b""
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body_bytes)))
        self.end_headers()
        if body_bytes:
            self.wfile.write(body_bytes)

    # --- helpers -------------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Amzn-RequestId", str(uuid.uuid4()))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def send_api_error(self, error: ApiError) -> None:
        self.service.log(
            f"{self.command} {urlparse(self.path).path} -> {error.status} {error.kind}: {error.message}"
        )
        body = {
            "Type": "User" if error.status < 500 else "Service",
            "Message": error.message,
            "message": error.message,
            **error.extra,
        }
        self.send_bytes(error.status, json.dumps(body).encode("utf-8"), {"X-Amzn-ErrorType": error.kind})

    def log_message(self, format_string: str, *args: Any) -> None:
        """No access log (errors get their own line)."""

    def _list_by_statuses(self, function: str) -> None:
        query = parse_qs(urlparse(self.path).query)
        name, _ = parse_function_name(function, None)
        items: list[dict[str, Any]] = []
        for status in dict.fromkeys(query.get("Statuses", [])):
            response = self.service.executor.list_executions_by_function(
                function_name=name,
                execution_name=next(iter(query.get("DurableExecutionName", [])), None),
                status_filter=status,
                max_items=1000,
            )
            items.extend(response.to_dict().get("DurableExecutions", []))
        items.sort(key=lambda item: item.get("StartTimestamp") or 0)
        body = json.dumps({"DurableExecutions": items}, default=_timestamp).encode("utf-8")
        self.send_bytes(200, body)

    # --- Invoke -------------------------------------------------------------------------------------

    def _spec(self, name: str) -> FunctionSpec:
        spec = self.service.functions.get(name)
        if spec is None:
            arn = function_arn(name, self.service.region)
            known = ", ".join(sorted(self.service.functions)) or "none"
            raise ApiError(
                404, "ResourceNotFoundException", f"Function not found: {arn} (functions here: {known})"
            )
        return spec

    def _invoke(self, raw_name: str) -> None:
        query = parse_qs(urlparse(self.path).query)
        name, qualifier = parse_function_name(raw_name, next(iter(query.get("Qualifier", [])), None))
        body = self._read_body()
        spec = self._spec(name)
        invoked_as = f"{name}:{qualifier}" if qualifier else name
        if (
            self.headers.get(INVOCATION_MARKER_HEADER, "").lower() == "true"
        ):  # the emulator runs one invocation
            event = self._json_payload(body)
            result = self.service.invoke_handler(spec, event, invoked_as=invoked_as)
            self._send_invocation(result, {"X-Amz-Executed-Version": "$LATEST"})
            return
        invocation_type = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
        if invocation_type not in ("RequestResponse", "Event", "DryRun"):
            raise ApiError(
                400,
                "InvalidParameterValueException",
                f"X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got {invocation_type!r}",
            )
        payload_text = self._payload_text(body)
        if spec.durable:
            self._invoke_durable(spec, qualifier, invocation_type, payload_text)
            return
        if invocation_type == "DryRun":
            self.send_bytes(204, b"")
            return
        event = json.loads(payload_text)
        if invocation_type == "Event":
            threading.Thread(
                target=self.service.invoke_handler,
                args=(spec, event),
                kwargs={"invoked_as": invoked_as},
                daemon=True,
            ).start()
            self.send_bytes(202, b"")
            return
        self._send_invocation(
            self.service.invoke_handler(spec, event, invoked_as=invoked_as),
            {"X-Amz-Executed-Version": "$LATEST"},
        )

    def _payload_text(self, body: bytes) -> str:
        text = body.decode("utf-8", errors="strict") if body else "{}"
        try:
            json.loads(text)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(
                400,
                "InvalidRequestContentException",
                "Could not parse request body into json: the payload must be JSON",
            ) from None
        return text

    def _json_payload(self, body: bytes) -> Any:
        return json.loads(self._payload_text(body))

    def _invoke_durable(
        self, spec: FunctionSpec, qualifier: str | None, invocation_type: str, payload: str
    ) -> None:
        if not qualifier:
            raise ApiError(
                400,
                "InvalidParameterValueException",
                "You cannot invoke a durable function using an unqualified ARN. "
                f"Invoke {spec.name}:$LATEST, a version or an alias (e.g. FunctionName={spec.name}:live)",
            )
        name = self.headers.get("X-Amz-Durable-Execution-Name")
        if name is None:
            name = str(uuid.uuid4())
        elif not re.match(EXECUTION_NAME_PATTERN, name):
            raise ApiError(
                400,
                "InvalidParameterValueException",
                f"X-Amz-Durable-Execution-Name {name!r} must be 1-64 characters of letters, digits, - and _",
            )
        if invocation_type == "DryRun":
            self.send_bytes(204, b"")
            return
        from .service import AlreadyStarted

        try:
            arn, _ = self.service.start_execution(spec, qualifier, name, payload)
        except AlreadyStarted as e:
            raise ApiError(409, "DurableExecutionAlreadyStartedException", str(e)) from None
        headers = {"X-Amz-Durable-Execution-Arn": arn, "X-Amz-Executed-Version": qualifier}
        if invocation_type == "Event":
            self.send_bytes(202, b"", headers)
            return
        details = self.service.wait_for(arn)
        status = details.status
        if status == "SUCCEEDED":
            self.send_bytes(200, (details.result or "null").encode("utf-8"), headers)
        elif status == "RUNNING":
            raise ApiError(
                500,
                "ServiceException",
                f"execution {arn} is still running after the 15-minute limit of a RequestResponse invoke",
            )
        else:
            error = details.error
            body = {
                "errorType": (error.type if error else None) or status,
                "errorMessage": (error.message if error else None) or f"execution ended {status}",
            }
            self.send_bytes(
                200, json.dumps(body).encode("utf-8"), {**headers, "X-Amz-Function-Error": "Unhandled"}
            )

    def _send_invocation(self, result: Any, headers: dict[str, str]) -> None:
        if result.function_error:
            headers = {**headers, "X-Amz-Function-Error": result.function_error}
        self.send_bytes(200, result.payload, headers)
