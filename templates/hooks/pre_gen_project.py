"""Validate every cookiecutter input before anything is generated.

A bad input prints one line naming the input, the value and what is allowed, and exits 1;
cookiecutter then removes the output directory, so nothing is left behind.

Values are read injection-safely: each is rendered through ``tojson`` into a raw string and parsed
with ``json.loads``, so quotes or code in an answer stay data. The template's choices (IaC kinds,
runtimes, blueprints) come from ``manifest.json`` (rendered in through the template's Jinja
extension, ``cdk_durable_template.py``). The bounds mirror ``cdk_durable/platform.py`` and
``cdk_durable/_validation.py`` (this hook runs without cdk-durable installed); ``tests/templates``
asserts they agree.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping

# --- Bounds (mirrors of cdk_durable.platform; kept equal by a test) ---------------------------
EXECUTION_TIMEOUT_MIN_SECONDS = 1
EXECUTION_TIMEOUT_MAX_SECONDS = 366 * 24 * 60 * 60  # 31,622,400
INVOCATION_TIMEOUT_MAX_SECONDS = 15 * 60
RETENTION_MIN_DAYS = 1
RETENTION_MAX_DAYS = 90
ALIAS_NAME_PATTERN = r"^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$"
ALIAS_NAME_MAX_LENGTH = 128
DURABLE_RUNTIMES = ("python3.13", "python3.14", "nodejs22.x", "nodejs24.x")

# --- Template choices: read from the manifest (``manifest.json``) ---------------------------------
#: CloudWatch Logs accepts only these retention values.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)  # fmt: skip
#: The name is written into YAML, Python, Makefile and Markdown as is: no quotes, colons, '#'.
PROJECT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _.,()-]{0,59}$"
#: The slug names the directory, the stack and the resources: CloudFormation stack names start with
#: a letter; lower-case keeps S3/SNS/SQS names derived from it valid.
SLUG_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SLUG_MAX_LENGTH = 40
#: A pip requirement: a name (optionally with extras and a version), a path or a URL (``%``-escapes,
#: a ``#subdirectory=``/``#sha256=`` fragment); one line.
REQUIREMENT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-\[\],<>=!~ ;:/@+\"'()%#&]*$"


class InputError(ValueError):
    """One bad input; the message is the line shown to the user."""


def _whole_number(name: str, value: object, allowed: str) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise InputError(f"{name} must be a whole number, {allowed}, got {value!r}")
    return int(text)


def check_project_name(value: str) -> None:
    if not re.fullmatch(PROJECT_NAME_PATTERN, value):
        raise InputError(
            "project_name must be 1-60 characters of letters, digits, spaces and - _ . , ( ), "
            f"starting with a letter or digit, got {value!r}"
        )


def check_project_slug(value: str) -> None:
    if len(value) > SLUG_MAX_LENGTH or not re.fullmatch(SLUG_PATTERN, value):
        raise InputError(
            f"project_slug must be 1-{SLUG_MAX_LENGTH} characters of lower-case letters, digits and "
            f"single '-' between words, starting with a letter (e.g. 'order-workflow'), got {value!r}"
        )


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}, got {value!r}")


def check_runtime(value: str, template_runtimes: tuple[str, ...]) -> None:
    if value in DURABLE_RUNTIMES and value not in template_runtimes:
        raise InputError(
            f"runtime {value!r} supports durable execution but this template has no handlers for it yet; "
            f"runtime must be one of {', '.join(template_runtimes)}"
        )
    check_choice("runtime", value, template_runtimes)


def check_execution_timeout(value: object) -> int:
    allowed = f"between 1 second and 366 days ({EXECUTION_TIMEOUT_MAX_SECONDS:,} seconds)"
    seconds = _whole_number("execution_timeout_seconds", value, allowed)
    if not EXECUTION_TIMEOUT_MIN_SECONDS <= seconds <= EXECUTION_TIMEOUT_MAX_SECONDS:
        raise InputError(f"execution_timeout_seconds must be {allowed}, got {seconds:,} seconds")
    return seconds


def check_invocation_timeout(value: object, execution_timeout_seconds: int) -> None:
    allowed = f"between 1 and {INVOCATION_TIMEOUT_MAX_SECONDS} seconds (15 minutes)"
    seconds = _whole_number("invocation_timeout_seconds", value, allowed)
    if not 1 <= seconds <= INVOCATION_TIMEOUT_MAX_SECONDS:
        raise InputError(f"invocation_timeout_seconds must be {allowed}, got {seconds:,} seconds")
    if seconds > execution_timeout_seconds:
        raise InputError(
            f"invocation_timeout_seconds must not exceed execution_timeout_seconds "
            f"({execution_timeout_seconds:,}), got {seconds:,} seconds"
        )


def check_retention_days(value: object) -> None:
    allowed = f"between {RETENTION_MIN_DAYS} and {RETENTION_MAX_DAYS} days"
    days = _whole_number("retention_days", value, allowed)
    if not RETENTION_MIN_DAYS <= days <= RETENTION_MAX_DAYS:
        raise InputError(f"retention_days must be {allowed}, got {days} days")


def check_log_retention_days(value: object) -> None:
    allowed = "one of " + ", ".join(str(d) for d in LOG_RETENTION_DAYS)
    days = _whole_number("log_retention_days", value, allowed)
    if days not in LOG_RETENTION_DAYS:
        raise InputError(f"log_retention_days must be {allowed} (CloudWatch Logs values), got {days}")


def check_alias_name(value: str) -> None:
    allowed = "1-128 characters of letters, digits, '-' and '_', not only digits, not $LATEST"
    if value == "$LATEST":
        raise InputError(
            f"alias_name must not be $LATEST: durable functions are invoked through a published "
            f"version or alias ({allowed}), got '$LATEST'"
        )
    if not value or len(value) > ALIAS_NAME_MAX_LENGTH or not re.match(ALIAS_NAME_PATTERN, value):
        raise InputError(f"alias_name must be {allowed}, got {value!r}")


def check_requirement(value: str) -> None:
    if not re.fullmatch(REQUIREMENT_PATTERN, value) or "\n" in value:
        raise InputError(
            "cdk_durable_requirement must be one pip requirement line (a name with an optional "
            f"version, a path or a URL, e.g. 'cdk-durable==0.1.0'), got {value!r}"
        )


def check_manifest(manifest: Mapping[str, Mapping[str, object]]) -> None:
    """The manifest's runtimes are durable runtimes (a template error, not a user's)."""
    unknown = [name for name in manifest["runtimes"] if name not in DURABLE_RUNTIMES]
    if unknown:
        raise InputError(
            f"manifest.json runtimes must be durable runtimes ({', '.join(DURABLE_RUNTIMES)}), "
            f"got {', '.join(unknown)}"
        )


def validate(inputs: Mapping[str, object], manifest: Mapping[str, Mapping[str, object]]) -> None:
    """Check every input against the bounds and ``manifest``; raise :class:`InputError` on the first."""
    check_manifest(manifest)
    check_project_name(str(inputs["project_name"]))
    check_project_slug(str(inputs["project_slug"]))
    check_choice("iac", str(inputs["iac"]), tuple(manifest["iac"]))
    check_runtime(str(inputs["runtime"]), tuple(manifest["runtimes"]))
    check_choice("blueprint", str(inputs["blueprint"]), tuple(manifest["blueprints"]))
    # every tracing choice is wired for every IaC kind and runtime family
    check_choice("tracing", str(inputs["tracing"]), tuple(manifest["tracing"]))
    execution_timeout = check_execution_timeout(inputs["execution_timeout_seconds"])
    check_invocation_timeout(inputs["invocation_timeout_seconds"], execution_timeout)
    check_retention_days(inputs["retention_days"])
    check_log_retention_days(inputs["log_retention_days"])
    check_alias_name(str(inputs["alias_name"]))
    check_requirement(str(inputs["cdk_durable_requirement"]))


def main(inputs: Mapping[str, object], manifest: Mapping[str, Mapping[str, object]]) -> int:
    try:
        validate(inputs, manifest)
    except InputError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Rendered by cookiecutter; `tojson` + a raw string keeps every answer as data.
    INPUTS = {
        "project_name": json.loads(r""" {{ cookiecutter.project_name | tojson }} """),
        "project_slug": json.loads(r""" {{ cookiecutter.project_slug | tojson }} """),
        "iac": json.loads(r""" {{ cookiecutter.iac | tojson }} """),
        "runtime": json.loads(r""" {{ cookiecutter.runtime | tojson }} """),
        "blueprint": json.loads(r""" {{ cookiecutter.blueprint | tojson }} """),
        "tracing": json.loads(r""" {{ cookiecutter.tracing | tojson }} """),
        "execution_timeout_seconds": json.loads(
            r""" {{ cookiecutter.execution_timeout_seconds | tojson }} """
        ),
        "invocation_timeout_seconds": json.loads(
            r""" {{ cookiecutter.invocation_timeout_seconds | tojson }} """
        ),
        "retention_days": json.loads(r""" {{ cookiecutter.retention_days | tojson }} """),
        "log_retention_days": json.loads(r""" {{ cookiecutter.log_retention_days | tojson }} """),
        "alias_name": json.loads(r""" {{ cookiecutter.alias_name | tojson }} """),
        "cdk_durable_requirement": json.loads(r""" {{ cookiecutter.cdk_durable_requirement | tojson }} """),
    }
    MANIFEST = json.loads(r""" {{ manifest | tojson }} """)
    sys.exit(main(INPUTS, MANIFEST))
