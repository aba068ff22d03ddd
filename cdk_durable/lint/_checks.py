"""The rules' checks, keyed by rule: each function reports one :class:`~cdk_durable.lint.rules.Rule`
(or decides which of a few), from the facts the walk (:mod:`.analyzer`) has gathered.

- ``check_durable_call`` / ``classify_call``: a call in the durable region - DUR001
  nondeterministic-call, DUR002 external-io, DUR005 side-effect-outside-step, DUR008/DUR009
  environment reads (``env_read``);
- ``check_step_write`` / ``check_step_mutation``: DUR004 captured-write-in-step (``lazy_init_targets``:
  the lazy-initialisation exemption);
- ``nondeterministic_source`` / ``check_branch``: DUR006 nondeterministic-branch;
- ``check_name``: DUR007 unstable-operation-name;
- ``check_plugin_registrations``: DUR010 plugin-not-factory, DUR011 insight-plugin-sdk3 (the SDK 3
  plugin registrations of the module, independent of the replay walk).

DUR003 durable-op-in-step is reported by the walk itself (it is where operations are recognised).
"""

from __future__ import annotations

import ast
import re
from typing import Protocol

from .. import platform as p
from . import _catalogs as catalogs
from . import rules
from ._scope import Region, call_argument, last_part, root_name


class Walk(Protocol):
    """What a check may ask of the walk (:class:`cdk_durable.lint.analyzer._Walker` provides it): the
    names in scope at the node being checked, and where to report. Nothing else of the walker."""

    @property
    def replay_guards(self) -> int:
        """Depth of ``if [not] context.is_replaying():`` blocks around the node."""
        ...

    def report(self, node: ast.AST, rule: rules.Rule, message: str) -> None: ...
    def dotted(self, node: ast.AST) -> str | None: ...
    def operation_of(self, call: ast.Call) -> str | None: ...
    def is_context(self, name: str) -> bool: ...
    def is_client(self, name: str) -> bool: ...
    def is_logger(self, name: str) -> bool: ...
    def is_outer(self, name: str) -> bool: ...
    def is_module_import(self, name: str) -> bool: ...
    def is_declared_outer(self, name: str) -> bool: ...
    def is_lazily_initialised(self, name: str) -> bool: ...
    def taint_of(self, name: str) -> str | None: ...


_WRITE_MODE = re.compile(r"[wax+]")


def check_durable_call(w: Walk, call: ast.Call, dotted: str | None) -> None:
    verdict = classify_call(w, call, dotted)
    if verdict is None:
        return
    rule, message = verdict
    if rule is rules.SIDE_EFFECT_OUTSIDE_STEP and w.replay_guards:
        return  # output under `if not context.is_replaying():` is deliberately replay-aware
    w.report(call, rule, message)


def classify_call(w: Walk, call: ast.Call, dotted: str | None) -> tuple[rules.Rule, str] | None:
    """What rule a call in the durable region breaks, if any, and the message."""
    shown = ast.unparse(call.func)
    nondeterministic = (
        rules.NONDETERMINISTIC_CALL,
        f"`{shown}()` runs outside a step and returns a different value on replay",
    )
    output = (
        rules.SIDE_EFFECT_OUTSIDE_STEP,
        f"`{shown}()` outside a step repeats on every replay; use context.logger",
    )
    write = (rules.SIDE_EFFECT_OUTSIDE_STEP, f"`{shown}()` writes outside a step and repeats on every replay")
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in catalogs.NONDETERMINISTIC_METHODS:
        return nondeterministic
    if dotted is not None:
        if _is_nondeterministic(dotted):
            return nondeterministic
        if _is_network(dotted):
            return (rules.EXTERNAL_IO, f"network call `{shown}()` outside a step repeats on every replay")
        if dotted in catalogs.PRINT_CALLS or (
            dotted.startswith("logging.") and last_part(dotted) in catalogs.LOGGING_FUNCTIONS
        ):
            return output
        if dotted in catalogs.FILE_WRITE_CALLS or (dotted == "open" and _opens_for_write(call)):
            return write
        if dotted in catalogs.ENV_READ_CALLS:
            return env_read(f"`{shown}()`", call_argument(call, 0, "key"))
    if not isinstance(func, ast.Attribute):
        return None
    root = root_name(func.value)
    if root is not None and w.is_context(root):
        return None  # context.logger.info(...) is replay-aware
    if (root is not None and w.is_client(root)) or _inline_client(w, func.value):
        return (rules.EXTERNAL_IO, f"client call `{shown}()` outside a step repeats on every replay")
    if root is not None and w.is_logger(root) and func.attr in catalogs.LOGGING_FUNCTIONS:
        return output
    if (
        func.attr in catalogs.PATH_WRITE_METHODS
        and isinstance(func.value, ast.Call)
        and last_part(w.dotted(func.value.func) or "") == "Path"
    ):
        return write
    return None


def _inline_client(w: Walk, node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (w.dotted(node.func) or "") in catalogs.CLIENT_FACTORIES


# -- step-body writes --------------------------------------------------------------------


def check_step_write(w: Walk, target: ast.AST, *, augmented: bool) -> None:
    if isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            check_step_write(w, elt, augmented=augmented)
        return
    if isinstance(target, ast.Name):
        name = target.id
        if w.is_declared_outer(name) and not w.is_lazily_initialised(name):
            w.report(
                target,
                rules.CAPTURED_WRITE_IN_STEP,
                f"step function assigns captured variable `{name}`; the write is lost on replay - "
                "return the value from the step instead",
            )
        return
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        root = root_name(target)
        if root is not None and w.is_outer(root) and not w.is_client(root):
            w.report(
                target,
                rules.CAPTURED_WRITE_IN_STEP,
                f"step function writes to captured `{root}`; the write is lost on replay - "
                "return the value from the step instead",
            )


def check_step_mutation(w: Walk, call: ast.Call) -> None:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in catalogs.MUTATING_METHODS:
        return
    root = root_name(func.value)
    if root is None or w.is_module_import(root):
        return
    if w.is_outer(root) and not w.is_client(root) and not w.is_logger(root):
        w.report(
            call,
            rules.CAPTURED_WRITE_IN_STEP,
            f"step function mutates captured `{root}` with `.{func.attr}()`; the change is lost on "
            "replay - return the value from the step instead",
        )


# -- branches and names ------------------------------------------------------------------


def nondeterministic_source(w: Walk, expr: ast.AST) -> str | None:
    """The first non-deterministic call or tainted name ``expr`` evaluates (outside steps)."""
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.Call):
            if w.operation_of(node) is not None:
                continue  # a checkpointed result is deterministic
            dotted = w.dotted(node.func)
            if (dotted is not None and _is_nondeterministic(dotted)) or (
                isinstance(node.func, ast.Attribute) and node.func.attr in catalogs.NONDETERMINISTIC_METHODS
            ):
                return f"{ast.unparse(node.func)}()"
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            taint = w.taint_of(node.id)
            if taint is not None:
                return node.id
        stack.extend(ast.iter_child_nodes(node))
    return None


def check_branch(w: Walk, test: ast.AST, node: ast.AST, region: Region) -> None:
    if region is not Region.DURABLE:
        return
    source = nondeterministic_source(w, test)
    if source is not None:
        w.report(
            node,
            rules.NONDETERMINISTIC_BRANCH,
            f"branch depends on non-deterministic `{source}`; replay can take another path",
        )


def check_name(w: Walk, expr: ast.AST | None, op: str) -> None:
    if expr is None or isinstance(expr, ast.Constant):
        return
    source = nondeterministic_source(w, expr)
    if source is not None:
        w.report(
            expr, rules.UNSTABLE_OPERATION_NAME, f"`{op}` name is built from non-deterministic `{source}`"
        )
        return
    for node in ast.walk(expr):
        if isinstance(node, ast.Call):
            callee = ast.unparse(node.func)
            if last_part(callee) not in catalogs.NAME_SAFE_CALLS:
                w.report(
                    expr,
                    rules.UNSTABLE_OPERATION_NAME,
                    f"`{op}` name is computed by `{callee}()`, not a stable literal",
                )
                return


# --- predicates ---------------------------------------------------------------------------------


def _is_nondeterministic(dotted: str) -> bool:
    if dotted in catalogs.NONDETERMINISTIC_CALLS:
        return True
    if dotted in catalogs.DETERMINISTIC_EXCEPTIONS:
        return False
    return any(dotted.startswith(module + ".") for module in catalogs.NONDETERMINISTIC_MODULES)


def _is_network(dotted: str) -> bool:
    if dotted in catalogs.NETWORK_CALLS:
        return True
    module, _, verb = dotted.rpartition(".")
    return module in catalogs.HTTP_MODULES and verb in catalogs.HTTP_VERBS


def env_read(shown: str, key: ast.AST | None) -> tuple[rules.Rule, str]:
    """DUR008 for a variable that changes per invocation or sandbox, DUR009 for configuration."""
    if isinstance(key, ast.Constant) and key.value in catalogs.VOLATILE_ENV_VARS:
        return (
            rules.VOLATILE_ENVIRONMENT_READ,
            f"{shown} changes per invocation or sandbox; read outside a step it differs on replay",
        )
    return (
        rules.ENVIRONMENT_READ,
        f"{shown} reads configuration outside a step; pin executions to a version or read it in a step",
    )


def _opens_for_write(call: ast.Call) -> bool:
    mode = call_argument(call, 1, "mode")
    return (
        isinstance(mode, ast.Constant)
        and isinstance(mode.value, str)
        and bool(_WRITE_MODE.search(mode.value))
    )


def lazy_init_targets(test: ast.AST) -> set[str]:
    """Names tested for emptiness (``x is None``, ``not x``): a write under it is lazy init."""
    names: set[str] = set()
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name):
        for op, comp in zip(test.ops, test.comparators, strict=False):
            if isinstance(op, (ast.Is, ast.Eq)) and isinstance(comp, ast.Constant) and comp.value is None:
                names.add(test.left.id)
    elif (
        isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name)
    ):
        names.add(test.operand.id)
    elif isinstance(test, ast.BoolOp):
        for value in test.values:
            names |= lazy_init_targets(value)
    return names


def check_plugin_registrations(w: Walk, tree: ast.Module) -> None:
    """DUR010 / DUR011 over the whole module: imports of the insight plugin, and each entry of a
    ``durable_execution(plugins=[...])`` list that is a class or a plugin instance (not a factory)."""
    classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(m == p.INSIGHT_MODULE or m.startswith(p.INSIGHT_MODULE + ".") for m in modules):
                w.report(
                    node, rules.INSIGHT_PLUGIN_SDK3, f"{p.INSIGHT_MODULE} 0.0.1 does not load under SDK 3"
                )
        if not isinstance(node, ast.Call) or last_part(w.dotted(node.func) or "") != "durable_execution":
            continue
        plugins = next((k.value for k in node.keywords if k.arg == "plugins"), None)
        if not isinstance(plugins, (ast.List, ast.Tuple)):
            continue
        for entry in plugins.elts:
            why = _not_a_factory(w, entry, classes)
            if why:
                w.report(entry, rules.PLUGIN_NOT_FACTORY, f"plugins= entry {ast.unparse(entry)!r} is {why}")


def _not_a_factory(w: Walk, entry: ast.AST, classes: set[str]) -> str | None:
    """Why ``entry`` is not a plugin factory, or ``None`` when it may be one."""
    if isinstance(entry, ast.Call):
        name = last_part(w.dotted(entry.func) or "")
        if name.endswith("Plugin") and name[:1].isupper():
            return f"an instance of the plugin class {name} (pass its factory, {name}Factory())"
        return None
    if isinstance(entry, (ast.Name, ast.Attribute)):
        name = last_part(w.dotted(entry) or "")
        # A CamelCase name is a class (defined here or imported); UPPER_CASE and lower_case are values.
        is_class = name in classes or (name[:1].isupper() and not name.isupper() and "_" not in name)
        if is_class:
            return f"the class {name}, not a factory instance (call it: {name}())"
    return None
