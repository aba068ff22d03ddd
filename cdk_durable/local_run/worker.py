"""Handler invocations in a worker process, so a crash ends the invocation and not ``run``.

Each function gets worker processes (:func:`main` in a fresh interpreter; one invocation at a time
each, reused like a warm Lambda sandbox) started with the function's Lambda environment.
The parent (:class:`WorkerPool`) sends an invocation; the worker runs the handler and sends the
durable SDK's service calls (``checkpoint``, ``get_execution_state``) back to the parent, where the
testing SDK's in-memory service answers them; log records are forwarded as they happen. If the
worker process ends during an invocation (``os._exit``, a signal, a crash in native code), the
parent raises :class:`RuntimeExitError` with Lambda's ``Runtime.ExitError`` message, and the next
invocation starts a fresh worker.

Messages are pickled, length-prefixed frames over the worker's stdin/stdout (the handler's own
``print`` output is forwarded as log lines).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from ..errors import CdkDurableError

_HEADER = struct.Struct("!I")
_SDK_LOGGERS = ("aws_durable_execution_sdk_python", "aws_durable_execution_sdk_python_testing")
#: Answers one of the handler's service calls: ``serve(method, args)`` (the runner's checkpoint API).
ServiceCall = Callable[[str, tuple[Any, ...]], Any]
#: Receives one line of the handler's output: ``on_log(stream, line)``.
LogSink = Callable[[str, str], None]


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _recv(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class RuntimeExitError(Exception):
    """The handler's process ended during an invocation (Lambda reports ``Runtime.ExitError``)."""


# The durable SDK records an exception's type as ``module.qualname``: this one reads as Lambda's.
RuntimeExitError.__module__ = "Runtime"
RuntimeExitError.__qualname__ = "ExitError"


class InvocationTimeoutError(Exception):
    """The invocation ran past the function's timeout and its process was stopped."""


# Lambda records a timed-out invocation as ``Sandbox.Timedout``.
InvocationTimeoutError.__module__ = "Sandbox"
InvocationTimeoutError.__qualname__ = "Timedout"


def timeout_message(request_id: str, seconds: float) -> str:
    """Lambda's words for a timed-out invocation."""
    return f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"


class WorkerStartError(CdkDurableError):
    """The worker could not load the handler (the message says why)."""


def exit_description(returncode: int) -> str:
    """``exit status 1`` / ``signal: killed``, as Lambda words it."""
    if returncode < 0:
        try:
            name = signal.strsignal(-returncode) or f"signal {-returncode}"
        except ValueError:
            name = f"signal {-returncode}"
        return f"signal: {name.lower()}"
    return f"exit status {returncode}"


def runtime_exit_error(returncode: int) -> RuntimeExitError:
    """Lambda's ``Runtime.ExitError`` for a worker that died (``returncode``) mid-invocation."""
    return RuntimeExitError(
        f"RequestId: {uuid.uuid4()} Error: Runtime exited with error: {exit_description(returncode)}"
    )


def remote_error(error_type: str | None, message: str | None) -> Exception:
    """An exception whose type the durable SDK records as ``error_type`` (the worker's own)."""
    module, _, name = (error_type or "Exception").rpartition(".")
    cls = type(name or "Exception", (Exception,), {})
    cls.__module__ = module or "builtins"
    cls.__qualname__ = name or "Exception"
    error: Exception = cls(message or "")
    return error


# --- parent side --------------------------------------------------------------------------------------


class Terminated(BaseException):
    """``run``/``serve`` got SIGTERM or SIGHUP: unwind (closing every worker) and exit."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name


@contextlib.contextmanager
def exit_on_signals() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Terminated` in the main thread, so the
    ``finally`` blocks that stop worker processes run (SIGINT already raises ``KeyboardInterrupt``).
    A worker whose parent dies by SIGKILL stops itself (see :func:`_die_with_parent`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: Any) -> None:
        raise Terminated(signum)

    saved = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


#: ``python -S -c _DIE_WITH_PARENT PARENT_PID PROGRAM ARGS...``: on Linux the program is killed when its
#: parent dies, even by SIGKILL (``PR_SET_PDEATHSIG`` survives ``exec``); then it becomes PROGRAM.
_DIE_WITH_PARENT = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
except Exception:
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)
os.execv(sys.argv[2], sys.argv[2:])
"""

_spawner: ThreadPoolExecutor | None = None
_spawner_lock = threading.Lock()


def _spawn(argv: list[str], env: Mapping[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    """Start a worker process in its own process group (stopping it stops its children too).

    Every worker is started from one long-lived thread: Linux's "die with the parent" signal fires
    when the *thread* that started a process ends, and ``serve`` handles each request in a thread
    of its own.
    """
    global _spawner
    with _spawner_lock:
        if _spawner is None:
            _spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdk-durable-spawner")
        spawner = _spawner
    return spawner.submit(
        subprocess.Popen,
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=dict(env),
        cwd=str(cwd),
        start_new_session=True,
    ).result()


class _Worker:
    def __init__(self, name: str, init: Mapping[str, Any], env: Mapping[str, str], cwd: Path) -> None:
        self.name = name.split("|", 1)[0]  # the pool keys workers by name|handler|code dir
        self.process = _spawn(
            [sys.executable, "-c", "from cdk_durable.local_run.worker import main; main()"], env, cwd
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in: IO[bytes] = self.process.stdout
        self._out: IO[bytes] = self.process.stdin
        self._init_logs: list[tuple[str, str]] = []  # printed or logged while importing
        try:
            _send(self._out, ("init", dict(init)))
            reply = _recv(self._in)
            while reply[0] == "log":
                self._init_logs.append((reply[1], reply[2]))
                reply = _recv(self._in)
        except (EOFError, BrokenPipeError):
            raise WorkerStartError(
                f"the worker for function {self.name!r} ended while loading its handler "
                f"({exit_description(self.process.wait())})"
            ) from None
        except BaseException:  # a signal mid-start: the pool never saw this worker, so stop it here
            self.kill()
            raise
        if reply[0] == "error":
            self.process.wait()
            raise WorkerStartError(reply[1])

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the worker and every process it started (its process group)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()

    def request(
        self,
        message: Any,
        serve: ServiceCall,
        on_log: LogSink | None,
        timeout: float | None = None,
    ) -> Any:
        """Send one invocation; answer its service calls with ``serve`` until the handler returns.

        Past ``timeout`` seconds the worker is killed and :class:`InvocationTimeoutError` raised.
        """
        if on_log is not None:
            for level, line in self._init_logs:
                on_log(level, line)
        self._init_logs = []
        request_id = str(uuid.uuid4())
        timed_out = threading.Event()
        timer: threading.Timer | None = None
        if timeout is not None:

            def expire() -> None:
                timed_out.set()
                self.kill()

            timer = threading.Timer(timeout, expire)
            timer.daemon = True
            timer.start()
        try:
            return self._exchange(message, serve, on_log)
        except RuntimeExitError:
            if timed_out.is_set():
                raise InvocationTimeoutError(timeout_message(request_id, timeout or 0)) from None
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _exchange(self, message: Any, serve: ServiceCall, on_log: LogSink | None) -> Any:
        if message[0] == "invoke":
            message = (*message[:3], portable_context(message[3]))
        try:
            _send(self._out, message)
            while True:
                reply = _recv(self._in)
                kind = reply[0]
                if kind == "svc":
                    try:
                        response: tuple[str, Any] = ("ok", serve(reply[1], reply[2]))
                    except Exception as e:  # the service refused: the handler sees the same error
                        response = ("raise", _picklable(e))
                    _send(self._out, response)
                elif kind == "log":
                    if on_log is not None:
                        on_log(reply[1], reply[2])
                elif kind == "result":
                    return reply[1]
                elif kind == "raised":
                    raise remote_error(reply[1], reply[2])
        except (EOFError, BrokenPipeError, OSError):
            raise runtime_exit_error(self.process.wait()) from None

    def close(self) -> None:
        if self.alive():
            with contextlib.suppress(OSError, BrokenPipeError):
                _send(self._out, ("exit",))
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=2)
        self.kill()  # whatever it started goes with it
        self.process.wait()
        for stream in (self._in, self._out):
            with contextlib.suppress(OSError):
                stream.close()


class _NodeWorker(_Worker):
    """A Node.js worker (``node_worker.mjs``): the same life as a Python worker, JSON lines on its pipes."""

    MARK = b"\x1eCDKD "

    def __init__(self, name: str, init: Mapping[str, Any], env: Mapping[str, str], cwd: Path) -> None:
        self.name = name.split("|", 1)[0]
        script = Path(__file__).with_name("node_worker.mjs")
        # Node cannot ask to die with its parent: a small trampoline asks for it, then becomes node.
        self.process = _spawn(
            [
                sys.executable,
                "-S",
                "-c",
                _DIE_WITH_PARENT,
                str(os.getpid()),
                init["node"],
                str(script),
                init["module"],
                init["export"],
            ],
            env,
            cwd,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in = self.process.stdout
        self._out = self.process.stdin
        self._init_logs = []
        try:
            self._handshake()
        except WorkerStartError:
            raise
        except BaseException:  # a signal mid-start: the pool never saw this worker, so stop it here
            self.kill()
            raise

    def _handshake(self) -> None:
        while True:
            reply = self._next(None)
            if reply is None:
                raise WorkerStartError(
                    f"the Node.js worker for function {self.name!r} ended while loading its handler "
                    f"({exit_description(self.process.wait())})"
                )
            if reply["kind"] == "log":
                self._init_logs.append((reply["level"], reply["line"]))
            elif reply["kind"] == "error":
                self.process.wait()
                raise WorkerStartError(reply["message"])
            else:
                return

    def _next(self, on_log: LogSink | None) -> Any:
        """The next protocol message (other stdout lines go to ``on_log``); ``None`` at the end."""
        while True:
            line = self._in.readline()
            if not line:
                return None
            if line.startswith(self.MARK):
                return json.loads(line[len(self.MARK) :])
            if on_log is not None:
                on_log("stdout", line.decode("utf-8", "replace").rstrip("\n"))

    def _exchange(self, message: Any, serve: ServiceCall, on_log: LogSink | None) -> Any:
        _, _kind, event, context = message
        fields = {
            "functionName": getattr(context, "function_name", self.name),
            "functionVersion": getattr(context, "function_version", "$LATEST"),
            "invokedFunctionArn": getattr(context, "invoked_function_arn", ""),
            "awsRequestId": getattr(context, "aws_request_id", str(uuid.uuid4())),
            "memoryLimitInMB": os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
            "logGroupName": f"/aws/lambda/{self.name}",
            "logStreamName": "local",
            "timeoutMillis": int(getattr(context, "timeout_millis", 900_000)),
        }
        try:
            self._out.write(json.dumps({"event": event, "context": fields}).encode("utf-8") + b"\n")
            self._out.flush()
            while True:
                reply = self._next(on_log)
                if reply is None:
                    raise EOFError
                if reply["kind"] == "log":
                    if on_log is not None:
                        on_log(reply["level"], reply["line"])
                elif reply["kind"] == "result":
                    return reply["value"]
                elif reply["kind"] == "raised":
                    raise remote_error(reply["type"], reply["message"])
        except (EOFError, BrokenPipeError, OSError):
            raise runtime_exit_error(self.process.wait()) from None

    def close(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self._out.close()  # the worker's loop ends with its stdin
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        self.kill()
        self.process.wait()
        with contextlib.suppress(OSError):
            self._in.close()


def _start_worker(name: str, init: Mapping[str, Any], env: Mapping[str, str], cwd: Path) -> _Worker:
    """A Python worker, or a Node.js one when ``init["runtime"]`` is ``node``."""
    if init.get("runtime") == "node":
        return _NodeWorker(name, init, env, cwd)
    return _Worker(name, init, env, cwd)


class WorkerContext:
    """The Lambda context a Python handler gets in its worker: the invocation's context, field by field.

    The runner's context is the testing SDK's class; unpickling that in the worker would import the
    whole testing SDK into every handler process (about 0.1 s of CPU per worker start, for nothing
    the handler uses). Its fields and ``get_remaining_time_in_millis()`` come across as they are.
    """

    def __init__(self, fields: Mapping[str, Any], remaining_millis: int | None) -> None:
        self.__dict__.update(fields)
        self._remaining_millis = remaining_millis

    def get_remaining_time_in_millis(self) -> int:
        # unknown (a context without the method): Lambda's 15-minute maximum, never "no time left"
        return self._remaining_millis if self._remaining_millis is not None else 900_000

    def log(self, msg: str) -> None:
        """Lambda's ``context.log``: the message goes to the function's log."""
        sys.stdout.write(msg)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"LambdaContext({fields})"


def portable_context(context: Any) -> Any:
    """``context`` as a :class:`WorkerContext` (plain fields), or unchanged when it has no fields."""
    try:
        fields = {k: v for k, v in vars(context).items() if not k.startswith("_")}
    except TypeError:  # None, or a class without __dict__: sent as it is
        return context
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return WorkerContext(fields, remaining() if callable(remaining) else None)


def _picklable(error: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


class WorkerPool:
    """Idle workers by function name; a busy or dead worker is never handed out."""

    def __init__(self) -> None:
        self._idle: dict[str, list[_Worker]] = {}
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False  # once closed, no new worker starts (the run or service is ending)

    def start(self, name: str, init: Mapping[str, Any], env: Mapping[str, str], cwd: Path) -> None:
        """Start a worker now (so a bad handler is reported before the run starts)."""
        worker = self._new_worker(name, init, env, cwd)
        with self._lock:
            self._idle.setdefault(name, []).append(worker)

    def _new_worker(self, name: str, init: Mapping[str, Any], env: Mapping[str, str], cwd: Path) -> _Worker:
        if self._closed:
            raise WorkerStartError(f"function {name.split('|', 1)[0]!r}: no new worker, shutting down")
        worker = _start_worker(name, init, env, cwd)
        with self._lock:
            closed = self._closed
            if not closed:
                self._all.append(worker)
        if closed:  # closed while it started
            worker.close()
            raise WorkerStartError(f"function {name.split('|', 1)[0]!r}: no new worker, shutting down")
        return worker

    def invoke(
        self,
        name: str,
        init: Mapping[str, Any],
        env: Mapping[str, str],
        cwd: Path,
        message: Any,
        serve: ServiceCall,
        on_log: LogSink | None,
        timeout: float | None = None,
    ) -> Any:
        with self._lock:
            idle = self._idle.setdefault(name, [])
            worker = next((w for w in idle if w.alive()), None)
            if worker is not None:
                idle.remove(worker)
        if worker is None:
            worker = self._new_worker(name, init, env, cwd)
        try:
            result = worker.request(message, serve, on_log, timeout)
        except (RuntimeExitError, InvocationTimeoutError):
            worker.close()
            raise
        with self._lock:
            if worker in self._all:  # not closed meanwhile
                self._idle.setdefault(name, []).append(worker)
        if worker not in self._all:
            worker.close()
        return result

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy ones (mid-invocation) are killed."""
        with self._lock:
            self._closed = True
            idle = {id(w) for ws in self._idle.values() for w in ws}
            workers, self._all, self._idle = self._all, [], {}
        for worker in workers:
            if id(worker) not in idle:
                worker.kill()
        for worker in workers:
            worker.close()


# --- worker side ----------------------------------------------------------------------------------------


class _Channel:
    def __init__(self, inp: IO[bytes], out: IO[bytes]) -> None:
        self.inp, self.out = inp, out
        self.lock = threading.Lock()

    def send(self, message: Any) -> None:
        with self.lock:
            _send(self.out, message)

    def call(self, method: str, args: tuple[Any, ...]) -> Any:
        with self.lock:  # one service call at a time; the reply is the next frame
            _send(self.out, ("svc", method, args))
            status, value = _recv(self.inp)
        if status == "raise":
            raise value
        return value


class _PipeServiceClient:
    """The durable SDK's ``DurableServiceClient``, answered by the parent process."""

    def __init__(self, channel: _Channel) -> None:
        self._channel = channel

    def checkpoint(self, *args: Any, **kwargs: Any) -> Any:
        return self._channel.call("checkpoint", (args, kwargs))

    def get_execution_state(self, *args: Any, **kwargs: Any) -> Any:
        return self._channel.call("get_execution_state", (args, kwargs))


class _ForwardLogs(logging.Handler):
    def __init__(self, channel: _Channel) -> None:
        super().__init__(logging.INFO)
        self._channel = channel

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "root":
            with contextlib.suppress(Exception):
                self._channel.send(("log", record.levelname.lower(), record.getMessage()))


class _ForwardStdout(io.TextIOBase):
    """The handler's ``print`` output, one line at a time, as log lines (Lambda logs stdout)."""

    def __init__(self, channel: _Channel) -> None:
        self._channel = channel
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            with contextlib.suppress(Exception):
                self._channel.send(("log", "stdout", line))
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self.write("\n")


def _error_type(error: BaseException) -> str:
    cls = type(error)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _die_with_parent() -> None:
    """When the parent (``run``/``serve``) dies, even by SIGKILL, this worker and its children go too."""
    with contextlib.suppress(Exception):
        signal.signal(signal.SIGTERM, lambda signum, frame: _kill_own_group())
        signal.signal(signal.SIGHUP, lambda signum, frame: _kill_own_group())
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before the line above
        _kill_own_group()


def _kill_own_group() -> None:
    with contextlib.suppress(Exception):
        os.killpg(os.getpgid(0), signal.SIGKILL)
    os._exit(1)


def main() -> None:
    """The worker process: load the handler, then run invocations until told to exit."""
    _die_with_parent()
    inp = os.fdopen(os.dup(0), "rb")
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)  # whatever writes to fd 1 directly goes to stderr, never into the protocol
    channel = _Channel(inp, out)
    sys.stdout = _ForwardStdout(channel)  # print() becomes log lines
    for name in _SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    root = logging.getLogger()
    root.addHandler(_ForwardLogs(channel))
    root.setLevel(logging.INFO)

    from .inputs import LocalRunError, load_handler
    from .traces import install_in_worker

    install_in_worker()  # --traces: a TracerProvider before the handler loads, as Lambda's OTel layer does
    _, init = _recv(inp)
    for entry in reversed(init.get("sys_path", [])):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    try:
        code_dir = init.get("code_dir")
        handler = load_handler(
            init["handler"], code_dir=Path(code_dir) if code_dir else None, durable=init.get("durable", False)
        )
    except LocalRunError as e:
        with contextlib.suppress(BrokenPipeError, OSError):  # the parent may be gone already
            channel.send(("error", str(e)))
        return
    try:
        channel.send(("ready",))
    except (BrokenPipeError, OSError):
        return  # the parent is gone (the run ended or was interrupted while this worker loaded)
    client = _PipeServiceClient(channel)
    while True:
        try:
            message = _recv(inp)
        except EOFError:
            return
        if message[0] == "exit":
            return
        _, kind, payload, context = message
        try:
            if kind == "durable":
                from aws_durable_execution_sdk_python.execution import (
                    DurableExecutionInvocationInputWithClient,
                )

                event: Any = (
                    DurableExecutionInvocationInputWithClient.from_durable_execution_invocation_input(
                        payload, client
                    )
                )
            else:
                event = payload
            try:
                result = handler(event, context)
            finally:
                sys.stdout.flush()  # a last line without a newline still shows
        except (BrokenPipeError, EOFError):
            return  # the parent is gone (the run ended or was interrupted)
        except Exception as e:
            reply: tuple[Any, ...] = ("raised", _error_type(e), str(e))
        else:
            reply = ("result", result)
        try:
            pickle.dumps(reply)  # a result that cannot cross the process boundary fails as Lambda does
        except Exception as e:
            reply = ("raised", "Runtime.MarshalError", f"Unable to marshal response: {type(e).__name__}: {e}")
        try:
            channel.send(reply)
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":
    main()
