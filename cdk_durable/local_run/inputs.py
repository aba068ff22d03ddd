"""What ``cdk-durable run`` reads: handlers, events, functions, and the environment Lambda sets.

- :func:`load_handler` - ``module:function`` or ``path/to/file.py:function`` (default ``handler``)
- :func:`parse_json`, :func:`load_event` - a JSON string or ``@file``
- :class:`FunctionSpec` - one function to run or to invoke (handler, code directory, durability,
  environment); :func:`parse_function_option` reads ``--function NAME=HANDLER``
- :func:`parse_env_option`, :func:`load_env_file` - ``--env KEY=VALUE`` and SAM's ``--env-vars`` JSON
- :func:`lambda_environment` - the variables Lambda sets for a function, plus its own
"""

from __future__ import annotations

import importlib
import json
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import platform as p
from ..errors import LIMITS, CdkDurableError, InputLimitError, format_bytes, loads_json, read_limited_text

#: Runtimes that run durable Python handlers (``cdk-durable run`` runs Python handlers only).
DURABLE_PYTHON_RUNTIMES = p.PYTHON_DURABLE_RUNTIMES
#: Every runtime Lambda supports durable functions on.
DURABLE_RUNTIMES = p.DURABLE_RUNTIMES
DEFAULT_RUNTIME = "python3.13"
DEFAULT_REGION = "us-east-1"
#: The account of every local stand-in ARN (the testing SDK's default account).
LOCAL_ACCOUNT_ID = "123456789012"
DEFAULT_MEMORY_SIZE = 128
#: Execution timeout when neither a template nor an option gives one: the platform maximum, so the
#: handler, not the runner, decides when to give up.
DEFAULT_EXECUTION_TIMEOUT_SECONDS = p.EXECUTION_TIMEOUT_MAX_SECONDS
_FUNCTION_NAME = re.compile(p.FUNCTION_NAME_PATTERN)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class LocalRunError(CdkDurableError):
    """A user error: bad handler path, bad JSON, unknown callback name, missing answer."""


# --- handlers -----------------------------------------------------------------------------------------


def _split_handler_spec(spec: str) -> tuple[str, str]:
    target, sep, function = spec.rpartition(":")
    windows_drive_only = len(target) == 1 and target.isalpha() and function[:1] in ("\\", "/")
    if not sep or windows_drive_only:  # no function given (C:\\src\\app.py is a path, not C + function)
        return spec, "handler"
    if not function.isidentifier():
        raise LocalRunError(f"handler {spec!r}: {function!r} is not a function name (use module:function)")
    return target, function


def _looks_like_path(target: str) -> bool:
    return target.endswith(".py") or "/" in target or "\\" in target


def _module_name_for_file(path: Path) -> tuple[Path, str]:
    """The import root and dotted name of a file, walking up through packages (``__init__.py``)."""
    parts = [path.stem]
    root = path.parent
    while (root / "__init__.py").exists():
        parts.insert(0, root.name)
        root = root.parent
    return root, ".".join(parts)


def is_durable_handler(func: Any) -> bool:
    """True if ``func`` is (or wraps, through ``functools.wraps``) the SDK's ``@durable_execution``."""
    from aws_durable_execution_sdk_python import execution

    sdk_file = getattr(getattr(execution.durable_execution, "__code__", None), "co_filename", None)
    seen: set[int] = set()
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        code = getattr(func, "__code__", None)
        if code is not None and code.co_filename == sdk_file:
            return True
        func = getattr(func, "__wrapped__", None)
    return False


def load_handler(spec: str, *, code_dir: Path | None = None, durable: bool = False) -> Callable[..., Any]:
    """Import ``module:function`` or ``path/to/file.py:function`` (function defaults to ``handler``).

    ``code_dir`` is the function's code directory (a template's ``CodeUri``): a module name is
    imported from it, a relative file path is read under it. Without it, the current directory.
    With ``durable``, a function without ``@durable_execution`` is refused, saying so.
    """
    target, function = _split_handler_spec(spec.strip())
    if not target:
        raise LocalRunError(f"handler {spec!r} is empty: use module:function or path/to/file.py:function")
    base = code_dir if code_dir is not None else Path.cwd()
    if _looks_like_path(target):
        path = (base / target).resolve()
        if not path.is_file():
            raise LocalRunError(f"handler file not found: {target} (from handler {spec!r})")
        if path.suffix != ".py":
            raise LocalRunError(f"handler file must be a .py file, got {target}")
        root, module_name = _module_name_for_file(path)
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
    else:
        module_name = target
        if str(base) not in sys.path:
            sys.path.insert(0, str(base))  # like `python -m`: modules of the project import
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and module_name.startswith(e.name):
            raise LocalRunError(
                f"handler module {module_name!r} not found (from handler {spec!r}; "
                "use module:function or path/to/file.py:function)"
            ) from e
        raise LocalRunError(f"cannot import handler module {module_name!r}: {type(e).__name__}: {e}") from e
    except Exception as e:  # the user's module failed while importing
        raise LocalRunError(f"cannot import handler module {module_name!r}: {type(e).__name__}: {e}") from e
    func = getattr(module, function, None)
    if func is None:
        raise LocalRunError(f"handler module {module_name!r} has no function {function!r}")
    if not callable(func):
        raise LocalRunError(f"handler {module_name}:{function} is not callable ({type(func).__name__})")
    if durable and not is_durable_handler(func):
        raise LocalRunError(
            f"handler {module_name}:{function} is not a durable handler: add `@durable_execution` "
            "(from aws_durable_execution_sdk_python import durable_execution) above it, or register it "
            "as a plain function with --function NAME=HANDLER,plain"
        )
    return func  # type: ignore[no-any-return]


# --- JSON inputs -------------------------------------------------------------------------------------


def read_at_file(value: str, *, what: str) -> str:
    """The text of ``@path``: UTF-8, at most :data:`~cdk_durable.errors.LIMITS` ``event_bytes``."""
    path = Path(value[1:])
    return read_input_file(
        path, limit=LIMITS["event_bytes"], what=what, named=f"{what} file {path}", expected="a JSON file"
    )


def read_input_file(path: Path, *, limit: int, what: str, named: str, expected: str) -> str:
    """The UTF-8 text of an input file, each failure one :class:`LocalRunError` line: ``what`` is the
    input ("event", "--template"), ``named`` how the file is called in a message, ``expected`` what
    to give instead of a directory."""
    try:
        return read_limited_text(path, limit=limit, what=named)
    except FileNotFoundError:
        raise LocalRunError(f"{what} file not found: {path}") from None
    except IsADirectoryError:
        raise LocalRunError(f"{named} is a directory: give {expected}") from None
    except OSError as e:
        raise LocalRunError(f"cannot read {what} file {path}: {e.strerror or e}") from None
    except InputLimitError as e:
        raise LocalRunError(str(e)) from None


def parse_json(value: str, *, what: str) -> Any:
    """A JSON string, or ``@file`` holding JSON. Errors name ``what`` and the position."""
    source = what
    text = value
    if value.startswith("@"):
        text = read_at_file(value, what=what)
        source = f"{what} file {value[1:]}"
    elif len(value.encode(errors="surrogatepass")) > LIMITS["event_bytes"]:
        raise LocalRunError(f"{what} is larger than the {format_bytes(LIMITS['event_bytes'])} limit")
    return loads_json(text, what=source, error=LocalRunError)


def load_event(value: str) -> Any:
    """The event: a JSON string or ``@path/to/event.json``."""
    return parse_json(value, what="event")


# --- functions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionSpec:
    """One function: the one ``run`` starts, or a chained-invoke target.

    ``environment`` holds the function's own variables (template ``Environment.Variables``,
    ``--env``); :func:`lambda_environment` adds the ones Lambda sets.
    """

    name: str
    handler: str
    code_dir: Path | None = None
    durable: bool = True
    execution_timeout_seconds: int | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    memory_size: int = DEFAULT_MEMORY_SIZE
    runtime: str = DEFAULT_RUNTIME
    #: Alias names the template gives it (shown in the run's header; every qualifier reaches it).
    aliases: tuple[str, ...] = ()
    #: The function's ``Timeout`` (seconds per invocation; Lambda's default is 3).
    timeout_seconds: int | None = None

    def with_environment(self, extra: Mapping[str, str]) -> FunctionSpec:
        return replace(self, environment={**self.environment, **extra})


def check_function_name(name: str, *, where: str) -> str:
    if not _FUNCTION_NAME.match(name):
        raise LocalRunError(
            f"{where}: function name {name!r} must be 1-64 characters of letters, digits, - and _"
        )
    return name


def parse_function_option(value: str) -> FunctionSpec:
    """``--function NAME=HANDLER`` (``NAME=HANDLER:plain`` registers a non-durable function)."""
    name, sep, handler = value.partition("=")
    name = name.strip()
    if not sep or not name or not handler.strip():
        raise LocalRunError(
            f"--function must be NAME=HANDLER (e.g. orders=src/orders.py:handler), got {value!r}"
        )
    check_function_name(name, where="--function")
    durable = True
    handler = handler.strip()
    for suffix, is_durable in ((",plain", False), (",durable", True)):
        if handler.endswith(suffix):
            handler, durable = handler.removesuffix(suffix), is_durable
    return FunctionSpec(name=name, handler=handler, durable=durable)


def function_arn(name: str, region: str, qualifier: str | None = None) -> str:
    """The local stand-in ARN of a function (account :data:`LOCAL_ACCOUNT_ID`)."""
    arn = f"arn:aws:lambda:{region}:{LOCAL_ACCOUNT_ID}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


# --- environment ---------------------------------------------------------------------------------------


def parse_env_option(value: str) -> tuple[str, str]:
    """``--env KEY=VALUE``."""
    key, sep, env_value = value.partition("=")
    if not sep or not _ENV_NAME.match(key):
        raise LocalRunError(f"--env must be KEY=VALUE with KEY a variable name, got {value!r}")
    return key, _env_value(env_value, where=f"--env {key}")


def check_env_name(name: str, *, where: str) -> str:
    if not _ENV_NAME.match(name):
        raise LocalRunError(
            f"{where}: {name!r} is not an environment variable name (letters, digits and _, "
            "not starting with a digit)"
        )
    return name


def _env_value(value: Any, *, where: str) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and not math.isfinite(value):
        raise LocalRunError(f"{where} must be a finite number, got {value}")
    elif isinstance(value, str | int | float):
        text = str(value)
    else:
        raise LocalRunError(f"{where} must be a string, number or boolean, got {json.dumps(value)[:60]}")
    if "\x00" in text:
        raise LocalRunError(f"{where} holds a NUL character, which an environment variable cannot hold")
    return text


def load_env_file(path: str, *, function_names: Sequence[str] = ()) -> dict[str, dict[str, str]]:
    """SAM's ``--env-vars`` file: ``{"Parameters": {...}, "<LogicalId or name>": {...}}``.

    Returns variables by key: ``"Parameters"`` (every function) and one entry per function key.
    ``function_names`` are the keys that exist; any other key is an error naming the allowed ones.
    """
    data = parse_json("@" + path, what="--env-file")
    if not isinstance(data, dict):
        raise LocalRunError(
            f"--env-file {path} must hold a JSON object of function name (or Parameters) -> "
            f"{{variable: value}}, got {type(data).__name__}"
        )
    allowed = ["Parameters", *function_names]
    result: dict[str, dict[str, str]] = {}
    for key, variables in data.items():
        if function_names and key not in allowed:
            raise LocalRunError(
                f"--env-file {path}: unknown function {key!r}; use one of {', '.join(allowed)}"
            )
        if not isinstance(variables, dict):
            raise LocalRunError(
                f"--env-file {path}: {key!r} must be an object of variable -> value, "
                f"got {type(variables).__name__}"
            )
        result[key] = {
            check_env_name(str(name), where=f"--env-file {path}: {key}"): _env_value(
                value, where=f"--env-file {path}: {key}.{name}"
            )
            for name, value in variables.items()
        }
    return result


def lambda_environment(
    spec: FunctionSpec, *, region: str, day: str = "2026/01/01", stream_id: str = "0" * 32
) -> dict[str, str]:
    """What Lambda sets for ``spec`` (region, function name, version, memory, log group and stream,
    execution environment, task root, handler), then the function's own variables on top.

    ``day`` (``YYYY/MM/DD``) and ``stream_id`` make the log stream name, as Lambda forms it. No
    credentials are set: a handler's AWS calls use whatever credentials this shell has.
    """
    task_root = str((spec.code_dir or Path.cwd()).resolve())
    variables = {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"{day}/[$LATEST]{stream_id}",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": task_root,
        "_HANDLER": spec.handler,
        "TZ": ":UTC",
    }
    variables.update(spec.environment)
    return variables
