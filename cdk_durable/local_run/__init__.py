"""``cdk-durable run``: run a durable function (Python or Node.js) locally, as Lambda would, and answer
its callbacks.

Everything runs on ``DurableFunctionTestRunner`` from ``aws-durable-execution-sdk-python-testing``
(install ``cdk-durable[local]``): no AWS, no Docker. Modules:

- :mod:`.inputs` - handlers, events, :class:`FunctionSpec`, ``--function``, ``--env``/``--env-file``,
  the environment Lambda sets
- :mod:`.template` - functions from SAM, CloudFormation and CDK cloud-assembly templates
- :mod:`.answers` - callback answers: options, answers files, ``*``, the prompt and its presets
- :mod:`.runner` - the loop: incremental history, callbacks and their timeouts, chained-invoke
  targets, crashes (:mod:`.worker` runs each invocation in a worker process)
- :mod:`.worker` - each invocation in a worker process (the pool ``run`` and ``serve`` share);
  :mod:`.node` and ``node_worker.mjs`` - Node.js handlers (JS, or TypeScript bundled by esbuild)
- :mod:`.endpoint` - the emulator's HTTP routes the SDKs checkpoint to (Node.js handlers in ``run``;
  the base of ``serve``'s handler), with Lambda's checkpoint payload limit
- :mod:`.render` - live lines and the history table
- :mod:`.cli` - the click :data:`command`

The history model is :mod:`cdk_durable._history`, shared with ``cdk-durable diagnose``;
:func:`run_history` gives a finished run's history as ``get-durable-execution-history`` JSON.

Names below are imported on first use, so a worker process (:mod:`.worker`) starts without loading
the emulator, click or the renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

#: Each public name and the module it lives in.
_MODULES: dict[str, tuple[str, ...]] = {
    "answers": (
        "ANY_CALLBACK",
        "AnswerScript",
        "CallbackAnswer",
        "collect_answers",
        "load_answers",
        "load_presets",
        "make_prompt",
        "parse_callback_option",
        "parse_fail_option",
    ),
    "cli": (
        "EXIT_EXECUTION_NOT_SUCCEEDED",
        "command",
        "run_from_options",
        "write_history",
    ),
    "inputs": (
        "FunctionSpec",
        "LocalRunError",
        "lambda_environment",
        "load_env_file",
        "load_event",
        "load_handler",
        "parse_env_option",
        "parse_function_option",
        "parse_json",
    ),
    "render": (
        "format_change",
        "render_history",
    ),
    "runner": (
        "DEFAULT_POLL_INTERVAL",
        "Crash",
        "HistoryReader",
        "RunReport",
        "expire_callback",
        "run_handler",
        "run_history",
    ),
    "template": (
        "TemplateFunctions",
        "load_template_functions",
    ),
}
_LAZY: dict[str, str] = {name: f"{__name__}.{module}" for module, names in _MODULES.items() for name in names}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from .answers import ANY_CALLBACK as ANY_CALLBACK
    from .answers import AnswerScript as AnswerScript
    from .answers import CallbackAnswer as CallbackAnswer
    from .answers import collect_answers as collect_answers
    from .answers import load_answers as load_answers
    from .answers import load_presets as load_presets
    from .answers import make_prompt as make_prompt
    from .answers import parse_callback_option as parse_callback_option
    from .answers import parse_fail_option as parse_fail_option
    from .cli import EXIT_EXECUTION_NOT_SUCCEEDED as EXIT_EXECUTION_NOT_SUCCEEDED
    from .cli import command as command
    from .cli import run_from_options as run_from_options
    from .cli import write_history as write_history
    from .inputs import FunctionSpec as FunctionSpec
    from .inputs import LocalRunError as LocalRunError
    from .inputs import lambda_environment as lambda_environment
    from .inputs import load_env_file as load_env_file
    from .inputs import load_event as load_event
    from .inputs import load_handler as load_handler
    from .inputs import parse_env_option as parse_env_option
    from .inputs import parse_function_option as parse_function_option
    from .inputs import parse_json as parse_json
    from .render import format_change as format_change
    from .render import render_history as render_history
    from .runner import DEFAULT_POLL_INTERVAL as DEFAULT_POLL_INTERVAL
    from .runner import Crash as Crash
    from .runner import HistoryReader as HistoryReader
    from .runner import RunReport as RunReport
    from .runner import expire_callback as expire_callback
    from .runner import run_handler as run_handler
    from .runner import run_history as run_history
    from .template import TemplateFunctions as TemplateFunctions
    from .template import load_template_functions as load_template_functions


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
