"""ApiStarter: POST -> API Gateway AWS integration -> Lambda Invoke on the alias, named, asynchronous.

Each synthesized template goes through cfn-lint and the durable rule pack (``-a cdk_durable.cfn_lint``);
the request model is checked with a JSON Schema validator and the mapping template is rendered by a
Velocity engine, so the tests assert what API Gateway would do with a request.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import jsonschema
import pytest
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match, Template

from cdk_durable import ApiStarter, ExecutionName
from cdk_durable._validation import DurableValidationError
from cdk_durable.api_starter import ANN_OPEN_API
from cdk_durable.platform import EXECUTION_NAME_HEADER
from tests.cfn_lint._lint import durable_matches

from .conftest import durable, new_stack, resources_of, synth
from .test_execution_name import render_request


def _lid(stack: cdk.Stack, construct: Any) -> str:
    child = construct.node.default_child if hasattr(construct.node, "default_child") else construct
    return str(stack.resolve((child or construct).logical_id))


def synth_linted(stack: cdk.Stack) -> Template:
    """The template, after cfn-lint's own rules (``synth``: no finding) and the durable pack
    (``-a cdk_durable.cfn_lint``): no error, and no warning but the one a bare durable function gets
    (DUR-W2, nothing watches failures), which is not the starter's."""
    template = synth(stack)
    findings = [m.rule.id for m in durable_matches(template.to_json())]
    assert set(findings) <= {"WD3002"}, findings
    return template


@pytest.fixture(scope="module")
def header_api() -> Any:
    """A starter with its own API, named from the ``Idempotency-Key`` header."""
    stack = new_stack()
    fn = durable(stack)
    starter = ApiStarter(
        stack, "Start", target=fn, execution_name=ExecutionName.from_header("Idempotency-Key")
    )
    return stack, fn, starter, synth_linted(stack)


@pytest.fixture(scope="module")
def body_api() -> Any:
    """A starter on the user's API at ``v1/orders``, named from the body field ``order.id``."""
    stack = new_stack()
    fn = durable(stack)
    api = apigw.RestApi(stack, "Shop", cloud_watch_role=False)
    api.root.add_method("GET", apigw.MockIntegration())  # the user's API has its own methods
    starter = ApiStarter(
        stack,
        "Start",
        target=fn,
        execution_name=ExecutionName.from_body_field("order.id"),
        rest_api=api,
        path="/v1/orders/",  # slashes around the path are ignored
    )
    return stack, fn, starter, synth_linted(stack)


def _method(template: Template, http_method: str = "POST") -> dict[str, Any]:
    (method,) = [
        m["Properties"]
        for m in resources_of(template, "AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == http_method
    ]
    return method


# --- The method and its integration --------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["header_api", "body_api"])
def test_the_integration_invokes_the_alias_through_lambdas_invoke_path(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    stack, fn, _, template = request.getfixturevalue(fixture)
    integration = _method(template)["Integration"]

    assert integration["Type"] == "AWS"
    assert integration["IntegrationHttpMethod"] == "POST"
    assert integration["Uri"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":apigateway:us-east-1:lambda:path/2015-03-31/functions/",
                {"Ref": _lid(stack, fn.alias)},
                "/invocations",
            ],
        ]
    }
    assert integration["RequestParameters"]["integration.request.header.X-Amz-Invocation-Type"] == "'Event'"
    assert integration["PassthroughBehavior"] == "NEVER"


def test_a_header_name_is_a_required_method_parameter_mapped_to_the_name_header(header_api: Any) -> None:
    stack, _, starter, template = header_api
    method = _method(template)

    assert method["Integration"]["RequestParameters"] == {
        "integration.request.header.X-Amz-Invocation-Type": "'Event'",
        "integration.request.header.X-Amz-Durable-Execution-Name": "method.request.header.Idempotency-Key",
    }
    assert method["RequestParameters"] == {"method.request.header.Idempotency-Key": True}
    assert method["RequestValidatorId"] == {"Ref": _lid(stack, starter.node.find_child("Validator"))}
    template.has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestParameters": True})
    headers, body = render_request(method["Integration"]["RequestTemplates"]["application/json"], {"a": 1})
    assert (headers, body) == ({}, {"a": 1})  # the body passes on unchanged


def test_a_body_field_name_is_set_by_the_mapping_template_from_the_body(body_api: Any) -> None:
    _, _, _, template = body_api
    integration = _method(template)["Integration"]

    assert EXECUTION_NAME_HEADER not in json.dumps(integration["RequestParameters"])
    headers, body = render_request(
        integration["RequestTemplates"]["application/json"], {"order": {"id": "A-17"}, "qty": 2}
    )
    assert headers == {"X-Amz-Durable-Execution-Name": "A-17"}
    assert body == {"order": {"id": "A-17"}, "qty": 2}


def test_a_body_without_a_valid_name_fails_the_request_model(body_api: Any) -> None:
    stack, _, starter, template = body_api
    method = _method(template)
    model_id = _lid(stack, starter.node.find_child("RequestModel"))
    assert method["RequestModels"] == {"application/json": {"Ref": model_id}}
    template.has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True})
    schema = resources_of(template, "AWS::ApiGateway::Model")[model_id]["Properties"]["Schema"]
    validator = jsonschema.Draft4Validator(schema)

    assert validator.is_valid({"order": {"id": "A-17"}, "other": True})
    assert validator.is_valid({"order": {"id": 17}})
    for bad in (
        {},
        {"order": {}},
        {"order": {"id": ""}},
        {"order": {"id": "a b"}},
        {"order": {"id": "x" * 65}},
    ):
        assert not validator.is_valid(bad), bad


def test_the_method_sits_on_the_given_path_of_the_users_api(body_api: Any) -> None:
    _, _, starter, template = body_api
    parts = {
        r["Properties"]["PathPart"] for r in resources_of(template, "AWS::ApiGateway::Resource").values()
    }

    assert parts == {"v1", "orders"}
    assert starter.rest_api.node.id == "Shop"
    assert starter.method.resource.path == "/v1/orders"
    template.resource_count_is("AWS::ApiGateway::RestApi", 1)
    template.resource_count_is("AWS::ApiGateway::GatewayResponse", 0)  # the user's API is left as it is


def test_answers_202_with_the_execution_arn_header(header_api: Any) -> None:
    _, _, _, template = header_api
    method = _method(template)

    assert method["Integration"]["IntegrationResponses"] == [
        {
            "StatusCode": "202",
            "ResponseParameters": {
                "method.response.header.X-Amz-Durable-Execution-Arn": (
                    "integration.response.header.X-Amz-Durable-Execution-Arn"
                )
            },
            "ResponseTemplates": {"application/json": '{"status": "accepted"}'},
        }
    ]
    assert method["MethodResponses"] == [
        {
            "StatusCode": "202",
            "ResponseParameters": {"method.response.header.X-Amz-Durable-Execution-Arn": True},
        }
    ]


def test_its_own_api_explains_a_bad_body(header_api: Any) -> None:
    _, _, _, template = header_api
    template.has_resource_properties(
        "AWS::ApiGateway::GatewayResponse",
        {
            "ResponseType": "BAD_REQUEST_BODY",
            "ResponseTemplates": {"application/json": Match.string_like_regexp("validationErrorString")},
        },
    )


# --- Least privilege -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["header_api", "body_api"])
def test_the_integration_role_may_invoke_the_alias_only(fixture: str, request: pytest.FixtureRequest) -> None:
    stack, fn, starter, template = request.getfixturevalue(fixture)
    role_id = _lid(stack, starter.role)
    statements = [
        s
        for p in resources_of(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]

    assert statements == [
        {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Ref": _lid(stack, fn.alias)}}
    ]
    role = resources_of(template, "AWS::IAM::Role")[role_id]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "apigateway.amazonaws.com"
    }
    assert "ManagedPolicyArns" not in role and "Policies" not in role
    assert _method(template)["Integration"]["Credentials"] == {"Fn::GetAtt": [role_id, "Arn"]}


# --- Authorization -------------------------------------------------------------------------------------


def test_iam_authorization_by_default_and_grant_start_allows_execute_api(header_api: Any) -> None:
    _, _, starter, template = header_api
    assert _method(template)["AuthorizationType"] == "AWS_IAM"
    assert starter.method.node.path.endswith("Start/Api/Default/POST")


def test_grant_start_gives_execute_api_invoke_on_the_method() -> None:
    stack = new_stack()
    starter = ApiStarter(
        stack, "Start", target=durable(stack), execution_name=ExecutionName.from_header("Idempotency-Key")
    )
    caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
    starter.grant_start(caller)
    template = synth_linted(stack)

    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [{"Ref": _lid(stack, caller)}],
            "PolicyDocument": {
                "Statement": [Match.object_like({"Action": "execute-api:Invoke", "Effect": "Allow"})]
            },
        },
    )


def test_an_authorizer_overrides_iam() -> None:
    stack = new_stack()
    pool = cognito.UserPool(stack, "Users")
    authorizer = apigw.CognitoUserPoolsAuthorizer(stack, "Auth", cognito_user_pools=[pool])
    ApiStarter(
        stack,
        "Start",
        target=durable(stack),
        execution_name=ExecutionName.from_header("Idempotency-Key"),
        authorizer=authorizer,
    )
    method = _method(synth_linted(stack))

    assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert method["AuthorizerId"] == {"Ref": _lid(stack, authorizer)}


def test_no_authorization_is_allowed_with_a_warning() -> None:
    stack = new_stack()
    ApiStarter(
        stack,
        "Start",
        target=durable(stack),
        execution_name=ExecutionName.from_template("order-{orderId}"),
        authorization_type=apigw.AuthorizationType.NONE,
    )
    assert _method(synth_linted(stack))["AuthorizationType"] == "NONE"
    warnings = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("anyone who can reach")
    )
    assert len(warnings) == 1
    assert ANN_OPEN_API in str(warnings[0].entry.data)


# --- Wiring, as counted --------------------------------------------------------------------------------


def test_resources_per_starter() -> None:
    # Given a stack with only the durable function, When each starter is added, Then it adds exactly these.
    def types(stack: cdk.Stack) -> list[str]:
        return sorted(r["Type"] for r in Template.from_stack(stack).to_json()["Resources"].values())

    base = new_stack()
    durable(base)
    own = new_stack()
    ApiStarter(own, "S", target=durable(own), execution_name=ExecutionName.from_header("Idempotency-Key"))
    on_users = new_stack()
    api = apigw.RestApi(on_users, "Shop", cloud_watch_role=False)
    api.root.add_method("GET", apigw.MockIntegration())
    without_starter = len(types(base)) + 4  # RestApi, Deployment, Stage, the GET Method
    ApiStarter(
        on_users,
        "S",
        target=durable(on_users),
        execution_name=ExecutionName.from_body_field("orderId"),
        rest_api=api,
        path="orders",
    )

    added_own = sorted(set(types(own)) - set(types(base)))
    assert len(types(own)) - len(types(base)) == 8
    assert added_own == [
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::GatewayResponse",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Stage",
    ]  # + the role and its policy (already in the base as the function's)
    # on an existing API: Resource, Method, RequestValidator, Model, Role, Policy
    assert len(types(on_users)) - without_starter == 6


# --- Bad input: one line at construction ---------------------------------------------------------------


def _bad(**props: Any) -> None:
    stack = new_stack()
    fn = durable(stack)
    args: dict[str, Any] = {"target": fn, "execution_name": ExecutionName.from_header("Idempotency-Key")}
    args.update(props)
    if args["target"] == "plain function":
        args["target"] = lambda_.Function(
            stack,
            "Plain",
            code=lambda_.Code.from_inline("def handler(e, c):\n    return e\n"),
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_13,
        )
    ApiStarter(stack, "Start", **args)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"target": "plain function"},
            r"^ApiStarter target must be a cdk_durable.DurableFunction \(or one imported with "
            r"DurableFunction.from_alias_arn\), got Function$",
        ),
        ({"target": "arn:aws:lambda:us-east-1:123456789012:function:f:live"}, r"got str$"),
        ({"execution_name": "orderId"}, r"execution_name must be an ExecutionName .* got str$"),
        (
            {"execution_name": ExecutionName.from_jsonata("{% $events.Data.id %}")},
            r"cannot take its execution name from a JSONata .*: use ExecutionName\.from_header",
        ),
        ({"path": ""}, r"path must be a resource path like 'orders'"),
        ({"path": "/"}, r"path must be a resource path"),
        ({"authorization_type": "NONE"}, r"authorization_type must be an apigateway.AuthorizationType"),
        ({"rest_api": "abc123"}, r"rest_api must be an apigateway REST API .* got str$"),
    ],
)
def test_bad_props_are_refused_with_one_line(props: dict[str, Any], message: str) -> None:
    with pytest.raises(DurableValidationError, match=message) as raised:
        _bad(**props)
    assert "\n" not in str(raised.value)


def test_an_imported_durable_function_is_accepted_by_what_it_offers() -> None:
    # What DurableFunction.from_alias_arn returns offers alias_arn and grant_invoke (on the alias).
    stack = new_stack()

    class Imported:
        alias_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders:live"

        def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
            return iam.Grant.add_to_principal(
                grantee=grantee, actions=["lambda:InvokeFunction"], resource_arns=[self.alias_arn]
            )

    ApiStarter(stack, "Start", target=Imported(), execution_name=ExecutionName.from_header("Idempotency-Key"))
    template = synth_linted(stack)

    assert "function:orders:live/invocations" in json.dumps(_method(template)["Integration"]["Uri"])
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": "lambda:InvokeFunction",
                        "Effect": "Allow",
                        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders:live",
                    }
                ]
            }
        },
    )
