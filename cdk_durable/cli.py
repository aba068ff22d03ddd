"""The ``cdk-durable`` command: a thin layer over the library modules.

Each subcommand lives next to the capability it exposes and is imported only when invoked, so
``cdk-durable lint`` does not pay for importing aws-cdk-lib:

=============  ==============================  =========================================
command        module                          what it does
=============  ==============================  =========================================
``run``        ``cdk_durable.local_run``       run a handler locally, answer callbacks
``lint``       ``cdk_durable.lint.cli``        replay-model linter for Python handlers
``diagnose``   ``cdk_durable.diagnose``        why is an execution stuck or failed?
``versions``   ``cdk_durable.versions``        published versions, what needs them, safe pruning
``new``        ``cdk_durable.new``             generate a project from the packaged template
``serve``      ``cdk_durable.serve``           a local durable-functions service (AWS's API)
=============  ==============================  =========================================

Each module exposes a ``click.Command`` named ``command``. User errors (bad file, bad JSON,
unknown name) print one line on stderr and exit with code 1; ``lint`` exits 1 on findings and 2 on
usage errors, like ruff; ``run`` exits 3 when the execution itself ends FAILED/TIMED_OUT/STOPPED.

This is also the edge every subcommand passes through (:class:`_LazyGroup`):

- stdout and stderr write through :func:`cdk_durable.errors.safe_text` (no control character from
  data reaches the terminal);
- a :class:`~cdk_durable.errors.CdkDurableError` is one line and its ``exit_code``; any other
  exception is one line plus "rerun with --debug for the stack" (``--debug``, anywhere before
  ``--``, or ``CDK_DURABLE_DEBUG=1``, shows it);
- SIGTERM and SIGHUP end a command the way Ctrl-C does (the same clean-up runs): one line,
  exit code 128 + the signal number.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import Any

import click

from . import __version__
from .errors import (
    EXIT_USER_ERROR,
    CdkDurableError,
    Interrupted,
    SafeTextStream,
    error_line,
    interruption,
    safe_text,
)

DEBUG_FLAG = "--debug"
DEBUG_ENV = "CDK_DURABLE_DEBUG"

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("cdk_durable.local_run", "Run a durable handler locally on the testing SDK's runner."),
    "lint": ("cdk_durable.lint.cli", "Find replay-model violations in Python durable handlers."),
    "diagnose": ("cdk_durable.diagnose", "Explain why a durable execution is stuck or failed."),
    "versions": ("cdk_durable.versions", "List published versions and prune the ones nothing needs."),
    "serve": ("cdk_durable.serve", "Serve durable functions locally with AWS's Lambda and durable API."),
    "new": ("cdk_durable.new", "Generate a durable-function project (SAM, CloudFormation or CDK)."),
}


def _strip_debug(args: Sequence[str]) -> tuple[list[str], bool]:
    """``args`` without ``--debug`` (accepted anywhere before ``--``), and whether it was there."""
    kept: list[str] = []
    debug = False
    for i, arg in enumerate(args):
        if arg == "--":
            kept += args[i:]
            break
        if arg == DEBUG_FLAG:
            debug = True
        else:
            kept.append(arg)
    return kept, debug


@contextlib.contextmanager
def _safe_streams() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, SafeTextStream):
        sys.stdout = SafeTextStream(sys.stdout)
    if not isinstance(sys.stderr, SafeTextStream):
        sys.stderr = SafeTextStream(sys.stderr)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread, like SIGINT."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signum, signal.Signals(signum).name)

    names = ("SIGTERM", "SIGHUP")
    saved = {}
    for name in names:
        number = getattr(signal, name, None)
        if number is not None:
            saved[number] = signal.signal(number, interrupt)
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _fail(command: str, line: str, code: int) -> None:
    words = safe_text(line, multiline=False)
    click.echo(error_line(f"cdk-durable{' ' + command if command else ''}: {words}"), err=True)
    sys.exit(code)


class _LazyGroup(click.Group):
    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **kwargs: Any
    ) -> Any:
        given = list(sys.argv[1:] if args is None else args)
        kept, debug = _strip_debug(given)
        debug = debug or os.environ.get(DEBUG_ENV, "") not in ("", "0")
        kwargs.setdefault("obj", {})
        kwargs["obj"]["debug"] = debug
        standalone = kwargs.pop("standalone_mode", True)
        with _safe_streams(), _signals_interrupt():
            if not standalone:
                return super().main(kept, prog_name, standalone_mode=False, **kwargs)
            try:
                code = super().main(kept, prog_name, standalone_mode=False, **kwargs)
            except click.ClickException as e:  # usage errors too: one line, not click's three
                if (
                    type(e).__name__ == "NoArgsIsHelpError"
                ):  # a bare `cdk-durable`: the help, as click prints it
                    e.show()
                    sys.exit(e.exit_code)
                where = e.ctx.command_path if isinstance(e, click.UsageError) and e.ctx else "cdk-durable"
                hint = f" (see {where} --help)" if isinstance(e, click.UsageError) else ""
                click.echo(f"{where}: {safe_text(e.format_message(), multiline=False)}{hint}", err=True)
                sys.exit(e.exit_code)
            except (click.Abort, KeyboardInterrupt) as e:
                words, exit_code = interruption(e)
                click.echo(error_line(f"cdk-durable: {words}"), err=True)
                sys.exit(exit_code)
            sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool((ctx.obj or {}).get("debug"))
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except (click.exceptions.Abort, KeyboardInterrupt) as e:
            words, code = interruption(e)
            _fail(self._command(ctx), words, code)
        except CdkDurableError as e:
            if debug:
                raise
            _fail(self._command(ctx), str(e), e.exit_code)
        except Exception as e:
            if debug:
                raise
            what = str(e).strip().splitlines()[0] if str(e).strip() else "(no message)"
            _fail(
                self._command(ctx),
                f"unexpected {type(e).__name__}: {what[:300]} (rerun with --debug for the stack)",
                EXIT_USER_ERROR,
            )

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta["cdk_durable.command"] = name or ""
        return name, command, rest

    @staticmethod
    def _command(ctx: click.Context) -> str:
        return str(ctx.meta.get("cdk_durable.command", ""))

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = SUBCOMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = importlib.import_module(entry[0]).command
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help without importing every module.
        rows = [(name, SUBCOMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, epilog="--debug (anywhere before --) shows the stack of an unexpected error.")
@click.version_option(__version__, prog_name="cdk-durable")
def main(**_: Any) -> None:
    """Tools for AWS Lambda durable functions."""
