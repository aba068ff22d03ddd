"""The AST walk: which code runs in the durable region, which runs inside a step, and what it does.

A durable handler has two kinds of code:

* the **durable region** - the handler body, child-context functions (``run_in_child_context``,
  ``map`` and ``parallel`` branches, ``with_retry`` blocks, ``@durable_with_child_context``,
  ``@durable_parallel_branch``). It re-runs on every replay, so it must be deterministic and free of
  side effects; durable operations are allowed here.
* **step-like bodies** - ``context.step`` functions, ``@durable_step`` functions, ``wait_for_callback``
  submitters and ``wait_for_condition`` checks. They run once and their result is checkpointed, so
  non-determinism and side effects are fine, but durable operations and writes to captured state
  are not.

The walker starts from the handler (and any other function the SDK marks as durable code), follows
callables passed to durable operations into the region the SDK runs them in, and follows calls to
helper functions defined in the same file (the region travels with the call).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..platform import PYTHON_CONTEXT_OPERATIONS, PYTHON_SDK_MODULE
from . import rules as R


@dataclass(frozen=True, order=True)
class Finding:
    """One violation. ``line`` and ``col`` are 1-based, like ruff's output."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"
    end_line: int | None = None
    end_col: int | None = None


class Region(Enum):
    DURABLE = "durable"
    STEP = "step"


_CONTEXT_OPERATIONS = frozenset(PYTHON_CONTEXT_OPERATIONS)
#: Positional index of each operation's callable argument and keyword name; the region it runs in.
_CALLABLE_ARG: dict[str, tuple[int, str, Region]] = {
    "step": (0, "func", Region.STEP),
    "wait_for_callback": (0, "submitter", Region.STEP),
    "wait_for_condition": (0, "check", Region.STEP),
    "run_in_child_context": (0, "func", Region.DURABLE),
    "map": (1, "func", Region.DURABLE),
    "parallel": (0, "functions", Region.DURABLE),
    "with_retry": (1, "func", Region.DURABLE),
}
#: Positional index of each operation's ``name`` argument.
_NAME_ARG: dict[str, int] = {
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
_BOUND_BY_CALLER: dict[str, int] = {"durable_step": 1, "durable_wait_for_callback": 2}
_HANDLER_DECORATOR = "durable_execution"
_CONTEXT_TYPE = "DurableContext"
_MAX_DEPTH = 8
_WRITE_MODE = re.compile(r"[wax+]")


def is_durable_source(source: str) -> bool:
    """Cheap pre-filter: only files that use the durable SDK are analysed."""
    return PYTHON_SDK_MODULE in source or _HANDLER_DECORATOR in source or _CONTEXT_TYPE in source


# --- suppression comments -------------------------------------------------------------------

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*))?", re.IGNORECASE)
_DURABLE_IGNORE = re.compile(r"#\s*durable:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
ALL_CODES = "*"


def suppressions(source: str) -> dict[int, set[str]]:
    """Map line number -> suppressed codes (``{"*"}`` for a bare ``# noqa``)."""
    out: dict[int, set[str]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" not in line:
            continue
        for pattern in (_NOQA, _DURABLE_IGNORE):
            for match in pattern.finditer(line):
                codes = match.group("codes")
                found = {c.upper() for c in re.split(r"[\s,]+", codes) if c} if codes else {ALL_CODES}
                out.setdefault(number, set()).update(found)
    return out


# --- module facts ---------------------------------------------------------------------------


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def _decorator_names(fn: ast.FunctionDef | ast.AsyncFunctionDef, aliases: dict[str, str]) -> list[str]:
    names = []
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        dotted = _dotted(target, aliases)
        if dotted:
            names.append(_last(dotted))
    return names


def _decorator_region_name(fn: ast.AST, aliases: dict[str, str]) -> str | None:
    """The SDK decorator (``durable_step``, ...) that defers ``fn``, if any."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    return next((n for n in _decorator_names(fn, aliases) if n in _DEFERRED_DECORATORS), None)


def _deferred_region(fn: ast.AST, aliases: dict[str, str]) -> Region | None:
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for name in _decorator_names(fn, aliases):
        if name in _DEFERRED_DECORATORS:
            return _DEFERRED_DECORATORS[name]
    return None


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[ast.arg]:
    a = fn.args
    out = [*a.posonlyargs, *a.args]
    if a.vararg:
        out.append(a.vararg)
    out.extend(a.kwonlyargs)
    if a.kwarg:
        out.append(a.kwarg)
    return out


def _is_context_annotation(arg: ast.arg) -> bool:
    ann = arg.annotation
    if ann is None:
        return False
    text = ann.value if isinstance(ann, ast.Constant) and isinstance(ann.value, str) else ast.unparse(ann)
    return _CONTEXT_TYPE in text


def _looks_like_context(name: str) -> bool:
    lowered = name.lower()
    return "ctx" in lowered or "context" in lowered


class _Module:
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
        dotted = _dotted(value.func, self.aliases)
        if dotted in R.CLIENT_FACTORIES:
            return "client"
        if dotted in R.LOGGER_FACTORIES:
            return "logger"
        root = _root_name(value.func)
        if root is not None and root in clients:
            return "client"  # session.client("s3"), dynamodb.Table("orders")
        if isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Call):
            return self.value_kind(value.func.value, clients, loggers)
        return None


# --- per-function frames ----------------------------------------------------------------------


@dataclass
class _Frame:
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


def _scan_body(body: Sequence[ast.stmt], frame: _Frame) -> None:
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


class _Walker:
    def __init__(self, path: str, module: _Module) -> None:
        self.path = path
        self.m = module
        self.findings: dict[tuple[int, int, str], Finding] = {}
        self.frames: list[_Frame] = []
        self.walked: set[tuple[int, Region]] = set()
        self.via: list[str] = []
        self.lazy_guards: list[set[str]] = []
        #: Depth of ``if [not] context.is_replaying():`` blocks being walked.
        self.replay_guards = 0
        #: Durable operations seen while walking the current durable entry point (``None``: not
        #: counting). An entry that performs none never suspends, so it never replays: its replay
        #: findings (``pending``) are dropped.
        self.entry_operations: int | None = None
        self.pending: list[tuple[ast.AST, R.Rule, str]] = []

    # -- reporting ---------------------------------------------------------------------------

    def report(self, node: ast.AST, rule: R.Rule, message: str) -> None:
        if self.via:
            message += " (reached through " + " -> ".join(f"{n}()" for n in self.via) + ")"
        if self.entry_operations is not None and rule.code in R.REPLAY_CODES:
            self.pending.append((node, rule, message))  # kept only if the entry has an operation
            return
        self._record(node, rule, message)

    def _record(self, node: ast.AST, rule: R.Rule, message: str) -> None:
        code = rule.code
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0) + 1
        end_col: int | None = getattr(node, "end_col_offset", None)
        key = (line, col, code)
        if key not in self.findings:
            self.findings[key] = Finding(
                path=self.path,
                line=line,
                col=col,
                code=code,
                message=message,
                severity=rule.severity.value,
                end_line=getattr(node, "end_lineno", None),
                end_col=None if end_col is None else end_col + 1,
            )

    # -- name resolution ---------------------------------------------------------------------

    def dotted(self, node: ast.AST) -> str | None:
        # A local binding shadows an import of the same name.
        if isinstance(node, ast.Name) and self._binding_frame(node.id) is not None:
            return node.id
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return _dotted(node, self.m.aliases)

    def _binding_frame(self, name: str) -> int | None:
        for i in range(len(self.frames) - 1, -1, -1):
            if name in self.frames[i].locals:
                return i
        return None

    def _frame_attr_has(self, attr: str, name: str) -> bool:
        idx = self._binding_frame(name)
        if idx is None:
            return name in getattr(self.m, attr)
        return name in getattr(self.frames[idx], attr)

    def is_context(self, name: str) -> bool:
        return self._frame_attr_has("contexts", name) or _looks_like_context(name)

    def is_client(self, name: str) -> bool:
        return self._frame_attr_has("clients", name)

    def is_logger(self, name: str) -> bool:
        return self._frame_attr_has("loggers", name)

    def taint_of(self, name: str) -> str | None:
        idx = self._binding_frame(name)
        return None if idx is None else self.frames[idx].tainted.get(name)

    def is_outer(self, name: str) -> bool:
        """Is ``name`` bound outside the innermost step body (captured or module state)?"""
        boundary = max((i for i, f in enumerate(self.frames) if f.boundary), default=0)
        idx = self._binding_frame(name)
        if idx is not None:
            return idx < boundary or name in self.frames[idx].captured_params
        return (
            name in self.m.names
            or name in self.m.functions
            or any(name in f.declared_outer for f in self.frames[boundary:])
        )

    # -- entry points ------------------------------------------------------------------------

    def walk_module(self, tree: ast.Module) -> None:
        entries: list[tuple[int, ast.FunctionDef | ast.AsyncFunctionDef, Region, int | None]] = []
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            params = _params(node)
            decorators = _decorator_names(node, self.m.aliases)
            annotated = next((i for i, p in enumerate(params) if _is_context_annotation(p)), None)
            if _HANDLER_DECORATOR in decorators:
                ctx_index = annotated if annotated is not None else 1
                entries.append((0, node, Region.DURABLE, ctx_index))
                continue
            region = _deferred_region(node, self.m.aliases)
            if region is Region.DURABLE:
                entries.append((1, node, region, annotated if annotated is not None else 0))
            elif region is Region.STEP:
                entries.append((1, node, region, None))
            elif annotated is not None:
                entries.append((2, node, Region.DURABLE, annotated))
        for _, entry, entry_region, entry_ctx in sorted(entries, key=lambda e: e[0]):
            self.frames = []
            counting = entry_region is Region.DURABLE
            self.entry_operations, self.pending = (0 if counting else None), []
            self.walk_function(
                entry, entry_region, context_index=entry_ctx, boundary=entry_region is Region.STEP
            )
            if self.entry_operations:
                for node, rule, message in self.pending:
                    self._record(node, rule, message)
            self.entry_operations, self.pending = None, []

    def walk_function(
        self,
        fn: FunctionNode,
        region: Region,
        *,
        context_index: int | None = None,
        boundary: bool = False,
    ) -> None:
        key = (id(fn), region)
        if key in self.walked or len(self.via) > _MAX_DEPTH:
            return
        self.walked.add(key)
        frame = _Frame(boundary=boundary)
        params = _params(fn)
        frame.locals.update(p.arg for p in params)
        for i, p in enumerate(params):
            if i == context_index or _is_context_annotation(p):
                frame.contexts.add(p.arg)
        bound_by_caller = _BOUND_BY_CALLER.get(_decorator_region_name(fn, self.m.aliases) or "")
        if region is Region.STEP and bound_by_caller is not None and not isinstance(fn, ast.Lambda):
            rebound = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            frame.captured_params = {p.arg for p in params[bound_by_caller:]} - rebound - frame.contexts
        self.frames.append(frame)
        try:
            if isinstance(fn, ast.Lambda):
                self.visit(fn.body, region)
            else:
                _scan_body(fn.body, frame)
                for stmt in fn.body:
                    self.visit(stmt, region)
        finally:
            self.frames.pop()

    def walk_callable(self, expr: ast.AST, region: Region, *, context_first: bool, depth: int = 0) -> None:
        """Walk the function(s) an expression passed to a durable operation evaluates to."""
        if depth > 4:
            return
        ctx_index = 0 if context_first else None
        boundary = region is Region.STEP
        if isinstance(expr, ast.Lambda):
            self.walk_function(expr, region, context_index=ctx_index, boundary=boundary)
        elif isinstance(expr, (ast.List, ast.Tuple)):
            for elt in expr.elts:
                self.walk_callable(elt, region, context_first=context_first, depth=depth + 1)
        elif isinstance(expr, ast.Name):
            resolved = self.resolve_name(expr.id)
            if resolved is None:
                return
            target, frames = resolved
            if isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._walk_def(target, frames, _deferred_region(target, self.m.aliases) or region, ctx_index)
            else:
                self.walk_callable(target, region, context_first=context_first, depth=depth + 1)
        elif isinstance(expr, ast.Call):
            callee = self.dotted(expr.func) or ""
            if _last(callee) == "ParallelBranch":
                func = _arg(expr, 0, "func")
                self.check_name(_arg(expr, 1, "name"), "ParallelBranch")
                if func is not None:
                    self.walk_callable(func, region, context_first=context_first, depth=depth + 1)
                return
            if callee in ("functools.partial", "partial") and expr.args:
                self.walk_callable(expr.args[0], region, context_first=context_first, depth=depth + 1)
                return
            if isinstance(expr.func, ast.Name):
                resolved = self.resolve_name(expr.func.id)
                if resolved is not None and isinstance(resolved[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
                    target = resolved[0]
                    deferred = _deferred_region(target, self.m.aliases)
                    if deferred is not None:
                        ctx = 0 if deferred is Region.DURABLE else None
                        self._walk_def(target, resolved[1], deferred, ctx)

    def _walk_def(
        self,
        target: ast.FunctionDef | ast.AsyncFunctionDef,
        frames: list[_Frame],
        region: Region,
        ctx_index: int | None,
    ) -> None:
        saved = self.frames
        self.frames = frames
        try:
            self.walk_function(target, region, context_index=ctx_index, boundary=region is Region.STEP)
        finally:
            self.frames = saved

    def resolve_name(self, name: str) -> tuple[ast.AST, list[_Frame]] | None:
        for i in range(len(self.frames) - 1, -1, -1):
            frame = self.frames[i]
            if name in frame.defs:
                return frame.defs[name], self.frames[: i + 1]
            if name in frame.values:
                return frame.values[name], self.frames[: i + 1]
            if name in frame.locals:
                return None
        fn = self.m.functions.get(name)
        return (fn, []) if fn is not None else None

    # -- visiting ----------------------------------------------------------------------------

    def visit(self, node: ast.AST, region: Region) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return  # deferred: analysed where it is called or passed to an operation
        if isinstance(node, ast.Call):
            self.visit_call(node, region)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.visit_assign(node, region)
        elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
            self.check_branch(node.test, node, region)
            if isinstance(node, ast.If):
                guard = int(self.is_replay_check(node.test))
                self.replay_guards += guard
                self.visit(node.test, region)
                self.lazy_guards.append(_lazy_init_targets(node.test))
                for stmt in node.body:
                    self.visit(stmt, region)
                self.lazy_guards.pop()
                for stmt in node.orelse:
                    self.visit(stmt, region)
                self.replay_guards -= guard
                return
        elif isinstance(node, ast.Match):
            self.check_branch(node.subject, node, region)
        elif isinstance(node, (ast.With, ast.AsyncWith)) and self.frames:
            # `with requests.Session() as http:` binds a client like an assignment does.
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    kind = self.m.value_kind(
                        item.context_expr, _union(self, "clients"), _union(self, "loggers")
                    )
                    if kind == "client":
                        self.frames[-1].clients.add(item.optional_vars.id)
        elif isinstance(node, (ast.For, ast.AsyncFor)) and region is Region.DURABLE and self.frames:
            # `for x in random.sample(...)`: the loop variable carries the non-determinism.
            source = self.nondeterministic_source(node.iter)
            if source is not None:
                for name in ast.walk(node.target):
                    if isinstance(name, ast.Name):
                        self.frames[-1].tainted[name.id] = source
        elif (
            isinstance(node, ast.Subscript)
            and region is Region.DURABLE
            and isinstance(node.ctx, ast.Load)
            and self.dotted(node.value) == R.ENV_MAPPING
        ):
            self.report(node, *_env_read(f"`{ast.unparse(node)}`", node.slice))
        for child in ast.iter_child_nodes(node):
            self.visit(child, region)

    def visit_assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign, region: Region) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if region is Region.STEP:
            for t in targets:
                self.check_step_write(t, augmented=isinstance(node, ast.AugAssign))
        if node.value is None or not self.frames:
            return
        frame = self.frames[-1]
        names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        kind = self.m.value_kind(node.value, _union(self, "clients"), _union(self, "loggers"))
        if kind == "client":
            frame.clients.update(names)
        elif kind == "logger":
            frame.loggers.update(names)
        if region is Region.DURABLE:
            source = self.nondeterministic_source(node.value)
            for name in names:
                if source is not None:
                    frame.tainted[name] = source
                elif not isinstance(node, ast.AugAssign):
                    frame.tainted.pop(name, None)

    # -- calls -------------------------------------------------------------------------------

    def operation_of(self, call: ast.Call) -> str | None:
        """The durable operation a call performs (``step``, ``map``, ``with_retry`` ...), if any."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _CONTEXT_OPERATIONS:
            receiver = func.value
            if isinstance(receiver, ast.Name) and self.is_context(receiver.id):
                return func.attr
            if isinstance(receiver, ast.Attribute) and _looks_like_context(receiver.attr):
                return func.attr
            return None
        dotted = self.dotted(func) or ""
        if dotted.startswith(PYTHON_SDK_MODULE) and _last(dotted) == "with_retry":
            return "with_retry"
        return None

    def visit_call(self, call: ast.Call, region: Region) -> None:
        op = self.operation_of(call)
        if op is not None:
            if self.entry_operations is not None:
                self.entry_operations += 1
            if region is Region.STEP:
                self.report(
                    call,
                    R.DURABLE_OP_IN_STEP,
                    f"durable operation `{ast.unparse(call.func)}()` inside a step function; "
                    "use run_in_child_context to group operations",
                )
            else:
                if self.replay_guards:
                    self.report(
                        call,
                        R.NONDETERMINISTIC_BRANCH,
                        f"durable operation `{ast.unparse(call.func)}()` under a `context.is_replaying()` "
                        "branch; the operation sequence differs on replay",
                    )
                self.visit_operation(call, op)
                return
        dotted = self.dotted(call.func)
        if region is Region.DURABLE and op is None:
            self.check_durable_call(call, dotted)
        elif region is Region.STEP:
            self.check_step_mutation(call)
        self.follow_helper(call, region)
        deferred_args = dotted is not None and (
            dotted.startswith(PYTHON_SDK_MODULE) or _last(dotted) == "ParallelBranch"
        )
        self.visit(call.func, region)
        for arg in [*call.args, *(kw.value for kw in call.keywords)]:
            if isinstance(arg, ast.Lambda):
                if not deferred_args:  # sorted(key=...), map(fn, ...): runs right here
                    self.walk_function(arg, region)
            else:
                self.visit(arg, region)

    def visit_operation(self, call: ast.Call, op: str) -> None:
        name_expr = _arg(call, _NAME_ARG.get(op, -1), "name")
        self.check_name(name_expr, op)
        body: ast.AST | None = None
        if op in _CALLABLE_ARG:
            index, keyword, body_region = _CALLABLE_ARG[op]
            body = _arg(call, index, keyword)
        for arg in [*call.args, *(kw.value for kw in call.keywords)]:
            if arg is not body and arg is not name_expr:
                self.visit(arg, Region.DURABLE)
        if isinstance(call.func, ast.Attribute):
            self.visit(call.func.value, Region.DURABLE)
        if body is not None:
            context_first = body_region is Region.DURABLE
            self.walk_callable(body, body_region, context_first=context_first)

    def follow_helper(self, call: ast.Call, region: Region) -> None:
        """Follow a call into a function defined in this file; the region travels with the call."""
        if not isinstance(call.func, ast.Name):
            return
        resolved = self.resolve_name(call.func.id)
        if resolved is None:
            return
        target, frames = resolved
        if not isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        if _deferred_region(target, self.m.aliases) is not None:
            return  # calling it only builds the callable
        if _HANDLER_DECORATOR in _decorator_names(target, self.m.aliases):
            return
        saved = self.frames
        self.frames = frames
        self.via.append(target.name)
        try:
            boundary = region is Region.STEP and not frames
            ctx_index = next((i for i, p in enumerate(_params(target)) if _is_context_annotation(p)), None)
            self.walk_function(target, region, context_index=ctx_index, boundary=boundary)
        finally:
            self.via.pop()
            self.frames = saved

    def is_replay_check(self, test: ast.AST) -> bool:
        """``context.is_replaying()`` or ``not context.is_replaying()``: a deliberate replay guard."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        return (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Attribute)
            and test.func.attr == "is_replaying"
        )

    def check_durable_call(self, call: ast.Call, dotted: str | None) -> None:
        verdict = self.classify_call(call, dotted)
        if verdict is None:
            return
        rule, message = verdict
        if rule is R.SIDE_EFFECT_OUTSIDE_STEP and self.replay_guards:
            return  # output under `if not context.is_replaying():` is deliberately replay-aware
        self.report(call, rule, message)

    def classify_call(self, call: ast.Call, dotted: str | None) -> tuple[R.Rule, str] | None:
        """What rule a call in the durable region breaks, if any, and the message."""
        shown = ast.unparse(call.func)
        nondeterministic = (
            R.NONDETERMINISTIC_CALL,
            f"`{shown}()` runs outside a step and returns a different value on replay",
        )
        output = (
            R.SIDE_EFFECT_OUTSIDE_STEP,
            f"`{shown}()` outside a step repeats on every replay; use context.logger",
        )
        write = (R.SIDE_EFFECT_OUTSIDE_STEP, f"`{shown}()` writes outside a step and repeats on every replay")
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in R.NONDETERMINISTIC_METHODS:
            return nondeterministic
        if dotted is not None:
            if _is_nondeterministic(dotted):
                return nondeterministic
            if _is_network(dotted):
                return (R.EXTERNAL_IO, f"network call `{shown}()` outside a step repeats on every replay")
            if dotted in R.PRINT_CALLS or (
                dotted.startswith("logging.") and _last(dotted) in R.LOGGING_FUNCTIONS
            ):
                return output
            if dotted in R.FILE_WRITE_CALLS or (dotted == "open" and _opens_for_write(call)):
                return write
            if dotted in R.ENV_READ_CALLS:
                return _env_read(f"`{shown}()`", _arg(call, 0, "key"))
        if not isinstance(func, ast.Attribute):
            return None
        root = _root_name(func.value)
        if root is not None and self.is_context(root):
            return None  # context.logger.info(...) is replay-aware
        if (root is not None and self.is_client(root)) or self._inline_client(func.value):
            return (R.EXTERNAL_IO, f"client call `{shown}()` outside a step repeats on every replay")
        if root is not None and self.is_logger(root) and func.attr in R.LOGGING_FUNCTIONS:
            return output
        if (
            func.attr in R.PATH_WRITE_METHODS
            and isinstance(func.value, ast.Call)
            and _last(self.dotted(func.value.func) or "") == "Path"
        ):
            return write
        return None

    def _inline_client(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and (self.dotted(node.func) or "") in R.CLIENT_FACTORIES

    # -- step-body writes --------------------------------------------------------------------

    def check_step_write(self, target: ast.AST, *, augmented: bool) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.check_step_write(elt, augmented=augmented)
            return
        if isinstance(target, ast.Name):
            name = target.id
            declared = any(name in f.declared_outer for f in self.frames)
            if declared and not any(name in guard for guard in self.lazy_guards):
                self.report(
                    target,
                    R.CAPTURED_WRITE_IN_STEP,
                    f"step function assigns captured variable `{name}`; the write is lost on replay - "
                    "return the value from the step instead",
                )
            return
        if isinstance(target, (ast.Subscript, ast.Attribute)):
            root = _root_name(target)
            if root is not None and self.is_outer(root) and not self.is_client(root):
                self.report(
                    target,
                    R.CAPTURED_WRITE_IN_STEP,
                    f"step function writes to captured `{root}`; the write is lost on replay - "
                    "return the value from the step instead",
                )

    def check_step_mutation(self, call: ast.Call) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in R.MUTATING_METHODS:
            return
        root = _root_name(func.value)
        if root is None or (root in self.m.aliases and self._binding_frame(root) is None):
            return
        if self.is_outer(root) and not self.is_client(root) and not self.is_logger(root):
            self.report(
                call,
                R.CAPTURED_WRITE_IN_STEP,
                f"step function mutates captured `{root}` with `.{func.attr}()`; the change is lost on "
                "replay - return the value from the step instead",
            )

    # -- branches and names ------------------------------------------------------------------

    def nondeterministic_source(self, expr: ast.AST) -> str | None:
        """The first non-deterministic call or tainted name ``expr`` evaluates (outside steps)."""
        stack: list[ast.AST] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(node, ast.Call):
                if self.operation_of(node) is not None:
                    continue  # a checkpointed result is deterministic
                dotted = self.dotted(node.func)
                if (dotted is not None and _is_nondeterministic(dotted)) or (
                    isinstance(node.func, ast.Attribute) and node.func.attr in R.NONDETERMINISTIC_METHODS
                ):
                    return f"{ast.unparse(node.func)}()"
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                taint = self.taint_of(node.id)
                if taint is not None:
                    return node.id
            stack.extend(ast.iter_child_nodes(node))
        return None

    def check_branch(self, test: ast.AST, node: ast.AST, region: Region) -> None:
        if region is not Region.DURABLE:
            return
        source = self.nondeterministic_source(test)
        if source is not None:
            self.report(
                node,
                R.NONDETERMINISTIC_BRANCH,
                f"branch depends on non-deterministic `{source}`; replay can take another path",
            )

    def check_name(self, expr: ast.AST | None, op: str) -> None:
        if expr is None or isinstance(expr, ast.Constant):
            return
        source = self.nondeterministic_source(expr)
        if source is not None:
            self.report(
                expr, R.UNSTABLE_OPERATION_NAME, f"`{op}` name is built from non-deterministic `{source}`"
            )
            return
        for node in ast.walk(expr):
            if isinstance(node, ast.Call):
                callee = ast.unparse(node.func)
                if _last(callee) not in R.NAME_SAFE_CALLS:
                    self.report(
                        expr,
                        R.UNSTABLE_OPERATION_NAME,
                        f"`{op}` name is computed by `{callee}()`, not a stable literal",
                    )
                    return


# --- helpers ----------------------------------------------------------------------------------


def _union(walker: _Walker, attr: str) -> set[str]:
    out: set[str] = set(getattr(walker.m, attr))
    for frame in walker.frames:
        out |= getattr(frame, attr)
    return out


def _arg(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if 0 <= index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None


def _is_nondeterministic(dotted: str) -> bool:
    if dotted in R.NONDETERMINISTIC_CALLS:
        return True
    if dotted in R.DETERMINISTIC_EXCEPTIONS:
        return False
    return any(dotted.startswith(module + ".") for module in R.NONDETERMINISTIC_MODULES)


def _is_network(dotted: str) -> bool:
    if dotted in R.NETWORK_CALLS:
        return True
    module, _, verb = dotted.rpartition(".")
    return module in R.HTTP_MODULES and verb in R.HTTP_VERBS


def _env_read(shown: str, key: ast.AST | None) -> tuple[R.Rule, str]:
    """DUR008 for a variable that changes per invocation or sandbox, DUR009 for configuration."""
    if isinstance(key, ast.Constant) and key.value in R.VOLATILE_ENV_VARS:
        return (
            R.VOLATILE_ENVIRONMENT_READ,
            f"{shown} changes per invocation or sandbox; read outside a step it differs on replay",
        )
    return (
        R.ENVIRONMENT_READ,
        f"{shown} reads configuration outside a step; pin executions to a version or read it in a step",
    )


def _opens_for_write(call: ast.Call) -> bool:
    mode = _arg(call, 1, "mode")
    return (
        isinstance(mode, ast.Constant)
        and isinstance(mode.value, str)
        and bool(_WRITE_MODE.search(mode.value))
    )


def _lazy_init_targets(test: ast.AST) -> set[str]:
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
            names |= _lazy_init_targets(value)
    return names


def analyse(source: str, path: str) -> list[Finding]:
    """All findings for one file's source, before suppression and selection."""
    if not is_durable_source(source):
        return []
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [
            Finding(
                path=path,
                line=exc.lineno or 1,
                col=exc.offset or 1,
                code=R.SYNTAX_ERROR_CODE,
                message=f"syntax error, file not analysed: {exc.msg}",
            )
        ]
    walker = _Walker(path, _Module(tree))
    walker.walk_module(tree)
    return sorted(walker.findings.values())
