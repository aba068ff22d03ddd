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

from ..platform import PYTHON_SDK_MODULE
from ..rule_info import Finding
from . import _catalogs as catalogs
from . import _checks as checks
from . import rules
from ._scope import (
    BOUND_BY_CALLER,
    CALLABLE_ARG,
    CONTEXT_OPERATIONS,
    HANDLER_DECORATOR,
    MAX_DEPTH,
    NAME_ARG,
    Frame,
    FunctionNode,
    ModuleFacts,
    Region,
    call_argument,
    decorator_names,
    decorator_region_name,
    deferred_region,
    dotted_name,
    is_context_annotation,
    is_durable_source,
    last_part,
    looks_like_context,
    parameters_of,
    scan_body,
)
from .suppressions import ALL_CODES, suppressions

__all__ = ["ALL_CODES", "Finding", "Region", "analyze", "is_durable_source", "suppressions"]


class _Walker:
    def __init__(self, path: str, module: ModuleFacts) -> None:
        self.path = path
        self.m = module
        self.findings: dict[tuple[int, int, str], Finding] = {}
        self.frames: list[Frame] = []
        self.walked: set[tuple[int, Region]] = set()
        self.via: list[str] = []
        self.lazy_guards: list[set[str]] = []
        #: Depth of ``if [not] context.is_replaying():`` blocks being walked.
        self.replay_guards = 0
        #: Durable operations seen while walking the current durable entry point (``None``: not
        #: counting). An entry that performs none never suspends, so it never replays: its replay
        #: findings (``pending``) are dropped.
        self.entry_operations: int | None = None
        self.pending: list[tuple[ast.AST, rules.Rule, str]] = []

    # -- reporting ---------------------------------------------------------------------------

    def report(self, node: ast.AST, rule: rules.Rule, message: str) -> None:
        if self.via:
            message += " (reached through " + " -> ".join(f"{n}()" for n in self.via) + ")"
        if self.entry_operations is not None and rule.code in rules.REPLAY_CODES:
            self.pending.append((node, rule, message))  # kept only if the entry has an operation
            return
        self._record(node, rule, message)

    def _record(self, node: ast.AST, rule: rules.Rule, message: str) -> None:
        code = rule.code
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0) + 1
        end_col: int | None = getattr(node, "end_col_offset", None)
        key = (line, col, code)
        if key not in self.findings:
            self.findings[key] = Finding.of(
                rule,
                message,
                path=self.path,
                line=line,
                col=col,
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
        return dotted_name(node, self.m.aliases)

    def _in_scope(self, attr: str) -> set[str]:
        """The module's and every frame's ``attr`` (``"clients"``, ``"loggers"``): names bound to one."""
        out: set[str] = set(getattr(self.m, attr))
        for frame in self.frames:
            out |= getattr(frame, attr)
        return out

    def _binding_frame(self, name: str) -> int | None:
        for i in range(len(self.frames) - 1, -1, -1):
            if name in self.frames[i].locals:
                return i
        return None

    def is_module_import(self, name: str) -> bool:
        """Is ``name`` a module-level import alias no local binding shadows?"""
        return name in self.m.aliases and self._binding_frame(name) is None

    def is_declared_outer(self, name: str) -> bool:
        """Is ``name`` declared ``global``/``nonlocal`` in a frame being walked?"""
        return any(name in f.declared_outer for f in self.frames)

    def is_lazily_initialised(self, name: str) -> bool:
        """Is ``name`` written under an ``if name is None:`` guard (the lazy-initialisation exemption)?"""
        return any(name in guard for guard in self.lazy_guards)

    def _frame_attr_has(self, attr: str, name: str) -> bool:
        idx = self._binding_frame(name)
        if idx is None:
            return name in getattr(self.m, attr)
        return name in getattr(self.frames[idx], attr)

    def is_context(self, name: str) -> bool:
        return self._frame_attr_has("contexts", name) or looks_like_context(name)

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
            params = parameters_of(node)
            decorators = decorator_names(node, self.m.aliases)
            annotated = next((i for i, p in enumerate(params) if is_context_annotation(p)), None)
            if HANDLER_DECORATOR in decorators:
                ctx_index = annotated if annotated is not None else 1
                entries.append((0, node, Region.DURABLE, ctx_index))
                continue
            region = deferred_region(node, self.m.aliases)
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
        if key in self.walked or len(self.via) > MAX_DEPTH:
            return
        self.walked.add(key)
        frame = Frame(boundary=boundary)
        params = parameters_of(fn)
        frame.locals.update(p.arg for p in params)
        for i, p in enumerate(params):
            if i == context_index or is_context_annotation(p):
                frame.contexts.add(p.arg)
        bound_by_caller = BOUND_BY_CALLER.get(decorator_region_name(fn, self.m.aliases) or "")
        if region is Region.STEP and bound_by_caller is not None and not isinstance(fn, ast.Lambda):
            rebound = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            frame.captured_params = {p.arg for p in params[bound_by_caller:]} - rebound - frame.contexts
        self.frames.append(frame)
        try:
            if isinstance(fn, ast.Lambda):
                self.visit(fn.body, region)
            else:
                scan_body(fn.body, frame)
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
                self._walk_def(target, frames, deferred_region(target, self.m.aliases) or region, ctx_index)
            else:
                self.walk_callable(target, region, context_first=context_first, depth=depth + 1)
        elif isinstance(expr, ast.Call):
            callee = self.dotted(expr.func) or ""
            if last_part(callee) == "ParallelBranch":
                func = call_argument(expr, 0, "func")
                checks.check_name(self, call_argument(expr, 1, "name"), "ParallelBranch")
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
                    deferred = deferred_region(target, self.m.aliases)
                    if deferred is not None:
                        ctx = 0 if deferred is Region.DURABLE else None
                        self._walk_def(target, resolved[1], deferred, ctx)

    def _walk_def(
        self,
        target: ast.FunctionDef | ast.AsyncFunctionDef,
        frames: list[Frame],
        region: Region,
        ctx_index: int | None,
    ) -> None:
        saved = self.frames
        self.frames = frames
        try:
            self.walk_function(target, region, context_index=ctx_index, boundary=region is Region.STEP)
        finally:
            self.frames = saved

    def resolve_name(self, name: str) -> tuple[ast.AST, list[Frame]] | None:
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
            return  # deferred: analyzed where it is called or passed to an operation
        if isinstance(node, ast.Call):
            self.visit_call(node, region)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.visit_assign(node, region)
        elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
            checks.check_branch(self, node.test, node, region)
            if isinstance(node, ast.If):
                guard = int(self.is_replay_check(node.test))
                self.replay_guards += guard
                self.visit(node.test, region)
                self.lazy_guards.append(checks.lazy_init_targets(node.test))
                for stmt in node.body:
                    self.visit(stmt, region)
                self.lazy_guards.pop()
                for stmt in node.orelse:
                    self.visit(stmt, region)
                self.replay_guards -= guard
                return
        elif isinstance(node, ast.Match):
            checks.check_branch(self, node.subject, node, region)
        elif isinstance(node, (ast.With, ast.AsyncWith)) and self.frames:
            # `with requests.Session() as http:` binds a client like an assignment does.
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    kind = self.m.value_kind(
                        item.context_expr, self._in_scope("clients"), self._in_scope("loggers")
                    )
                    if kind == "client":
                        self.frames[-1].clients.add(item.optional_vars.id)
        elif isinstance(node, (ast.For, ast.AsyncFor)) and region is Region.DURABLE and self.frames:
            # `for x in random.sample(...)`: the loop variable carries the non-determinism.
            source = checks.nondeterministic_source(self, node.iter)
            if source is not None:
                for name in ast.walk(node.target):
                    if isinstance(name, ast.Name):
                        self.frames[-1].tainted[name.id] = source
        elif (
            isinstance(node, ast.Subscript)
            and region is Region.DURABLE
            and isinstance(node.ctx, ast.Load)
            and self.dotted(node.value) == catalogs.ENV_MAPPING
        ):
            self.report(node, *checks.env_read(f"`{ast.unparse(node)}`", node.slice))
        for child in ast.iter_child_nodes(node):
            self.visit(child, region)

    def visit_assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign, region: Region) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if region is Region.STEP:
            for t in targets:
                checks.check_step_write(self, t, augmented=isinstance(node, ast.AugAssign))
        if node.value is None or not self.frames:
            return
        frame = self.frames[-1]
        names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        kind = self.m.value_kind(node.value, self._in_scope("clients"), self._in_scope("loggers"))
        if kind == "client":
            frame.clients.update(names)
        elif kind == "logger":
            frame.loggers.update(names)
        if region is Region.DURABLE:
            source = checks.nondeterministic_source(self, node.value)
            for name in names:
                if source is not None:
                    frame.tainted[name] = source
                elif not isinstance(node, ast.AugAssign):
                    frame.tainted.pop(name, None)

    # -- calls -------------------------------------------------------------------------------

    def operation_of(self, call: ast.Call) -> str | None:
        """The durable operation a call performs (``step``, ``map``, ``with_retry`` ...), if any."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in CONTEXT_OPERATIONS:
            receiver = func.value
            if isinstance(receiver, ast.Name) and self.is_context(receiver.id):
                return func.attr
            if isinstance(receiver, ast.Attribute) and looks_like_context(receiver.attr):
                return func.attr
            return None
        dotted = self.dotted(func) or ""
        if dotted.startswith(PYTHON_SDK_MODULE) and last_part(dotted) == "with_retry":
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
                    rules.DURABLE_OP_IN_STEP,
                    f"durable operation `{ast.unparse(call.func)}()` inside a step function; "
                    "use run_in_child_context to group operations",
                )
            else:
                if self.replay_guards:
                    self.report(
                        call,
                        rules.NONDETERMINISTIC_BRANCH,
                        f"durable operation `{ast.unparse(call.func)}()` under a `context.is_replaying()` "
                        "branch; the operation sequence differs on replay",
                    )
                self.visit_operation(call, op)
                return
        dotted = self.dotted(call.func)
        if region is Region.DURABLE and op is None:
            checks.check_durable_call(self, call, dotted)
        elif region is Region.STEP:
            checks.check_step_mutation(self, call)
        self.follow_helper(call, region)
        deferred_args = dotted is not None and (
            dotted.startswith(PYTHON_SDK_MODULE) or last_part(dotted) == "ParallelBranch"
        )
        self.visit(call.func, region)
        for arg in [*call.args, *(kw.value for kw in call.keywords)]:
            if isinstance(arg, ast.Lambda):
                if not deferred_args:  # sorted(key=...), map(fn, ...): runs right here
                    self.walk_function(arg, region)
            else:
                self.visit(arg, region)

    def visit_operation(self, call: ast.Call, op: str) -> None:
        name_expr = call_argument(call, NAME_ARG.get(op, -1), "name")
        checks.check_name(self, name_expr, op)
        body: ast.AST | None = None
        if op in CALLABLE_ARG:
            index, keyword, body_region = CALLABLE_ARG[op]
            body = call_argument(call, index, keyword)
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
        if deferred_region(target, self.m.aliases) is not None:
            return  # calling it only builds the callable
        if HANDLER_DECORATOR in decorator_names(target, self.m.aliases):
            return
        saved = self.frames
        self.frames = frames
        self.via.append(target.name)
        try:
            boundary = region is Region.STEP and not frames
            parameters = parameters_of(target)
            ctx_index = next((i for i, p in enumerate(parameters) if is_context_annotation(p)), None)
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


def analyze(source: str, path: str) -> list[Finding]:
    """All findings for one file's source, before suppression and selection."""
    if not is_durable_source(source):
        return []
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [
            Finding.of(
                rules.SYNTAX_ERROR,
                f"syntax error, file not analyzed: {exc.msg}",
                path=path,
                line=exc.lineno or 1,
                col=exc.offset or 1,
            )
        ]
    walker = _Walker(path, ModuleFacts(tree))
    walker.walk_module(tree)
    checks.check_plugin_registrations(walker, tree)
    return sorted(walker.findings.values())
