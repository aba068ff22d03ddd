"""What the linter knows before it checks anything: the SDK's API shape (which operations take a
callable, and which region that callable runs in), the module's imports and top-level bindings,
and per-function frames (locals, clients, loggers, tainted names). No rule lives here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..platform import PYTHON_CONTEXT_OPERATIONS, PYTHON_SDK_MODULE
from . import _catalogs as catalogs


class Region(Enum):
    DURABLE = "durable"
    STEP = "step"


CONTEXT_OPERATIONS = frozenset(PYTHON_CONTEXT_OPERATIONS)
#: Positional index of each operation's callable argument and keyword name; the region it runs in.
CALLABLE_ARG: dict[str, tuple[int, str, Region]] = {
    "step": (0, "func", Region.STEP),
    "wait_for_callback": (0, "submitter", Region.STEP),
    "wait_for_condition": (0, "check", Region.STEP),
    "run_in_child_context": (0, "func", Region.DURABLE),
    "map": (1, "func", Region.DURABLE),
    "parallel": (0, "functions", Region.DURABLE),
    "with_retry": (1, "func", Region.DURABLE),
}
#: Positional index of each operation's ``name`` argument.
NAME_ARG: dict[str, int] = {
    "step": 1,
    "wait": 1,
    "create_callback": 0,
    "wait_for_callback": 1,
    "wait_for_condition": 2,
    "invoke": 2,
    "map": 2,
    "parallel": 1,
    "run_in_child_context": 1,
    "with_retry": 3,
}
#: Decorators whose function body runs in a given region (the call only builds a callable).
_DEFERRED_DECORATORS: dict[str, Region] = {
    "durable_step": Region.STEP,
    "durable_wait_for_callback": Region.STEP,
    "durable_with_child_context": Region.DURABLE,
    "durable_parallel_branch": Region.DURABLE,
}
#: Step-like decorators: how many leading parameters the SDK passes (the rest the caller binds).
BOUND_BY_CALLER: dict[str, int] = {"durable_step": 1, "durable_wait_for_callback": 2}
HANDLER_DECORATOR = "durable_execution"
_CONTEXT_TYPE = "DurableContext"
MAX_DEPTH = 8


def is_durable_source(source: str) -> bool:
    """Cheap pre-filter: only files that use the durable SDK are analyzed."""
    return PYTHON_SDK_MODULE in source or HANDLER_DECORATOR in source or _CONTEXT_TYPE in source


# --- module facts ---------------------------------------------------------------------------


def dotted_name(node: ast.AST, aliases: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def last_part(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def decorator_names(fn: ast.FunctionDef | ast.AsyncFunctionDef, aliases: dict[str, str]) -> list[str]:
    names = []
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        dotted = dotted_name(target, aliases)
        if dotted:
            names.append(last_part(dotted))
    return names


def decorator_region_name(fn: ast.AST, aliases: dict[str, str]) -> str | None:
    """The SDK decorator (``durable_step``, ...) that defers ``fn``, if any."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    return next((n for n in decorator_names(fn, aliases) if n in _DEFERRED_DECORATORS), None)


def deferred_region(fn: ast.AST, aliases: dict[str, str]) -> Region | None:
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for name in decorator_names(fn, aliases):
        if name in _DEFERRED_DECORATORS:
            return _DEFERRED_DECORATORS[name]
    return None


def parameters_of(fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[ast.arg]:
    a = fn.args
    out = [*a.posonlyargs, *a.args]
    if a.vararg:
        out.append(a.vararg)
    out.extend(a.kwonlyargs)
    if a.kwarg:
        out.append(a.kwarg)
    return out


def is_context_annotation(arg: ast.arg) -> bool:
    ann = arg.annotation
    if ann is None:
        return False
    text = ann.value if isinstance(ann, ast.Constant) and isinstance(ann.value, str) else ast.unparse(ann)
    return _CONTEXT_TYPE in text


def looks_like_context(name: str) -> bool:
    lowered = name.lower()
    return "ctx" in lowered or "context" in lowered


class ModuleFacts:
    def __init__(self, tree: ast.Module) -> None:
        self.aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.aliases[a.asname] = a.name
                    else:
                        root = a.name.split(".")[0]
                        self.aliases[root] = root
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.names: set[str] = set()
        self.clients: set[str] = set()
        self.loggers: set[str] = set()
        self.contexts: set[str] = set()
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[stmt.name] = stmt
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                self.names.update(names)
                kind = self.value_kind(stmt.value, self.clients, self.loggers)
                if kind == "client":
                    self.clients.update(names)
                elif kind == "logger":
                    self.loggers.update(names)

    def value_kind(self, value: ast.AST, clients: set[str], loggers: set[str]) -> str | None:
        """'client' or 'logger' when ``value`` builds (or derives from) one."""
        if not isinstance(value, ast.Call):
            return None
        dotted = dotted_name(value.func, self.aliases)
        if dotted in catalogs.CLIENT_FACTORIES:
            return "client"
        if dotted in catalogs.LOGGER_FACTORIES:
            return "logger"
        root = root_name(value.func)
        if root is not None and root in clients:
            return "client"  # session.client("s3"), dynamodb.Table("orders")
        if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Call):
            return self.value_kind(value.func.value, clients, loggers)
        return None


# --- per-function frames ----------------------------------------------------------------------


@dataclass
class Frame:
    locals: set[str] = field(default_factory=set)
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    values: dict[str, ast.expr] = field(default_factory=dict)
    declared_outer: set[str] = field(default_factory=set)
    contexts: set[str] = field(default_factory=set)
    clients: set[str] = field(default_factory=set)
    loggers: set[str] = field(default_factory=set)
    tainted: dict[str, str] = field(default_factory=dict)
    #: The first frame of a step body: names bound outside it are captured state.
    boundary: bool = False
    #: Parameters of a ``@durable_step`` function bound by the caller in the durable region: the
    #: objects belong to the handler, so mutating them is a captured write.
    captured_params: set[str] = field(default_factory=set)


def scan_body(body: Sequence[ast.stmt], frame: Frame) -> None:
    """Record what a function body binds, without entering nested functions."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            frame.defs.setdefault(node.name, node)
            frame.locals.add(node.name)
            continue
        if isinstance(node, ast.ClassDef):
            frame.locals.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            frame.declared_outer.update(node.names)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            frame.locals.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                frame.locals.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            frame.locals.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    for stmt in _flat_statements(body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            frame.values[stmt.targets[0].id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
            frame.values[stmt.target.id] = stmt.value
    frame.locals -= frame.declared_outer


def _flat_statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a body in source order, including those in if/for/with/try blocks."""
    for stmt in body:
        yield stmt
        for attr in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, attr, None)
            if isinstance(inner, list) and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from _flat_statements(inner)
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _flat_statements(handler.body)


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


# --- shared helpers -----------------------------------------------------------------------------


def call_argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if 0 <= index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None
