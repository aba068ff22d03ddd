"""``ApiStarter``: an API Gateway REST method that starts a named durable execution, no Lambda in between.

``POST /<path>`` -> AWS integration -> Lambda ``Invoke`` on the durable function's **alias**
(``arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<alias ARN>/invocations``) with
``X-Amz-Invocation-Type: Event`` and ``X-Amz-Durable-Execution-Name`` from a request header or a body
field (the mapping template sets it through ``$context.requestOverride.header``). Lambda answers 202 and
the execution ARN in ``X-Amz-Durable-Execution-Arn``; the method passes both on. A retried request
carries the same name, so Lambda returns the execution it already started instead of a second one.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from constructs import Construct

from . import _validation as v
from . import platform as p
from .durable_function import DurableFunction
from .execution_name import ExecutionName

__all__ = ["ApiStarter"]

#: Annotation id (acknowledge with ``Annotations.of(x).acknowledge_warning(id)``).
ANN_OPEN_API = "cdk-durable:api-starter-open"
#: What the method answers once Lambda accepted the invocation.
ACCEPTED_STATUS = "202"
_EXECUTION_ARN_RESPONSE = f"method.response.header.{p.EXECUTION_ARN_HEADER}"
_NAME_INTEGRATION_HEADER = f"integration.request.header.{p.EXECUTION_NAME_HEADER}"
_JSON = "application/json"


def resolve_target(target: Any, *, where: str) -> tuple[str, Any]:
    """``(alias ARN, grant_invoke)`` of a DurableFunction or an imported one; anything else is refused.

    An imported durable function (``DurableFunction.from_alias_arn``) is recognised by what it offers:
    an ``alias_arn`` string and ``grant_invoke``.
    """
    if isinstance(target, DurableFunction):
        return target.alias_arn, target.grant_invoke
    alias_arn = getattr(target, "alias_arn", None)
    grant_invoke = getattr(target, "grant_invoke", None)
    if isinstance(alias_arn, str) and callable(grant_invoke) and not isinstance(target, type):
        return alias_arn, grant_invoke
    raise v.DurableValidationError(
        f"{where} target must be a cdk_durable.DurableFunction (or one imported with "
        f"DurableFunction.from_alias_arn), got {type(target).__name__}"
    )


def request_template(name: ExecutionName) -> str:
    """The integration's mapping template: the body passed on as JSON; for a body field or template,
    first the name header set from the body (``$context.requestOverride.header``)."""
    if name.kind == "header":  # mapped as a request parameter instead
        return "$input.json('$')"
    return (
        f"{name.vtl()}\n#set($context.requestOverride.header.{p.EXECUTION_NAME_HEADER} = $name)\n"
        "$input.json('$')"
    )


class ApiStarter(Construct):
    """``POST`` on a REST API resource that starts a durable execution named from the request.

    Children: ``Api`` (a new ``RestApi``, unless ``rest_api`` is given, with a ``BadRequestBody``
    gateway response that says what is wrong), ``Role`` (API Gateway's integration role: may invoke the
    alias, nothing else), ``Validator`` and ``RequestModel`` (body field / template names), the method
    (``method``) on ``path``.

    A request without the name is refused by API Gateway with 400 before Lambda is called: a missing
    header (``Missing required request parameters: [Idempotency-Key]``) or a body without the field or
    with a value that cannot be an execution name (``Invalid request body``; the ``detail`` says which
    field). Bodies other than ``application/json`` get 415. Once Lambda accepted the invocation the
    method answers 202 ``{"status": "accepted"}`` with the execution ARN in the
    ``X-Amz-Durable-Execution-Arn`` header (a body template cannot read integration response headers).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        target: Any,
        execution_name: ExecutionName,
        rest_api: apigw.IRestApi | None = None,
        path: str | None = None,
        authorization_type: apigw.AuthorizationType | None = None,
        authorizer: apigw.IAuthorizer | None = None,
        api_key_required: bool | None = None,
    ) -> None:
        """
        :param target: the durable function (its alias is invoked) or one imported with
            ``DurableFunction.from_alias_arn``.
        :param execution_name: ``ExecutionName.from_header(...)``, ``from_body_field(...)``,
            ``from_json_path(...)`` or ``from_template(...)``.
        :param rest_api: Default: a new ``RestApi`` (stage ``prod``). Your API, to add the method to.
        :param path: Default: the API's root. The resource path of the method, e.g. ``"orders"`` or
            ``"v1/orders"`` (created when missing).
        :param authorization_type: Default: ``IAM`` (callers sign with SigV4; grant them with
            :meth:`grant_start`). ``NONE`` makes the method public and adds a warning.
        :param authorizer: Default: none. A Cognito/Lambda authorizer (sets the authorization type).
        :param api_key_required: Default: false.
        """
        super().__init__(scope, id)
        alias_arn, grant_invoke = resolve_target(target, where="ApiStarter")
        if not isinstance(execution_name, ExecutionName):
            raise v.DurableValidationError(
                "ApiStarter execution_name must be an ExecutionName (e.g. "
                f"ExecutionName.from_header('Idempotency-Key')), got {type(execution_name).__name__}"
            )
        execution_name.require(("header", "field", "template"), where="ApiStarter")
        if path is not None and (not isinstance(path, str) or not path.strip("/")):
            raise v.DurableValidationError(
                f"ApiStarter path must be a resource path like 'orders' or 'v1/orders', got {path!r}"
            )
        if rest_api is not None and not isinstance(getattr(rest_api, "rest_api_id", None), str):
            raise v.DurableValidationError(
                f"ApiStarter rest_api must be an apigateway REST API (RestApi, SpecRestApi or "
                f"RestApi.from_rest_api_attributes(...)), got {type(rest_api).__name__}"
            )
        if authorization_type is not None and not isinstance(authorization_type, apigw.AuthorizationType):
            raise v.DurableValidationError(
                "ApiStarter authorization_type must be an apigateway.AuthorizationType (IAM, NONE, COGNITO, "
                f"CUSTOM), got {authorization_type!r}"
            )

        self.target = target
        self.execution_name = execution_name
        self.rest_api: apigw.IRestApi = rest_api or self._create_api()
        resource = self.rest_api.root if path is None else self.rest_api.root.resource_for_path(path)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway starts durable executions on one alias (cdk-durable ApiStarter)",
        )
        grant_invoke(self.role)
        self.method = resource.add_method(
            "POST",
            self._integration(alias_arn),
            method_responses=[
                apigw.MethodResponse(
                    status_code=ACCEPTED_STATUS, response_parameters={_EXECUTION_ARN_RESPONSE: True}
                )
            ],
            **self._request_checks(),
            **self._authorization(authorization_type, authorizer, api_key_required),
        )

    # --- Construction steps -------------------------------------------------------------------------

    def _create_api(self) -> apigw.RestApi:
        """``Api``: a REST API of its own, whose 400 for a bad body names the problem."""
        api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=cdk.Names.unique_id(self),
            description="Starts durable executions (cdk-durable ApiStarter)",
            cloud_watch_role=False,
        )
        api.add_gateway_response(
            "BadRequestBody",
            type=apigw.ResponseType.BAD_REQUEST_BODY,
            templates={
                _JSON: '{"message": "$context.error.messageString", '
                '"detail": "$util.escapeJavaScript($context.error.validationErrorString)"}'
            },
        )
        return api

    def _integration(self, alias_arn: str) -> apigw.AwsIntegration:
        """Lambda ``Invoke`` on the alias, asynchronous, named; the 202 and the ARN passed back."""
        name = self.execution_name
        request_parameters = {f"integration.request.header.{p.INVOCATION_TYPE_HEADER}": "'Event'"}
        if name.kind == "header":
            request_parameters[_NAME_INTEGRATION_HEADER] = f"method.request.header.{name.source}"
        template = request_template(name)
        return apigw.AwsIntegration(
            service="lambda",
            path=p.INVOKE_API_PATH.format(function_arn=alias_arn),
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=self.role,
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_parameters=request_parameters,
                request_templates={_JSON: template},
                integration_responses=[
                    apigw.IntegrationResponse(
                        status_code=ACCEPTED_STATUS,
                        response_parameters={
                            _EXECUTION_ARN_RESPONSE: f"integration.response.header.{p.EXECUTION_ARN_HEADER}"
                        },
                        response_templates={_JSON: '{"status": "accepted"}'},
                    )
                ],
            ),
        )

    def _request_checks(self) -> dict[str, Any]:
        """The header is a required method parameter, or the body must match a model with the fields."""
        name = self.execution_name
        if name.kind == "header":
            validator = apigw.RequestValidator(
                self,
                "Validator",
                rest_api=self.rest_api,
                validate_request_parameters=True,
            )
            return {
                "request_validator": validator,
                "request_parameters": {f"method.request.header.{name.source}": True},
            }
        validator = apigw.RequestValidator(
            self,
            "Validator",
            rest_api=self.rest_api,
            validate_request_body=True,
        )
        model = apigw.Model(
            self,
            "RequestModel",
            rest_api=self.rest_api,
            content_type=_JSON,
            description=f"Requires the execution name ({name.describe()})",
            schema=self._schema(),
        )
        return {"request_validator": validator, "request_models": {_JSON: model}}

    def _schema(self) -> apigw.JsonSchema:
        """A JSON object that has every field the name reads, each a valid piece of an execution name."""
        max_length, pattern = self.execution_name.json_schema_leaf()
        tree: dict[str, Any] = {}
        for field in self.execution_name.fields:
            node = tree
            keys = field.split(".")
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            node[keys[-1]] = None

        def build(node: dict[str, Any]) -> apigw.JsonSchema:
            return apigw.JsonSchema(
                type=apigw.JsonSchemaType.OBJECT,
                required=sorted(node),
                properties={
                    key: (
                        apigw.JsonSchema(
                            type=[apigw.JsonSchemaType.STRING, apigw.JsonSchemaType.INTEGER],
                            min_length=1,
                            max_length=max_length,
                            pattern=pattern,
                        )
                        if child is None
                        else build(child)
                    )
                    for key, child in sorted(node.items())
                },
            )

        schema = build(tree)
        return apigw.JsonSchema(
            schema=apigw.JsonSchemaVersion.DRAFT4,
            title="DurableExecutionStart",
            type=schema.type,
            required=schema.required,
            properties=schema.properties,
        )

    def _authorization(
        self,
        authorization_type: apigw.AuthorizationType | None,
        authorizer: apigw.IAuthorizer | None,
        api_key_required: bool | None,
    ) -> dict[str, Any]:
        if authorizer is not None:
            return {"authorizer": authorizer, "api_key_required": api_key_required}
        kind = authorization_type or apigw.AuthorizationType.IAM
        if kind is apigw.AuthorizationType.NONE and not api_key_required:
            cdk.Annotations.of(self).add_warning_v2(
                ANN_OPEN_API,
                "authorization_type is NONE: anyone who can reach the API can start durable executions. "
                "Keep the default IAM (grant callers with grant_start), use an authorizer, or acknowledge "
                "this warning if the API is protected otherwise",
            )
        return {"authorization_type": kind, "api_key_required": api_key_required}

    # --- Grants ----------------------------------------------------------------------------------------

    def grant_start(self, grantee: iam.IGrantable) -> iam.Grant:
        """``execute-api:Invoke`` on this method (for the default IAM authorization)."""
        return self.method.grant_execute(grantee)

    @property
    def url(self) -> str:
        """The method's URL on the API's deployment stage (``RestApi`` / ``SpecRestApi`` only)."""
        if not isinstance(self.rest_api, apigw.RestApiBase):
            raise v.DurableValidationError(
                f"url needs a RestApi with a deployment stage, got {type(self.rest_api).__name__}"
            )
        return self.rest_api.url_for_path(self.method.resource.path)
