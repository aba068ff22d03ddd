"""A durable function from another stack or another app: ``DurableFunction.from_alias_arn`` and
``DurableFunction.from_function_name``.

The imported function is an ``aws_lambda.IFunction`` standing for the alias (same as ``DurableFunction``):
``grant_invoke``, ``add_permission`` and every CDK integration use the alias ARN; the durable grants
(``grant_send_callback``, ``grant_read_executions``, ``grant_stop_execution``, ``grant_pause_execution``,
``grant_delete_execution``) act on ``<function ARN>:*`` (its executions), and the durable metrics use the
unqualified function name.
"""

from __future__ import annotations

import re

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from . import _validation as v
from . import platform as p
from ._args import require_id, require_optional
from ._facade import DurableFunctionFacade

__all__ = ["ImportedDurableFunction"]

#: ``arn:<partition>:lambda:<region>:<account>:function:<name>:<alias or version>``.
_QUALIFIED_ARN = re.compile(
    rf"^{p.function_arn_pattern(rf'(?P<name>{p.FUNCTION_NAME_CHARS})')}:(?P<qualifier>{p.QUALIFIER_CHARS})$"
)
_ARN_FORM = "arn:<partition>:lambda:<region>:<account>:function:<name>:<alias>"


@jsii.implements(lambda_.IFunction)
class ImportedDurableFunction(DurableFunctionFacade, Construct):
    """A durable function defined elsewhere, known by its alias ARN. Use the factories on
    :class:`~cdk_durable.DurableFunction`. Child: ``Alias`` (``lambda_.Function.from_function_attributes``
    on the alias ARN)."""

    def __init__(self, scope: Construct, id: str, *, alias_arn: str, kms_key: kms.IKey | None = None) -> None:
        super().__init__(scope, id)
        require_optional(
            kms_key, kms.IKey, "kms_key", "a kms.IKey (the key of the function's execution data)"
        )
        self.kms_key = kms_key
        self._alias_arn = alias_arn
        if cdk.Token.is_unresolved(alias_arn):
            # An ARN known at deploy time only (Fn.import_value, a parameter): split it in the template.
            parts = cdk.Fn.split(":", alias_arn, assumed_length=8)
            self._function_arn = cdk.Fn.join(":", [parts[i] for i in range(7)])
            self._name = parts[6]
            self.alias_name = parts[7]
        else:
            m = _QUALIFIED_ARN.match(alias_arn)
            assert m is not None  # checked by the factories
            self._function_arn = alias_arn.rsplit(":", 1)[0]
            self._name = m.group("name")
            self.alias_name = m.group("qualifier")
        self.alias: lambda_.IFunction = lambda_.Function.from_function_attributes(
            self, "Alias", function_arn=alias_arn
        )
        self.function = self.alias

    # --- facade hooks ---

    @property
    def _function(self) -> lambda_.IFunction:
        return self.alias

    @property
    def _execution_seconds(self) -> float | None:
        return None  # not known here: the function's own stack checks its sources

    @property
    def metric_function_name(self) -> str:
        return self._name

    @property
    def unqualified_function_arn(self) -> str:
        """The unqualified function ARN, for policies on execution ARNs (``<arn>:*``); never invoke it."""
        return self._function_arn

    def _unqualified_arn(self, grantee: iam.IGrantable | None) -> str:
        return self._function_arn


def check_alias_arn(alias_arn: object) -> str:
    """A qualified (alias or version) Lambda function ARN, or a token; one line otherwise."""
    if not isinstance(alias_arn, str):
        raise v.DurableValidationError(
            f"alias_arn must be a string ARN ({_ARN_FORM}), got {type(alias_arn).__name__}"
        )
    if cdk.Token.is_unresolved(alias_arn):
        return alias_arn
    m = _QUALIFIED_ARN.match(alias_arn)
    if m is None:
        unqualified = re.match(rf"^{p.function_arn_pattern()}$", alias_arn)
        why = (
            "it is unqualified, and durable functions are invoked through an alias or version only"
            if unqualified
            else "it is not a Lambda function ARN"
        )
        raise v.DurableValidationError(f"alias_arn must be {_ARN_FORM} ({why}), got {alias_arn!r}")
    if m.group("qualifier") == "$LATEST":
        raise v.DurableValidationError(
            f"alias_arn must name an alias or a version, not $LATEST (durable functions cannot be invoked "
            f"through $LATEST), got {alias_arn!r}"
        )
    return alias_arn


def alias_arn_for(scope: Construct, function_name: object, alias: object) -> str:
    """The alias ARN of ``function_name`` in the scope's account and region."""
    if not isinstance(function_name, str) or not (
        cdk.Token.is_unresolved(function_name) or re.match(p.FUNCTION_NAME_PATTERN, function_name)
    ):
        raise v.DurableValidationError(
            f"function_name must be a Lambda function name (1-64 letters, digits, '-' or '_'; not an ARN), "
            f"got {function_name!r}"
        )
    if not isinstance(alias, str):
        raise v.DurableValidationError(f"alias must be a string (an alias name), got {type(alias).__name__}")
    if not cdk.Token.is_unresolved(alias):
        v.check_alias_name(alias, name="alias")
    require_id(function_name, "function_name")
    return cdk.Stack.of(scope).format_arn(
        service="lambda",
        resource="function",
        resource_name=f"{function_name}:{alias}",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )
