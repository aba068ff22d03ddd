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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .inputs import (
    DURABLE_PYTHON_RUNTIMES,
    DURABLE_RUNTIMES,
    LOCAL_ACCOUNT_ID,
    FunctionSpec,
    LocalRunError,
    function_arn,
)

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


class _Unresolved(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


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


def read_template(path: Path) -> dict[str, Any]:
    """A JSON or YAML template (short-form intrinsics like ``!Ref`` and ``!GetAtt`` included)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LocalRunError(f"--template file not found: {path}") from None
    except OSError as e:
        raise LocalRunError(f"cannot read --template file {path}: {e.strerror}") from None
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            import yaml

            data = yaml.load(text, Loader=_cfn_yaml_loader())
    except Exception as e:
        raise LocalRunError(
            f"--template {path} is not a JSON or YAML template: {str(e).splitlines()[0]}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise LocalRunError(
            f"--template {path} has no Resources section: expected a CloudFormation or SAM template"
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
    """Resolves intrinsic functions in environment values to local stand-ins."""

    def __init__(self, template: Mapping[str, Any], names: Mapping[str, str], region: str) -> None:
        self.resources: Mapping[str, Any] = template["Resources"]
        self.parameters: Mapping[str, Any] = template.get("Parameters") or {}
        self.names = names  # function logical ID -> local function name
        self.region = region
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": LOCAL_ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "local",
            "AWS::NoValue": "",
        }

    def _alias_target(self, logical_id: str) -> tuple[str, str] | None:
        """(function name, qualifier) for an alias or version resource, or SAM's implicit ones."""
        for fid, name in self.names.items():
            props = (self.resources.get(fid) or {}).get("Properties") or {}
            alias = props.get("AutoPublishAlias")
            if isinstance(alias, str) and logical_id in (
                f"{fid}Alias{alias}",
                f"{fid}.Alias",
            ):
                return name, alias
            if logical_id == f"{fid}.Version":
                return name, "1"
        resource = self.resources.get(logical_id) or {}
        kind, props = resource.get("Type"), resource.get("Properties") or {}
        if kind in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            target = props.get("FunctionName")
            function_id: str | None = None
            if isinstance(target, dict) and "Ref" in target:
                function_id = target["Ref"]
            elif isinstance(target, dict) and "Fn::GetAtt" in target:
                function_id = target["Fn::GetAtt"][0]
            if function_id is not None and function_id in self.names:
                qualifier = props.get("Name") if kind == "AWS::Lambda::Alias" else "1"
                if isinstance(qualifier, str):
                    return self.names[function_id], qualifier
        return None

    def ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.names:
            return self.names[name]
        alias = self._alias_target(name)
        if alias is not None:
            return function_arn(alias[0], self.region, alias[1])
        parameter = self.parameters.get(name)
        if isinstance(parameter, dict) and "Default" in parameter:
            return str(parameter["Default"])
        raise _Unresolved(f"Ref {name}")

    def get_att(self, logical_id: str, attribute: str) -> str:
        if logical_id in self.names and attribute == "Arn":
            return function_arn(self.names[logical_id], self.region)
        raise _Unresolved(f"Fn::GetAtt {logical_id}.{attribute}")

    def value(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        if isinstance(value, dict) and len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str):
                return self.ref(arg)
            if key == "Fn::GetAtt":
                parts = arg.split(".", 1) if isinstance(arg, str) else arg
                if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
                    return self.get_att(parts[0], parts[1])
            if key == "Fn::Sub":
                text, variables = (
                    (arg, {}) if isinstance(arg, str) else (arg[0], arg[1] if len(arg) > 1 else {})
                )
                return self._sub(text, variables)
            if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
                return str(arg[0]).join(self.value(part) for part in arg[1])
            raise _Unresolved(key)
        raise _Unresolved(json.dumps(value)[:60])

    def _sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match[1]
            if name in variables:
                return self.value(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return self.ref(name)

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")


def _merged(globals_: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**globals_, **props}
    env_g = ((globals_.get("Environment") or {}).get("Variables")) or {}
    env_p = ((props.get("Environment") or {}).get("Variables")) or {}
    if env_g or env_p:
        merged["Environment"] = {"Variables": {**env_g, **env_p}}
    return merged


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
    if not isinstance(code, str):
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


def load_template_functions(path: Path, *, region: str, node: bool = False) -> TemplateFunctions:
    """Every function of the template (see the module docstring); with ``node``, Node.js functions too
    (``cdk-durable serve`` runs them: their handler becomes the source file, see :func:`_node_handler`)."""
    template = read_template(path)
    resources: Mapping[str, Any] = template["Resources"]
    globals_ = ((template.get("Globals") or {}).get("Function")) or {}
    base = path.resolve().parent
    candidates = {
        logical_id: resource
        for logical_id, resource in resources.items()
        if isinstance(resource, dict) and resource.get("Type") in FUNCTION_TYPES
    }
    names: dict[str, str] = {}
    for logical_id, resource in candidates.items():
        name = (resource.get("Properties") or {}).get("FunctionName")
        names[logical_id] = name if isinstance(name, str) else logical_id
    resolver = _Resolver(template, names, region)
    result = TemplateFunctions(path=path, functions={})
    for logical_id, resource in candidates.items():
        kind = resource["Type"]
        props = resource.get("Properties") or {}
        if kind == "AWS::Serverless::Function":
            props = _merged(globals_, props)
        runtime = props.get("Runtime")
        node_runtime = (
            node and isinstance(runtime, str) and runtime.startswith("nodejs") and runtime in DURABLE_RUNTIMES
        )
        if runtime not in DURABLE_PYTHON_RUNTIMES and not node_runtime:
            if runtime in DURABLE_RUNTIMES:
                python = ", ".join(DURABLE_PYTHON_RUNTIMES)
                why = f"runtime {runtime}: `cdk-durable run` runs Python handlers ({python})"
            else:
                why = (
                    f"runtime {runtime!r} does not support durable functions; "
                    f"use one of {', '.join(DURABLE_RUNTIMES)}"
                )
            result.skipped[logical_id] = why
            continue
        handler = props.get("Handler")
        if not isinstance(handler, str):
            result.skipped[logical_id] = "it has no Handler"
            continue
        try:
            code_dir = _code_dir(kind, resource, props, base)
            if node_runtime:
                spec_handler = _node_handler(handler, code_dir, resource, where=f"function {logical_id}")
            else:
                spec_handler = _handler_spec(handler, where=f"function {logical_id}")
        except (_Skip, LocalRunError) as e:
            result.skipped[logical_id] = str(e).removeprefix(f"function {logical_id}: ")
            continue
        environment: dict[str, str] = {}
        for variable, value in (((props.get("Environment") or {}).get("Variables")) or {}).items():
            try:
                environment[str(variable)] = resolver.value(value)
            except _Unresolved as e:
                result.warnings.append(
                    f"{logical_id}: environment variable {variable} is not set: {e.what} cannot be "
                    "resolved locally (pass it with --env or --env-file)"
                )
        durable_config = props.get("DurableConfig")
        timeout = durable_config.get("ExecutionTimeout") if isinstance(durable_config, dict) else None
        memory = props.get("MemorySize")
        invocation_timeout = props.get("Timeout")
        result.functions[logical_id] = FunctionSpec(
            name=names[logical_id],
            handler=spec_handler,
            code_dir=code_dir,
            durable=isinstance(durable_config, dict),
            execution_timeout_seconds=int(timeout) if isinstance(timeout, int | float) else None,
            environment=environment,
            memory_size=int(memory) if isinstance(memory, int | float) else 128,
            runtime=str(runtime),
            aliases=_aliases(resources, logical_id, props),
            timeout_seconds=int(invocation_timeout) if isinstance(invocation_timeout, int | float) else None,
        )
    return result


def _aliases(resources: Mapping[str, Any], function_id: str, props: Mapping[str, Any]) -> tuple[str, ...]:
    """The alias names the template gives a function (SAM's ``AutoPublishAlias``, ``AWS::Lambda::Alias``)."""
    names = {props["AutoPublishAlias"]} if isinstance(props.get("AutoPublishAlias"), str) else set()
    for resource in resources.values():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lambda::Alias":
            continue
        alias_props = resource.get("Properties") or {}
        target = alias_props.get("FunctionName")
        refers = isinstance(target, dict) and (
            target.get("Ref") == function_id or (target.get("Fn::GetAtt") or [None])[0] == function_id
        )
        if refers and isinstance(alias_props.get("Name"), str):
            names.add(alias_props["Name"])
    return tuple(sorted(names))
