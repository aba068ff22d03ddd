"""Functions from a template, as ``sam local invoke LOGICAL_ID`` finds them.

:func:`load_template_functions` reads a SAM template, a plain CloudFormation template (code from a
local path) or a CDK cloud-assembly template (``cdk.out/*.template.json``, code from its asset
metadata) and returns every function in it as a :class:`~.inputs.FunctionSpec`: handler, code
directory, runtime, environment variables, memory size, durability and ``DurableConfig``'s
execution timeout, with SAM's ``Globals`` applied.

Environment values that reference functions of the same template (``Ref``, ``Fn::GetAtt ... Arn``,
``Fn::Sub``, ``Fn::Join``; aliases and versions too) resolve to local stand-ins: the function's
name or ``arn:aws:lambda:REGION:123456789012:function:NAME[:QUALIFIER]``, which ``context.invoke``
reaches locally. Parameters resolve to their ``Default``; pseudo parameters to local values.
Anything else cannot be resolved: the variable is left unset and named in a warning.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import platform as p
from .._intrinsics import Intrinsics, Unresolved, number, to_text
from ..errors import LIMITS, InputLimitError, loads_json, yaml_flow_depth
from .inputs import (
    _ENV_NAME,
    DURABLE_PYTHON_RUNTIMES,
    DURABLE_RUNTIMES,
    LOCAL_ACCOUNT_ID,
    FunctionSpec,
    LocalRunError,
    function_arn,
    read_input_file,
)

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
#: Lambda's memory sizes (MB).
MEMORY_SIZE_RANGE = (128, 10240)
_Unresolved = Unresolved  # the shared resolver's "cannot be known offline"


@dataclass
class TemplateFunctions:
    """Every function of a template by logical ID, and what could not be resolved."""

    path: Path
    functions: dict[str, FunctionSpec]
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # logical ID -> why it cannot run locally

    def select(self, logical_id: str) -> tuple[FunctionSpec, list[FunctionSpec]]:
        """The function to run and the chained-invoke targets (every other function)."""
        if logical_id in self.skipped:
            raise LocalRunError(f"{self.path}: function {logical_id}: {self.skipped[logical_id]}")
        spec = self.functions.get(logical_id)
        if spec is None:
            known = sorted([*self.functions, *self.skipped]) or ["none"]
            raise LocalRunError(
                f"{self.path}: no function {logical_id!r}; functions in this template: {', '.join(known)}"
            )
        if not spec.durable:
            raise LocalRunError(
                f"{self.path}: function {logical_id} has no DurableConfig: `cdk-durable run` runs durable "
                "functions (a plain function can still be a chained-invoke target)"
            )
        return spec, [s for key, s in self.functions.items() if key != logical_id]


def _cfn_yaml_loader() -> Any:
    import yaml

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        pass

    def construct(loader: Any, tag_suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if tag_suffix == "Ref":
            return {"Ref": value}
        if tag_suffix == "Condition":
            return {"Condition": value}
        if tag_suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {f"Fn::{tag_suffix}": value}

    Loader.add_multi_constructor("!", construct)
    return Loader


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """How many values ``node`` stands for once every alias is expanded (shared nodes counted each time)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    children: list[Any] = []
    if isinstance(node.value, list):
        for item in node.value:
            children.extend(item if isinstance(item, tuple) else (item,))
    size = 1 + sum(_expanded_size(child, memo) for child in children)
    memo[key] = size
    return size


def _load_yaml(text: str, path: Path) -> Any:
    """YAML through a safe loader that refuses alias bombs (:data:`~cdk_durable.errors.LIMITS`)."""
    import yaml

    loader = _cfn_yaml_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        aliases = text.count("*")  # an upper bound; the expanded size below is the real measure
        limit = LIMITS["yaml_values"]
        if aliases and _expanded_size(node, {}) > limit:
            raise InputLimitError(
                f"--template {path}: its YAML aliases (*name) expand to more than {limit:,} values "
                "(an alias bomb?); write the values out"
            )
        return loader.construct_document(node)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise LocalRunError(f"--template {path} is not valid YAML{where}: {problem}") from None
    finally:
        loader.dispose()


def read_template(path: Path) -> dict[str, Any]:
    """A JSON or YAML template (short-form intrinsics like ``!Ref`` and ``!GetAtt`` included)."""
    text = read_input_file(
        path,
        limit=LIMITS["template_bytes"],
        what="--template",
        named=f"--template {path}",
        expected="the template file",
    )
    try:
        if text.lstrip().startswith("{"):
            data = loads_json(text, what=f"--template {path}", error=LocalRunError)
        elif yaml_flow_depth(text) > LIMITS["json_depth"]:
            raise LocalRunError(
                f"--template {path} is nested too deeply to read (more than {LIMITS['json_depth']} "
                "levels of [ ] or { })"
            )
        else:
            data = _load_yaml(text, path)
    except RecursionError:
        raise LocalRunError(f"--template {path} is nested too deeply to read") from None
    except InputLimitError as e:
        raise LocalRunError(str(e)) from None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        got = (
            ""
            if not isinstance(data, dict) or "Resources" not in data
            else (f" (Resources is a {type(data['Resources']).__name__}, not a mapping)")
        )
        raise LocalRunError(
            f"--template {path} has no Resources section{got}: expected a CloudFormation or SAM template"
        )
    for section in ("Parameters", "Globals", "Mappings"):
        if section in data and not isinstance(data[section], dict):
            raise LocalRunError(
                f"--template {path}: {section} must be a mapping, got {type(data[section]).__name__}"
            )
    return data


def _handler_spec(handler: str, *, where: str) -> str:
    """Lambda's ``path/module.function`` -> our ``module:function`` (dots or slashes in the module)."""
    module, sep, function = handler.rpartition(".")
    if not sep or not module or not function.isidentifier():
        raise LocalRunError(f"{where}: Handler {handler!r} must be module.function (e.g. app.handler)")
    return f"{module.replace('/', '.')}:{function}"


_NODE_SOURCES = (".ts", ".mts", ".mjs", ".js", ".cjs")


def _node_handler(handler: str, code_dir: Path | None, resource: Mapping[str, Any], *, where: str) -> str:
    """Lambda's ``path/module.function`` for Node.js -> ``path/module.<ext>:function`` of the source
    file in the code directory (SAM's esbuild ``EntryPoints`` first, then TypeScript, then JS)."""
    module, sep, function = handler.rpartition(".")
    if not sep or not module or not function.isidentifier():
        raise LocalRunError(f"{where}: Handler {handler!r} must be module.function (e.g. app.handler)")
    root = code_dir or Path.cwd()
    entry_points = ((resource.get("Metadata") or {}).get("BuildProperties") or {}).get("EntryPoints") or []
    candidates = [root / e for e in entry_points if isinstance(e, str) and Path(e).stem == Path(module).name]
    candidates += [root / f"{module}{suffix}" for suffix in _NODE_SOURCES]
    for candidate in candidates:
        if candidate.is_file():
            return (
                f"{candidate.relative_to(root) if candidate.is_relative_to(root) else candidate}:{function}"
            )
    raise LocalRunError(
        f"{where}: no source file for Handler {handler!r} in {root} ({', '.join(_NODE_SOURCES)})"
    )


class _Resolver:
    """Environment values, resolved by the shared resolver with local stand-ins for functions."""

    def __init__(self, template: Mapping[str, Any], names: Mapping[str, str], region: str) -> None:
        self.resources: Mapping[str, Any] = template["Resources"]
        self.names = names  # function logical ID -> local function name
        self.region = region
        self.intrinsics = Intrinsics.of_template(
            template,
            pseudo={
                "AWS::Region": region,
                "AWS::AccountId": LOCAL_ACCOUNT_ID,
                "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com",
                "AWS::StackName": "local",
                "AWS::NoValue": "",
            },
            ref=self.ref,
            get_att=self.get_att,
        )

    def _alias_target(self, logical_id: str) -> tuple[str, str] | None:
        """(function name, qualifier) for an alias or version resource, or SAM's implicit ones."""
        for fid, name in self.names.items():
            props = _mapping(self.resources.get(fid)).get("Properties")
            alias = _mapping(props).get("AutoPublishAlias")
            if isinstance(alias, str) and logical_id in (
                f"{fid}Alias{alias}",
                f"{fid}.Alias",
            ):
                return name, alias
            if logical_id == f"{fid}.Version":
                return name, "1"
        resource = _mapping(self.resources.get(logical_id))
        kind, props = resource.get("Type"), _mapping(resource.get("Properties"))
        if kind in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            target = props.get("FunctionName")
            function_id: Any = None
            if isinstance(target, dict) and "Ref" in target:
                function_id = target["Ref"]
            elif (
                isinstance(target, dict)
                and isinstance(target.get("Fn::GetAtt"), list)
                and target["Fn::GetAtt"]
            ):
                function_id = target["Fn::GetAtt"][0]
            if isinstance(function_id, str) and function_id in self.names:
                qualifier = props.get("Name") if kind == "AWS::Lambda::Alias" else "1"
                if isinstance(qualifier, str):
                    return self.names[function_id], qualifier
        return None

    def ref(self, name: str) -> str:
        if name in self.names:
            return self.names[name]
        alias = self._alias_target(name)
        if alias is not None:
            return function_arn(alias[0], self.region, alias[1])
        raise Unresolved(f"Ref {name}")

    def get_att(self, logical_id: str, attribute: str) -> str:
        if logical_id in self.names and attribute == "Arn":
            return function_arn(self.names[logical_id], self.region)
        raise Unresolved(f"Fn::GetAtt {logical_id}.{attribute}")

    def value(self, value: Any) -> str:
        return to_text(self.intrinsics.resolve(value))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _variables(props: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    environment = props.get("Environment")
    if environment is None:
        return {}
    if not isinstance(environment, Mapping):
        raise _Skip(f"{where}Environment must be a mapping with Variables, got {type(environment).__name__}")
    variables = environment.get("Variables")
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise _Skip(
            f"{where}Environment.Variables must be a mapping of name -> value, got {type(variables).__name__}"
        )
    return variables


def _merged(globals_: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**globals_, **props}
    env_g = _variables(globals_, "Globals.Function.")
    env_p = _variables(props, "")
    if env_g or env_p:
        merged["Environment"] = {"Variables": {**env_g, **env_p}}
    return merged


def _whole_number(
    value: Any, resolver: _Resolver, *, key: str, low: int, high: int, default: int | None
) -> int | None:
    """A whole number property (a literal or a parameter's Default) within ``low..high``, else _Skip."""
    if value is None:
        return default
    try:
        resolved = resolver.intrinsics.resolve(value)
    except Unresolved as e:
        raise _Skip(f"{key} is {e.what}, which cannot be resolved locally; give it a literal value") from None
    parsed = number(resolved)
    if parsed is None or parsed != int(parsed) or not low <= parsed <= high:
        raise _Skip(f"{key} must be a whole number from {low:,} to {high:,}, got {json.dumps(resolved)[:60]}")
    return int(parsed)


def _code_dir(kind: str, resource: Mapping[str, Any], props: Mapping[str, Any], base: Path) -> Path:
    metadata = resource.get("Metadata") or {}
    asset = metadata.get("aws:asset:path")
    if isinstance(asset, str):  # a CDK cloud assembly: the asset sits beside the template
        return (base / asset).resolve()
    if kind == "AWS::Serverless::Function":
        if "InlineCode" in props:
            raise _Skip("InlineCode: `cdk-durable run` needs the code as files (CodeUri)")
        code = props.get("CodeUri", ".")
    else:
        code = props.get("Code")
        if isinstance(code, dict) and "ZipFile" in code:
            raise _Skip("inline code (Code.ZipFile): `cdk-durable run` needs the code as files")
    if not isinstance(code, str) or "://" in code:
        raise _Skip(
            f"its code is not a local path ({json.dumps(code)[:60]}); "
            "use the template before packaging, or the one `sam build` writes"
        )
    path = (base / code).resolve()
    if not path.is_dir():
        raise _Skip(f"code directory not found: {path}")
    return path


class _Skip(Exception):
    pass


def load_template_functions(path: Path, *, region: str) -> TemplateFunctions:
    """Every function of the template (see the module docstring): Python and Node.js ones (a Node.js
    function's handler becomes its source file, see :func:`_node_handler`)."""
    template = read_template(path)
    resources: Mapping[str, Any] = template["Resources"]
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    if not isinstance(globals_, dict):
        raise LocalRunError(
            f"--template {path}: Globals.Function must be a mapping, got {type(globals_).__name__}"
        )
    base = path.resolve().parent
    candidates = {
        logical_id: resource
        for logical_id, resource in resources.items()
        if isinstance(resource, dict) and resource.get("Type") in FUNCTION_TYPES
    }
    names: dict[str, str] = {}
    for logical_id, resource in candidates.items():
        name = _mapping(resource.get("Properties")).get("FunctionName")
        names[logical_id] = name if isinstance(name, str) else logical_id
    resolver = _Resolver(template, names, region)
    result = TemplateFunctions(path=path, functions={})
    for logical_id, resource in candidates.items():
        try:
            result.functions[logical_id] = _function(
                logical_id, resource, globals_, names, resolver, base, result
            )
        except (_Skip, LocalRunError) as e:
            result.skipped[logical_id] = str(e).removeprefix(f"function {logical_id}: ")
    return result


def _function(
    logical_id: str,
    resource: Mapping[str, Any],
    globals_: Mapping[str, Any],
    names: Mapping[str, str],
    resolver: _Resolver,
    base: Path,
    result: TemplateFunctions,
) -> FunctionSpec:
    kind = resource["Type"]
    props = resource.get("Properties") or {}
    if not isinstance(props, dict):
        raise _Skip(f"Properties must be a mapping, got {type(props).__name__}")
    if kind == "AWS::Serverless::Function":
        props = _merged(globals_, props)
    runtime = props.get("Runtime")
    node_runtime = isinstance(runtime, str) and runtime.startswith("nodejs") and runtime in DURABLE_RUNTIMES
    if runtime not in DURABLE_PYTHON_RUNTIMES and not node_runtime:
        raise _Skip(
            f"runtime {runtime!r} does not support durable functions; "
            f"use one of {', '.join(DURABLE_RUNTIMES)}"
        )
    handler = props.get("Handler")
    if not isinstance(handler, str):
        raise _Skip("it has no Handler")
    code_dir = _code_dir(kind, resource, props, base)
    if node_runtime:
        where = f"function {logical_id}: runtime {runtime}"
        spec_handler = _node_handler(handler, code_dir, resource, where=where)
    else:
        spec_handler = _handler_spec(handler, where=f"function {logical_id}")
    environment: dict[str, str] = {}
    for variable, value in _variables(props, "").items():
        if not isinstance(variable, str) or not _ENV_NAME.match(variable):
            raise _Skip(f"Environment.Variables: {str(variable)!r} is not an environment variable name")
        try:
            text = resolver.value(value)
        except Unresolved as e:
            result.warnings.append(
                f"{logical_id}: environment variable {variable} is not set: {e.what} cannot be "
                "resolved locally (pass it with --env or --env-file)"
            )
            continue
        if "\x00" in text:
            raise _Skip(f"Environment.Variables.{variable} holds a NUL character")
        environment[variable] = text
    durable_config = props.get("DurableConfig")
    if durable_config is not None and not isinstance(durable_config, dict):
        raise _Skip(
            f"DurableConfig must be a mapping (ExecutionTimeout, ...), got {type(durable_config).__name__}"
        )
    timeout = _whole_number(
        durable_config.get("ExecutionTimeout") if isinstance(durable_config, dict) else None,
        resolver,
        key="DurableConfig.ExecutionTimeout (seconds)",
        low=p.EXECUTION_TIMEOUT_MIN_SECONDS,
        high=p.EXECUTION_TIMEOUT_MAX_SECONDS,
        default=None,
    )
    memory = _whole_number(
        props.get("MemorySize"),
        resolver,
        key="MemorySize (MB)",
        low=MEMORY_SIZE_RANGE[0],
        high=MEMORY_SIZE_RANGE[1],
        default=128,
    )
    return FunctionSpec(
        name=names[logical_id],
        handler=spec_handler,
        code_dir=code_dir,
        durable=isinstance(durable_config, dict),
        execution_timeout_seconds=timeout,
        environment=environment,
        memory_size=memory or 128,
        runtime=str(runtime),
        aliases=_aliases(resolver.resources, logical_id, props),
        timeout_seconds=_whole_number(
            props.get("Timeout"),
            resolver,
            key="Timeout (seconds)",
            low=1,
            high=p.INVOCATION_TIMEOUT_MAX_SECONDS,
            default=None,
        ),
    )


def _aliases(resources: Mapping[str, Any], function_id: str, props: Mapping[str, Any]) -> tuple[str, ...]:
    """The alias names the template gives a function (SAM's ``AutoPublishAlias``, ``AWS::Lambda::Alias``)."""
    names = {props["AutoPublishAlias"]} if isinstance(props.get("AutoPublishAlias"), str) else set()
    for resource in resources.values():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lambda::Alias":
            continue
        alias_props = _mapping(resource.get("Properties"))
        target = alias_props.get("FunctionName")
        get_att = target.get("Fn::GetAtt") if isinstance(target, dict) else None
        refers = isinstance(target, dict) and (
            target.get("Ref") == function_id or (isinstance(get_att, list) and get_att[:1] == [function_id])
        )
        if refers and isinstance(alias_props.get("Name"), str):
            names.add(alias_props["Name"])
    return tuple(sorted(names))
