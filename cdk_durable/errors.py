"""The one error model of the tools, the input limits, and the one way to make text safe to print.

Every error a tool prints derives from :class:`CdkDurableError`: one line on stderr that names the
input (a file, a key, a line, an option) and the form it allows, exit code :attr:`~CdkDurableError.exit_code`
(1 unless a subclass says otherwise). The command group (``cdk_durable.cli``) prints any other
exception as one line too, with "rerun with --debug for the stack".

Text that comes from data (a history's error message, a callback result, a file name, a template
value) is printed through :func:`safe_text`: control characters become visible escapes, so a file
cannot clear the screen, retitle the terminal or forge a line. The command group installs
:class:`SafeTextStream` on stdout and stderr for every subcommand, so no tool can forget.

Limits (:data:`LIMITS`) bound what the tools read before parsing it: a bigger input is refused with
the limit named, never read into memory whole.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from typing import IO, Any, Final

#: Exit codes of every tool (README "Errors and exit codes").
EXIT_OK: Final = 0
EXIT_USER_ERROR: Final = 1  # a bad input, an AWS error, an unexpected error (one line each)
EXIT_USAGE: Final = 2  # click's usage errors; lint's bad path / rule code
EXIT_EXECUTION_NOT_SUCCEEDED: Final = 3  # run: the execution ended FAILED, TIMED_OUT or STOPPED
#: Ended by a signal: 128 + the signal number, as shells report it (130 Ctrl-C, 129 SIGHUP, 143 SIGTERM).
EXIT_SIGNAL_BASE: Final = 128


class CdkDurableError(Exception):
    """Base of every error the tools report: one line naming the input and the allowed form."""

    #: The process exit code when this error ends a command.
    exit_code: int = EXIT_USER_ERROR

    def one_line(self) -> str:
        """The message as one printable line (newlines and control characters escaped)."""
        return safe_text(str(self), multiline=False)


class InputLimitError(CdkDurableError, ValueError):
    """An input is over one of :data:`LIMITS`; the message names the input and the limit."""


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP: raised in the main thread so the same clean-up runs for all three."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name

    @property
    def exit_code(self) -> int:
        return EXIT_SIGNAL_BASE + self.signum


def interruption(error: BaseException) -> tuple[str, int]:
    """What ended a command, as words and exit code: a signal (also when click turned it into
    ``Abort`` at a prompt) or Ctrl-C."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, Interrupted):
            return f"interrupted by {seen.name}", seen.exit_code
        seen = seen.__context__
    return "interrupted (Ctrl-C)", EXIT_SIGNAL_BASE + 2  # SIGINT


# --- limits ----------------------------------------------------------------------------------------------

#: What the tools read at most (bytes, counts, depth). Each error names the limit it hit.
LIMITS: Final = {
    "template_bytes": 16 * 1024 * 1024,  # a template (CloudFormation's own limit is 1 MB via S3)
    "yaml_values": 1_000_000,  # values a YAML template stands for with its aliases expanded (alias bombs)
    "history_bytes": 256 * 1024 * 1024,  # a history JSON file
    "history_events": 1_000_000,  # events in one history
    "event_bytes": 6 * 1024 * 1024,  # an event / answers / env file (Lambda's synchronous payload limit)
    "json_depth": 512,  # nesting of any JSON input
}


def read_limited_text(path: Any, *, limit: int, what: str) -> str:
    """The UTF-8 text of ``path``, refusing files over ``limit`` bytes and binary (non-UTF-8) files.

    Raises :class:`OSError` as ``open`` does (callers word it), :class:`InputLimitError` otherwise.
    """
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputLimitError(f"{what} is larger than the {format_bytes(limit)} limit")
    return decode_text(data, what=what)


def decode_text(data: bytes, *, what: str) -> str:
    if b"\x00" in data:
        raise InputLimitError(f"{what} is a binary file (it holds a NUL byte): expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputLimitError(
            f"{what} is not UTF-8 text (byte {e.start}: {data[e.start : e.start + 1]!r})"
        ) from None


def format_bytes(count: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def json_depth(text: str) -> int:
    """The deepest nesting of brackets in JSON ``text`` (strings skipped), without parsing it."""
    return _bracket_depth(_JSON_TOKENS, text)


def yaml_flow_depth(text: str) -> int:
    """The deepest nesting of YAML flow collections (``[...]``, ``{...}``) in ``text``, quoted strings
    and comments skipped, without parsing it: PyYAML's scanner takes time quadratic in this depth
    before its composer gives up with RecursionError, so a deep document is refused up front."""
    return _bracket_depth(_YAML_FLOW_TOKENS, text)


def _bracket_depth(tokens: re.Pattern[str], text: str) -> int:
    depth = deepest = 0
    for match in tokens.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_YAML_FLOW_TOKENS = re.compile(
    r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|(?:^|(?<=\s))#[^\n]*|[\[\]{}]', re.MULTILINE
)


def loads_json(text: str, *, what: str, error: Callable[[str], Exception] | None = None) -> Any:
    """``json.loads`` with the depth limit and NaN/Infinity refused; errors name ``what`` and the line.

    ``error`` builds the tool's own error type from the message (default :class:`InputLimitError`).
    """
    make = error or InputLimitError
    limit = LIMITS["json_depth"]
    if json_depth(text) > limit:
        raise make(f"{what} is nested deeper than {limit} levels (the JSON nesting limit)")

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as e:
        raise make(f"{what} is not valid JSON (line {e.lineno}, column {e.colno}): {e.msg}") from None
    except ValueError as e:
        raise make(f"{what} is not valid JSON: {e}") from None
    except RecursionError:
        raise make(f"{what} is nested too deeply to read (the JSON nesting limit is {limit})") from None


# --- safe text -------------------------------------------------------------------------------------------

# C0 controls but tab/newline, DEL, C1 controls, and the bidi overrides/isolates ("trojan source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(text: str, *, multiline: bool = True) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``): safe to print on a terminal.

    Newlines and tabs stay unless ``multiline`` is false (one line: ``\\n``, ``\\t`` too).
    """
    pattern = _UNSAFE if multiline else _UNSAFE_ONE_LINE
    return pattern.sub(_escape, text)


class SafeTextStream(io.TextIOBase):
    """A text stream that writes through :func:`safe_text` (installed on stdout/stderr by the CLI)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        #: Whether the last text written ended its line (false after a prompt such as ``answer: ``).
        self.at_line_start = True

    @property
    def wrapped(self) -> IO[str]:
        return self._stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._stream, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._stream.write(safe_text(text))
        if text:
            self.at_line_start = text.endswith("\n")
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def error_line(text: str, *, mid_line: bool = False) -> str:
    """``text`` for stderr on a line of its own: after a newline when stderr stopped mid-line (a signal
    or Ctrl-C at a prompt), so the error never lands on the prompt's line. ``mid_line`` is the guess
    for a stderr that does not track it (not the CLI's :class:`SafeTextStream`)."""
    stream = sys.stderr
    if isinstance(stream, SafeTextStream):
        mid_line = not stream.at_line_start
    return f"\n{text}" if mid_line else text


def prompt_answered() -> None:
    """A prompt on stderr was answered at a terminal: its echoed Enter ended the line."""
    stream = sys.stderr
    if isinstance(stream, SafeTextStream) and sys.stdin is not None and sys.stdin.isatty():
        stream.at_line_start = True
