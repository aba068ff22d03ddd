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
"""

from __future__ import annotations

from .answers import (
    ANY_CALLBACK,
    AnswerScript,
    CallbackAnswer,
    collect_answers,
    load_answers,
    load_presets,
    make_prompt,
    parse_callback_option,
    parse_fail_option,
)
from .cli import EXIT_EXECUTION_NOT_SUCCEEDED, command, run_from_options, write_history
from .inputs import (
    FunctionSpec,
    LocalRunError,
    lambda_environment,
    load_env_file,
    load_event,
    load_handler,
    parse_env_option,
    parse_function_option,
    parse_json,
)
from .render import format_change, render_history
from .runner import (
    DEFAULT_POLL_INTERVAL,
    Crash,
    HistoryReader,
    RunReport,
    expire_callback,
    run_handler,
    run_history,
)
from .template import TemplateFunctions, load_template_functions

__all__ = [
    "ANY_CALLBACK",
    "DEFAULT_POLL_INTERVAL",
    "EXIT_EXECUTION_NOT_SUCCEEDED",
    "AnswerScript",
    "CallbackAnswer",
    "Crash",
    "FunctionSpec",
    "HistoryReader",
    "LocalRunError",
    "RunReport",
    "TemplateFunctions",
    "collect_answers",
    "command",
    "expire_callback",
    "format_change",
    "lambda_environment",
    "load_answers",
    "load_env_file",
    "load_event",
    "load_handler",
    "load_presets",
    "load_template_functions",
    "make_prompt",
    "parse_callback_option",
    "parse_env_option",
    "parse_fail_option",
    "parse_function_option",
    "parse_json",
    "render_history",
    "run_from_options",
    "run_handler",
    "run_history",
    "write_history",
]
