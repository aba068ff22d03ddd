"""``DurableTracing``: OpenTelemetry traces for a durable function, wired in one prop.

Two of AWS's exporter profiles (the conformance suite ``aws-durable-execution-conformance-tests-otel``
0.2.0, ``exporters.py``), applied to a ``lambda_.Function``:

- :meth:`DurableTracing.xray` (ADOT -> X-Ray): the ADOT layer (ARN from aws-cdk-lib's
  ``AdotLayerVersion`` for the function's region and architecture), ``AWS_LAMBDA_EXEC_WRAPPER=
  /opt/otel-instrument``, ``OTEL_SERVICE_NAME``, ``OTEL_TRACES_EXPORTER=otlp``,
  ``OTEL_PROPAGATORS=xray``; X-Ray active tracing and the role's X-Ray write permission.
- :meth:`DurableTracing.otlp` (community layer -> any OTLP backend): the community layer, its wrapper,
  ``OTEL_SERVICE_NAME``, ``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_TRACES_EXPORTER=otlp`` and
  ``OTEL_EXPORTER_OTLP_HEADERS`` from a Secrets Manager secret (a CloudFormation dynamic reference:
  the template never holds the value).

Python functions also get ``DURABLE_EXECUTION_PLUGINS`` naming exactly one OTel view
(``otel-invocation`` or ``otel-execution``); the plugin package must be in the function's code or a
layer. Facts (names, paths, layer accounts) live in :mod:`cdk_durable.platform`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from . import platform as p
from ._validation import DurableValidationError

__all__ = ["DurableTracing", "TracingView"]

TracingView = Literal["invocation", "execution"]
_VIEWS = tuple(p.OTEL_VIEWS)
_LAYER_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+")
_SERVICE_NAME = re.compile(r"[^\s,=]{1,255}")


def _is_token(value: str) -> bool:
    return cdk.Token.is_unresolved(value)


def _valid_literal(value: object, pattern: re.Pattern[str]) -> bool:
    """A token (checked by CloudFormation) or a string matching ``pattern``."""
    return isinstance(value, str) and (_is_token(value) or pattern.fullmatch(value) is not None)


@dataclass(frozen=True)
class DurableTracing:
    """How a :class:`~cdk_durable.DurableFunction` exports OpenTelemetry traces.

    Build it with :meth:`xray` or :meth:`otlp`; each checks its arguments and raises
    :class:`~cdk_durable.DurableValidationError` (one line naming the argument) when one is wrong.
    """

    backend: Literal["xray", "otlp"]
    view: TracingView = "invocation"
    endpoint: str | None = None
    headers_secret: secretsmanager.ISecret | None = None
    headers_secret_field: str | None = None
    service_name: str | None = None
    layer_arn: str | None = None

    @classmethod
    def xray(
        cls,
        *,
        view: TracingView = "invocation",
        service_name: str | None = None,
        layer_arn: str | None = None,
    ) -> DurableTracing:
        """ADOT -> AWS X-Ray.

        :param view: Default: ``"invocation"`` (spans per Lambda invocation); ``"execution"`` keeps
            operation spans under the Workflow span. Exactly one view: the SDK refuses both.
        :param service_name: Default: the DurableFunction's construct id. ``OTEL_SERVICE_NAME``.
        :param layer_arn: Default: aws-cdk-lib's latest ADOT layer for the runtime, region and
            architecture. An ARN of your own ADOT layer version.
        """
        tracing = cls("xray", view=view, service_name=service_name, layer_arn=layer_arn)
        tracing._check()
        return tracing

    @classmethod
    def otlp(
        cls,
        *,
        endpoint: str,
        headers_secret: secretsmanager.ISecret | None = None,
        headers_secret_field: str | None = None,
        view: TracingView = "invocation",
        service_name: str | None = None,
        layer_arn: str | None = None,
    ) -> DurableTracing:
        """OpenTelemetry community layer -> any OTLP backend.

        :param endpoint: ``OTEL_EXPORTER_OTLP_ENDPOINT``, an ``https://`` (or ``http://``) URL.
        :param headers_secret: Default: no headers. A Secrets Manager secret whose value (or JSON field
            ``headers_secret_field``) is the ``OTEL_EXPORTER_OTLP_HEADERS`` text (``key=value,...``).
            It reaches the function as a CloudFormation dynamic reference, resolved at deploy: the
            template holds only the reference. The function itself never calls Secrets Manager.
        :param headers_secret_field: Default: the whole secret string. A JSON key inside the secret.
        :param view: Default: ``"invocation"``; or ``"execution"``. Exactly one.
        :param service_name: Default: the DurableFunction's construct id.
        :param layer_arn: Default: the community layer of AWS's profile for the runtime, in the
            function's region.
        """
        tracing = cls(
            "otlp",
            view=view,
            endpoint=endpoint,
            headers_secret=headers_secret,
            headers_secret_field=headers_secret_field,
            service_name=service_name,
            layer_arn=layer_arn,
        )
        tracing._check()
        return tracing

    # --- validation -----------------------------------------------------------------------------

    def _check(self) -> None:
        if self.view not in _VIEWS:
            raise DurableValidationError(
                f"tracing view must be one of {', '.join(repr(v) for v in _VIEWS)} (exactly one: the SDK "
                f"refuses both OTel views), got {self.view!r}"
            )
        if self.service_name is not None and not _valid_literal(self.service_name, _SERVICE_NAME):
            raise DurableValidationError(
                "tracing service_name must be 1-255 characters without spaces, commas or '=', "
                f"got {self.service_name!r}"
            )
        if self.layer_arn is not None and not _valid_literal(self.layer_arn, _LAYER_ARN):
            raise DurableValidationError(
                "tracing layer_arn must be a layer version ARN "
                f"(arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION), got {self.layer_arn!r}"
            )
        if self.backend == "otlp":
            self._check_otlp()

    def _check_otlp(self) -> None:
        endpoint = self.endpoint
        if not isinstance(endpoint, str) or not (
            _is_token(endpoint) or re.fullmatch(r"https?://[^\s/]+(/\S*)?", endpoint)
        ):
            raise DurableValidationError(
                f"tracing endpoint must be an http(s):// URL of an OTLP backend, got {endpoint!r}"
            )
        if self.headers_secret is not None and not hasattr(self.headers_secret, "secret_value_from_json"):
            raise DurableValidationError(
                "tracing headers_secret must be a secretsmanager.ISecret (headers are never a plaintext "
                f"value in the template), got {type(self.headers_secret).__name__} {self.headers_secret!r}"
            )
        if self.headers_secret_field is not None and self.headers_secret is None:
            raise DurableValidationError("tracing headers_secret_field needs headers_secret")

    def check_runtime(self, runtime_name: str) -> None:
        """The runtime must have an OpenTelemetry layer (Python or Node.js)."""
        if _family(runtime_name) is None:
            raise DurableValidationError(
                f"tracing needs a python or nodejs runtime (OpenTelemetry layers exist for those), got "
                f"{runtime_name!r}"
            )

    # --- wiring ---------------------------------------------------------------------------------

    def environment(
        self, *, runtime_name: str, service_name: str, existing_plugins: str | None
    ) -> dict[str, str]:
        """The environment variables of the profile (and the plugin view for Python)."""
        family = _family(runtime_name)
        env = {p.ENV_OTEL_SERVICE_NAME: self.service_name or service_name, p.ENV_OTEL_TRACES_EXPORTER: "otlp"}
        if self.backend == "xray":
            env[p.ENV_EXEC_WRAPPER] = p.ADOT_WRAPPER
            env[p.ENV_OTEL_PROPAGATORS] = "xray"
        else:
            assert family is not None and self.endpoint is not None
            env[p.ENV_EXEC_WRAPPER] = p.COMMUNITY_WRAPPERS[family]
            env[p.ENV_OTLP_ENDPOINT] = self.endpoint
            if self.headers_secret is not None:
                value = (
                    self.headers_secret.secret_value_from_json(self.headers_secret_field)
                    if self.headers_secret_field
                    else self.headers_secret.secret_value
                )
                env[p.ENV_OTLP_HEADERS] = value.unsafe_unwrap()  # a {{resolve:secretsmanager:...}} reference
        if family == "python":
            env[p.PLUGINS_ENV] = plugins_value(existing_plugins, self.view)
        return env

    def layer(self, scope: Construct, function: lambda_.Function, runtime_name: str) -> lambda_.ILayerVersion:
        """The OpenTelemetry layer (``TracingLayer``): the given ARN, ADOT's or the community one."""
        family = _family(runtime_name)
        if self.layer_arn is not None:
            arn = self.layer_arn
        elif self.backend == "xray":
            version: Any = (
                lambda_.AdotLambdaLayerPythonSdkVersion.LATEST
                if family == "python"
                else lambda_.AdotLambdaLayerJavaScriptSdkVersion.LATEST
            )
            arn = version.layer_arn(scope, function.architecture)
        else:
            assert family is not None
            region = cdk.Stack.of(scope).region
            arn = f"arn:aws:lambda:{region}:{p.COMMUNITY_LAYER_ACCOUNT}:layer:{p.COMMUNITY_LAYERS[family]}"
        return lambda_.LayerVersion.from_layer_version_arn(scope, "TracingLayer", arn)


def plugins_value(existing: str | None, view: str) -> str:
    """``DURABLE_EXECUTION_PLUGINS`` with the view's entry point added (other plugins kept)."""
    wanted = p.OTEL_VIEWS[view]
    names = [n.strip() for n in (existing or "").split(",") if n.strip()]
    other_views = [n for n in names if n in p.OTEL_VIEWS.values() and n != wanted]
    if other_views:
        raise DurableValidationError(
            f"environment {p.PLUGINS_ENV}={existing!r} already names {other_views[0]!r} and tracing view "
            f"{view!r} adds {wanted!r}: the SDK refuses both OTel views (PluginLoadError at cold start)"
        )
    return ",".join([*names, wanted] if wanted not in names else names)


def _family(runtime_name: str) -> str | None:
    for family in ("python", "nodejs"):
        if runtime_name.startswith(family):
            return family
    return None


def validate_tracing(tracing: Any, *, runtime_name: str, environment: Any) -> None:
    """The ``tracing`` prop: a DurableTracing for this runtime (or aws-cdk-lib's ``lambda_.Tracing``)."""
    if tracing is None or isinstance(tracing, lambda_.Tracing):
        return
    if not isinstance(tracing, DurableTracing):
        raise DurableValidationError(
            "tracing must be DurableTracing.xray(...), DurableTracing.otlp(...) or a lambda_.Tracing, got "
            f"{type(tracing).__name__} {tracing!r}"
        )
    tracing.check_runtime(runtime_name)
    given = dict(environment or {})
    existing = given.get(p.PLUGINS_ENV)
    if isinstance(existing, str) and not _is_token(existing):
        plugins_value(existing, tracing.view)
    owned = tracing.environment(runtime_name=runtime_name, service_name="-", existing_plugins=None)
    clash = sorted(set(given) & set(owned) - {p.PLUGINS_ENV})
    if clash:
        raise DurableValidationError(
            f"environment {clash[0]} is set by tracing too: drop it from environment (DurableTracing takes "
            "service_name= and layer_arn=)"
        )


def apply_tracing(
    scope: Construct,
    function: lambda_.Function,
    tracing: DurableTracing,
    *,
    runtime_name: str,
    environment: Any,
) -> None:
    """Wire ``tracing`` into ``function``: layer, environment, X-Ray mode and permission."""
    existing = (environment or {}).get(p.PLUGINS_ENV)
    for name, value in tracing.environment(
        runtime_name=runtime_name, service_name=scope.node.id, existing_plugins=existing
    ).items():
        function.add_environment(name, value)
    function.add_layers(tracing.layer(scope, function, runtime_name))
    if tracing.backend == "xray":
        cfn = function.node.default_child
        assert isinstance(cfn, lambda_.CfnFunction)
        cfn.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        function.add_to_role_policy(iam.PolicyStatement(actions=list(p.XRAY_WRITE_ACTIONS), resources=["*"]))
