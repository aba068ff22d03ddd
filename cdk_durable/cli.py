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
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from . import __version__

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("cdk_durable.local_run", "Run a durable handler locally on the testing SDK's runner."),
    "lint": ("cdk_durable.lint.cli", "Find replay-model violations in Python durable handlers."),
    "diagnose": ("cdk_durable.diagnose", "Explain why a durable execution is stuck or failed."),
    "versions": ("cdk_durable.versions", "List published versions and prune the ones nothing needs."),
    "serve": ("cdk_durable.serve", "Serve durable functions locally with AWS's Lambda and durable API."),
    "new": ("cdk_durable.new", "Generate a durable-function project (SAM, CloudFormation or CDK)."),
}


class _LazyGroup(click.Group):
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


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="cdk-durable")
def main(**_: Any) -> None:
    """Tools for AWS Lambda durable functions."""
