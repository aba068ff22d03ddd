"""How callbacks are answered: scripted (options, answers file), at a prompt, or by their timeout.

An answer completes a callback the way AWS's callback APIs do: ``succeed`` with a JSON payload
(``SendDurableExecutionCallbackSuccess``), ``fail`` with an error object (``...Failure``:
``ErrorType``, ``ErrorMessage``, ``ErrorData``), ``heartbeat`` (``...Heartbeat``: the callback stays
pending and its heartbeat timeout restarts), or ``timeout`` (what AWS does when nobody answers).
Answers are keyed by callback name; the key ``*`` answers any pending callback no named answer
matches, in the order callbacks are created.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import click

from .._history import Operation
from ..errors import loads_json, prompt_answered
from .inputs import LocalRunError, parse_json

ANSWER_ACTIONS = ("succeed", "fail", "heartbeat", "timeout")
#: The key that answers any callback.
ANY_CALLBACK = "*"
DEFAULT_ERROR_TYPE = "LocalRunCallbackFailure"
DEFAULT_ERROR_MESSAGE = "failed from cdk-durable run"
_ERROR_KEYS = ("ErrorType", "ErrorMessage", "ErrorData")


@dataclass(frozen=True)
class CallbackAnswer:
    """How to answer one callback (see the module docstring for the actions)."""

    action: Literal["succeed", "fail", "heartbeat", "timeout"]
    payload: Any = None
    error_message: str | None = DEFAULT_ERROR_MESSAGE
    error_type: str | None = DEFAULT_ERROR_TYPE
    error_data: str | None = None
    source: str = "script"

    @classmethod
    def succeed(cls, payload: Any, *, source: str = "script") -> CallbackAnswer:
        return cls("succeed", payload=payload, source=source)

    @classmethod
    def fail(
        cls,
        message: str | None = None,
        *,
        error_type: str | None = None,
        data: str | None = None,
        source: str = "script",
    ) -> CallbackAnswer:
        return cls(
            "fail",
            error_message=message if message is not None else DEFAULT_ERROR_MESSAGE,
            error_type=error_type if error_type is not None else DEFAULT_ERROR_TYPE,
            error_data=data,
            source=source,
        )

    @classmethod
    def heartbeat(cls, *, source: str = "script") -> CallbackAnswer:
        return cls("heartbeat", source=source)

    @classmethod
    def timeout(cls, *, source: str = "script") -> CallbackAnswer:
        return cls("timeout", source=source)

    def describe(self, width: int = 100) -> str:
        if self.action == "succeed":
            text = json.dumps(self.payload)
            return f"succeed {text if len(text) <= width else text[: width - 1] + '…'}"
        if self.action == "fail":
            return f"fail ({self.error_type}: {self.error_message})"
        if self.action == "heartbeat":
            return "heartbeat"
        return "time out"


def error_answer(value: Any, *, where: str, source: str) -> CallbackAnswer:
    """A failure from a message string, ``{"ErrorType", "ErrorMessage", "ErrorData"}`` (the
    ``send-durable-execution-callback-failure --error`` shape) or ``{"message", "type"}``."""
    if isinstance(value, str):
        return CallbackAnswer.fail(value, source=source)
    if isinstance(value, dict) and value and set(value) <= set(_ERROR_KEYS):
        data = value.get("ErrorData")
        return CallbackAnswer.fail(
            _optional_str(value.get("ErrorMessage"), where=f"{where}: ErrorMessage"),
            error_type=_optional_str(value.get("ErrorType"), where=f"{where}: ErrorType"),
            data=data if data is None or isinstance(data, str) else json.dumps(data),
            source=source,
        )
    if isinstance(value, dict) and value and set(value) <= {"message", "type"}:
        return CallbackAnswer.fail(value.get("message"), error_type=value.get("type"), source=source)
    raise LocalRunError(
        f"{where}: the error must be a message string or an object with keys "
        f"{', '.join(_ERROR_KEYS)}, got {json.dumps(value)[:80]}"
    )


def _optional_str(value: Any, *, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise LocalRunError(f"{where} must be a string, got {json.dumps(value)[:60]}")


def _split_name(value: str, option: str, *, needs_value: bool) -> tuple[str, str | None]:
    name, sep, rest = value.partition("=")
    name = name.strip()
    if not name or (needs_value and not sep):
        shape = "NAME=JSON or NAME=@file.json" if needs_value else "NAME or NAME=JSON"
        raise LocalRunError(f"{option} must be {shape} (NAME may be * for any callback), got {value!r}")
    return name, rest if sep else None


def parse_callback_option(value: str) -> tuple[str, CallbackAnswer]:
    """``--callback NAME=JSON`` or ``NAME=@file.json`` -> (name, succeed answer)."""
    name, payload = _split_name(value, "--callback", needs_value=True)
    assert payload is not None
    return name, CallbackAnswer.succeed(parse_json(payload, what=f"--callback {name}"), source="--callback")


def parse_fail_option(value: str) -> tuple[str, CallbackAnswer]:
    """``--fail-callback NAME`` or ``NAME=JSON`` (an error object, or ``@file.json``)."""
    name, error = _split_name(value, "--fail-callback", needs_value=False)
    if error is None:
        return name, CallbackAnswer.fail(source="--fail-callback")
    parsed = parse_json(error, what=f"--fail-callback {name}")
    return name, error_answer(parsed, where=f"--fail-callback {name}", source="--fail-callback")


def _answer_from_spec(name: str, spec: Any, *, source: str) -> CallbackAnswer:
    where = f"{source}: answer for {name!r}"
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in ANSWER_ACTIONS:
        raise LocalRunError(
            f"{where} must be an object with exactly one key, one of {', '.join(ANSWER_ACTIONS)} "
            f'(e.g. {{"succeed": {{"approved": true}}}}), got {json.dumps(spec)[:80]}'
        )
    action, value = next(iter(spec.items()))
    if action == "succeed":
        return CallbackAnswer.succeed(value, source=source)
    if action in ("timeout", "heartbeat"):
        if value is not True:
            raise LocalRunError(f'{where}: "{action}" must be true, got {json.dumps(value)}')
        return (
            CallbackAnswer.timeout(source=source)
            if action == "timeout"
            else CallbackAnswer.heartbeat(source=source)
        )
    return error_answer(value, where=f'{where}: "fail"', source=source)


def load_answers(value: str | Path) -> dict[str, list[CallbackAnswer]]:
    """An answers file: ``{"name" | "*": answer | [answer, ...]}``; an answer is
    ``{"succeed": payload}``, ``{"fail": message | error object}``, ``{"heartbeat": true}`` or
    ``{"timeout": true}``. A list answers the callbacks of that name in the order they are created
    (a heartbeat entry is sent to the callback the next entry answers).
    """
    text = str(value)
    source = f"answers file {text.removeprefix('@')}"
    data = parse_json(text if text.startswith("@") else "@" + text, what="answers")
    if not isinstance(data, dict):
        raise LocalRunError(
            f"{source} must hold a JSON object of callback name -> answer, got {type(data).__name__}"
        )
    answers: dict[str, list[CallbackAnswer]] = {}
    for name, spec in data.items():
        if not name.strip():
            raise LocalRunError(f"{source}: a callback name is empty; use the callback's name or *")
        specs = spec if isinstance(spec, list) else [spec]
        answers[name] = [_answer_from_spec(name, s, source=source) for s in specs]
    return answers


def collect_answers(
    answers_file: str | None,
    callbacks: Sequence[str] = (),
    fail: Sequence[str] = (),
    timeout: Sequence[str] = (),
) -> dict[str, list[CallbackAnswer]]:
    """The answers file, then the options on top (an option replaces the file's answer for its name)."""
    answers: dict[str, list[CallbackAnswer]] = load_answers(answers_file) if answers_file else {}
    for value in callbacks:
        name, answer = parse_callback_option(value)
        answers[name] = [answer]
    for value in fail:
        name, answer = parse_fail_option(value)
        answers[name] = [answer]
    for name in timeout:
        if not name.strip():
            raise LocalRunError("--timeout-callback must be a callback NAME (or * for any callback), got ''")
        answers[name.strip()] = [CallbackAnswer.timeout(source="--timeout-callback")]
    return answers


class AnswerScript:
    """Scripted answers by callback name (then ``*``), consumed in order; tracks which were used."""

    def __init__(self, answers: Mapping[str, Sequence[CallbackAnswer]] | None) -> None:
        self._queues = {name: list(items) for name, items in (answers or {}).items()}
        self.used: set[str] = set()

    def take(self, callback: Operation) -> CallbackAnswer | None:
        for key in (callback.name, callback.display_name, ANY_CALLBACK):
            queue = self._queues.get(key or "")
            if queue:
                self.used.add(str(key))
                # A heartbeat is sent once; the last real answer also answers any later callbacks.
                return queue.pop(0) if len(queue) > 1 or queue[0].action == "heartbeat" else queue[0]
        return None

    def unused(self) -> list[str]:
        return sorted(set(self._queues) - self.used)


# --- interactive ---------------------------------------------------------------------------------

PROMPT_ACTIONS = ("json", "fail", "heartbeat", "timeout")


def load_presets(path: str) -> dict[str, Any]:
    """A presets file for the prompt: ``{"approve": {"approved": true}, ...}`` (name -> payload)."""
    data = parse_json("@" + path, what="--presets")
    if not isinstance(data, dict) or not data:
        raise LocalRunError(f"--presets {path} must hold a non-empty JSON object of choice name -> payload")
    clash = sorted(set(data) & set(PROMPT_ACTIONS))
    if clash:
        raise LocalRunError(
            f"--presets {path}: {', '.join(clash)} is a built-in choice; "
            f"preset names must differ from {', '.join(PROMPT_ACTIONS)}"
        )
    return data


def make_prompt(presets: Mapping[str, Any] | None = None) -> Any:
    """The terminal prompt: each preset (a fixed payload), ``json`` (any payload), ``fail`` (an error
    type and message), ``heartbeat`` or ``timeout``. Presets come from ``--presets FILE``."""
    choices = (*(presets or {}), *PROMPT_ACTIONS)

    def prompt(text: str, **options: Any) -> Any:
        answer = click.prompt(text, err=True, **options)
        prompt_answered()
        return answer

    def ask(callback: Operation) -> CallbackAnswer:
        click.echo(f"\n  callback {callback.display_name!r} is waiting (id {callback.callback_id})")
        choice = prompt("  answer", type=click.Choice(choices), default=choices[0], show_choices=True)
        if presets and choice in presets:
            return CallbackAnswer.succeed(presets[choice], source=f"prompt: {choice}")
        if choice == "json":
            while True:
                text = prompt("  JSON payload")
                try:
                    payload = loads_json(text, what="the payload", error=LocalRunError)
                except LocalRunError as e:
                    click.echo(f"  not JSON: {e}; try again", err=True)
                    continue
                return CallbackAnswer.succeed(payload, source="prompt")
        if choice == "fail":
            error_type = prompt("  error type", default=DEFAULT_ERROR_TYPE)
            message = prompt("  error message", default=DEFAULT_ERROR_MESSAGE)
            return CallbackAnswer.fail(message, error_type=error_type, source="prompt")
        if choice == "heartbeat":
            return CallbackAnswer.heartbeat(source="prompt")
        return CallbackAnswer.timeout(source="prompt")

    return ask
