"""Bounds and error messages for every durable-function input, written once.

Pure functions over plain values (seconds, days, strings): the construct converts its CDK types
(``Duration``, ``Runtime``) before calling them and skips unresolved tokens. The cookiecutter
pre-generation hook carries a copy of these bounds (it must run without this package installed);
``tests/templates`` asserts the two agree.

Every check raises :class:`DurableValidationError` with a message that names the input, the value
and the allowed range.
"""

from __future__ import annotations

import re

from . import platform as p
from .errors import CdkDurableError


class DurableValidationError(CdkDurableError, ValueError):
    """An input outside what AWS Lambda durable functions accept."""


def _fmt_seconds(seconds: float) -> str:
    if seconds == 1:
        return "1 second"
    if seconds >= 86400 and seconds % 86400 == 0:
        days = int(seconds // 86400)
        return f"{days} day{'s' if days != 1 else ''} ({int(seconds):,} seconds)"
    if seconds >= 60 and seconds % 60 == 0 and seconds < 86400:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ({int(seconds):,} seconds)"
    return f"{seconds:g} seconds" if seconds != int(seconds) else f"{int(seconds):,} seconds"


def check_execution_timeout(seconds: float, *, name: str = "execution_timeout") -> None:
    """1 second - 366 days, whole seconds."""
    if seconds != int(seconds):
        raise DurableValidationError(f"{name} must be a whole number of seconds, got {seconds:g} seconds")
    if not p.EXECUTION_TIMEOUT_MIN_SECONDS <= seconds <= p.EXECUTION_TIMEOUT_MAX_SECONDS:
        raise DurableValidationError(
            f"{name} must be between 1 second and {p.EXECUTION_TIMEOUT_MAX_DAYS} days "
            f"({p.EXECUTION_TIMEOUT_MAX_SECONDS:,} seconds), got {_fmt_seconds(seconds)}"
        )


def check_retention_days(days: float, *, name: str = "retention_period") -> None:
    """Whole days, 1 - 90."""
    if days != int(days):
        raise DurableValidationError(
            f"{name} must be a whole number of days between {p.RETENTION_MIN_DAYS} and "
            f"{p.RETENTION_MAX_DAYS}, got {days:g} days"
        )
    if not p.RETENTION_MIN_DAYS <= days <= p.RETENTION_MAX_DAYS:
        raise DurableValidationError(
            f"{name} must be between {p.RETENTION_MIN_DAYS} and {p.RETENTION_MAX_DAYS} days, "
            f"got {int(days)} days"
        )


def check_invocation_timeout(
    seconds: float, *, execution_timeout_seconds: float | None, name: str = "timeout"
) -> None:
    """Per-invocation timeout: 1 second - 15 minutes, and not above the execution timeout."""
    if not 1 <= seconds <= p.INVOCATION_TIMEOUT_MAX_SECONDS:
        raise DurableValidationError(
            f"{name} (per invocation) must be between 1 second and 15 minutes (900 seconds), "
            f"got {_fmt_seconds(seconds)}"
        )
    if execution_timeout_seconds is not None and seconds > execution_timeout_seconds:
        raise DurableValidationError(
            f"{name} (per invocation) must not exceed execution_timeout "
            f"({_fmt_seconds(execution_timeout_seconds)}), got {_fmt_seconds(seconds)}"
        )


def check_alias_name(alias: str, *, name: str = "alias_name") -> None:
    """1-128 of ``[a-zA-Z0-9-_]``, not all digits, not ``$LATEST``."""
    allowed = "1-128 characters of letters, digits, '-' and '_', not only digits, not $LATEST"
    if alias == "$LATEST":
        raise DurableValidationError(
            f"{name} must not be $LATEST: durable functions are invoked through a published version "
            f"or alias ({allowed}), got '$LATEST'"
        )
    if not alias or len(alias) > p.ALIAS_NAME_MAX_LENGTH or not re.match(p.ALIAS_NAME_PATTERN, alias):
        raise DurableValidationError(f"{name} must be {allowed}, got {alias!r}")


def check_execution_name(execution_name: str, *, name: str = "execution_name") -> None:
    if not re.match(p.EXECUTION_NAME_PATTERN, execution_name):
        raise DurableValidationError(
            f"{name} must be 1-64 characters of letters, digits, '-' and '_', got {execution_name!r}"
        )


# --- Execution-name sources (AsyncStarter, ExecutionName) ------------------------------------------

#: A dotted path of JSON keys (``order.id``), as the starters read a name from a JSON document.
JSON_FIELD_PATH_PATTERN = r"[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*"
#: An HTTP header name (RFC 9110 ``token``).
HTTP_HEADER_NAME_PATTERN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
#: ``{path}`` placeholders of an execution-name template.
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_json_field_path(path: object, *, name: str = "field") -> None:
    """A dotted path of JSON keys: letters, digits, ``_``, ``-``, ``$``, separated by ``.``."""
    if not isinstance(path, str) or not re.fullmatch(JSON_FIELD_PATH_PATTERN, path):
        raise DurableValidationError(
            f"{name} must be a dotted path of JSON keys "
            f"(letters, digits, '_', '-', '$', separated by '.'), got {path!r}"
        )


def check_http_header_name(header: object, *, name: str = "header") -> None:
    if not isinstance(header, str) or not re.fullmatch(HTTP_HEADER_NAME_PATTERN, header):
        raise DurableValidationError(
            f"{name} must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-, no spaces), "
            f"got {header!r}"
        )


def split_execution_name_template(template: object, *, name: str = "template") -> list[tuple[str, str]]:
    """``"order-{order.id}-x"`` -> ``[("literal", "order-"), ("field", "order.id"), ("literal", "-x")]``.

    Refuses what can never be a valid execution name (1-64 ``[a-zA-Z0-9_-]``): literal text with other
    characters, literal text that leaves no room for the fields, no field at all (one name = one
    execution, ever), unbalanced braces, a placeholder that is not a dotted JSON path.
    """
    if not isinstance(template, str):
        raise DurableValidationError(f"{name} must be a string like 'order-{{orderId}}', got {template!r}")
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            parts.append(("literal", template[pos : m.start()]))
        check_json_field_path(m[1], name=f"{name} placeholder {{{m[1]}}}")
        parts.append(("field", m[1]))
        pos = m.end()
    if pos < len(template):
        parts.append(("literal", template[pos:]))
    literal = "".join(text for kind, text in parts if kind == "literal")
    fields = [text for kind, text in parts if kind == "field"]
    if "{" in literal or "}" in literal:
        raise DurableValidationError(f"{name} has an unbalanced '{{' or '}}', got {template!r}")
    if not fields:
        raise DurableValidationError(
            f"{name} must contain at least one {{field}} placeholder (a constant name would start one "
            f"execution only, ever), got {template!r}"
        )
    if literal and not re.fullmatch(f"[{p.EXECUTION_NAME_CHARS}]+", literal):
        raise DurableValidationError(
            f"{name} text outside the placeholders must be letters, digits, '-' and '_' (execution names "
            f"allow nothing else), got {template!r}"
        )
    if len(literal) + len(fields) > p.EXECUTION_NAME_MAX_LENGTH:
        raise DurableValidationError(
            f"{name} leaves no room for its fields: execution names are at most "
            f"{p.EXECUTION_NAME_MAX_LENGTH} characters and the fixed text is {len(literal)}, got {template!r}"
        )
    return parts


def runtime_supports_durable(runtime_name: str) -> bool:
    """True for python3.13+ and nodejs22.x+ (also newer versions than :data:`platform.DURABLE_RUNTIMES`)."""
    if runtime_name in p.DURABLE_RUNTIMES:
        return True
    m = re.fullmatch(r"python(\d+)\.(\d+)", runtime_name)
    if m:
        return (int(m[1]), int(m[2])) >= p.MIN_DURABLE_VERSION["python"]
    m = re.fullmatch(r"nodejs(\d+)\.x", runtime_name)
    if m:
        return (int(m[1]),) >= p.MIN_DURABLE_VERSION["nodejs"]
    return False


def is_custom_runtime(runtime_name: str) -> bool:
    return runtime_name.startswith("provided")


def check_runtime(runtime_name: str, *, allow_custom_runtime: bool = False, name: str = "runtime") -> None:
    if runtime_supports_durable(runtime_name):
        return
    allowed = ", ".join(p.DURABLE_RUNTIMES)
    if is_custom_runtime(runtime_name):
        if allow_custom_runtime:
            return
        raise DurableValidationError(
            f"{name} {runtime_name!r} is a custom runtime: it supports durable execution only if you "
            f"bring a durable SDK yourself; set allow_custom_runtime=True to confirm "
            f"(managed durable runtimes: {allowed})"
        )
    raise DurableValidationError(
        f"{name} must be a runtime that supports durable execution ({allowed}, or newer), "
        f"got {runtime_name!r}"
    )


# --- Construct-level checks (DurableFunction, AsyncStarter) -----------------------------------------


def check_sync_event_source(execution_timeout_seconds: float, *, source: str = "event source") -> None:
    """Event source mappings invoke synchronously: the execution must fit in 15 minutes."""
    if execution_timeout_seconds > p.SYNC_INVOCATION_MAX_SECONDS:
        raise DurableValidationError(
            f"{source} cannot be attached: event source mappings ({', '.join(p.EVENT_SOURCE_MAPPING_KINDS)}) "
            f"invoke a durable function synchronously, so the whole execution must finish within 15 minutes "
            f"(900 seconds) and Lambda rejects the mapping when execution_timeout is longer; "
            f"execution_timeout is {_fmt_seconds(execution_timeout_seconds)}. Use "
            f"cdk_durable.AsyncStarter (a small function fed by the queue that starts executions "
            f"asynchronously with a durable execution name), or lower execution_timeout to 15 minutes or less"
        )


def check_kms_key_region(key_region: str, stack_region: str, *, name: str = "kms_key") -> None:
    """The durable-execution key must live in the function's region."""
    if key_region != stack_region:
        raise DurableValidationError(
            f"{name} must be in the function's region ({stack_region}): Lambda encrypts durable execution "
            f"data only with a key in the same region, got a key in {key_region}"
        )


def check_kms_key_spec(key_spec: str | None, key_usage: str | None, *, name: str = "kms_key") -> None:
    """Symmetric encryption keys only (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)."""
    if key_spec not in (None, "SYMMETRIC_DEFAULT"):
        raise DurableValidationError(
            f"{name} must be a symmetric encryption key (key spec SYMMETRIC_DEFAULT), got key spec {key_spec}"
        )
    if key_usage not in (None, "ENCRYPT_DECRYPT"):
        raise DurableValidationError(
            f"{name} must be an encryption key (key usage ENCRYPT_DECRYPT), got key usage {key_usage}"
        )


def check_conflict(option: str, other: str, reason: str) -> None:
    """Two options that cannot be used together: always raises."""
    raise DurableValidationError(f"{option} cannot be combined with {other}: {reason}")


def check_execution_name_source(field: str | None, template: str | None) -> None:
    """AsyncStarter: at most one of execution_name_field / execution_name_template, well formed."""
    if field is not None and template is not None:
        check_conflict(
            "execution_name_field",
            "execution_name_template",
            "the durable execution name comes from exactly one of them",
        )
    if field is not None:
        check_json_field_path(field, name="execution_name_field")
    if template is not None and not re.search(r"\{[A-Za-z0-9_$.-]+\}", template):
        raise DurableValidationError(
            "execution_name_template must contain at least one {field} placeholder "
            f"(a dotted path of JSON keys, e.g. 'order-{{orderId}}'), got {template!r}"
        )


def check_sync_invoker(execution_timeout_seconds: float, *, invoker: str) -> None:
    """A synchronous (RequestResponse) invoker: the execution must fit in 15 minutes."""
    if execution_timeout_seconds > p.SYNC_INVOCATION_MAX_SECONDS:
        raise DurableValidationError(
            f"{invoker} invokes synchronously, and a synchronous invocation of a durable function is limited "
            f"to 15 minutes (900 seconds); execution_timeout is {_fmt_seconds(execution_timeout_seconds)}. "
            "Start executions asynchronously instead (cdk_durable.ApiStarter for an API, an EventBridge "
            "target, Step Functions LambdaInvoke with invocation_type=EVENT, cdk_durable.AsyncStarter for a "
            "queue), or lower execution_timeout to 15 minutes or less"
        )
