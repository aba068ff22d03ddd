"""One rule per module, named after the rule: ``<name>.py`` defines ``<name>(resource, stack)``.

Each rule is a pure function ``(resource, stack) -> Compliance``: ``resource`` is the resolved
CloudFormation view of one resource and ``stack`` the view of the stack (or template) it lives in
(:class:`cdk_durable.checks._template.StackTemplate`), used for lookups only. Their ids, levels and
texts are in :mod:`cdk_durable.checks.registry`; the invokers they share in :mod:`._invokers`.
"""

from __future__ import annotations

from ._invokers import INVOKERS, Invoker
from .async_without_dlq import async_without_dlq
from .durable_destinations import durable_destinations
from .esm_execution_timeout import esm_execution_timeout
from .execution_role_checkpoint import execution_role_checkpoint
from .failure_monitoring import failure_monitoring
from .kms_key_policy import kms_key_policy
from .no_version_or_alias import no_version_or_alias
from .not_checked import not_checked
from .otel_both_views import otel_both_views
from .otel_layer_without_wrapper import otel_layer_without_wrapper
from .otel_wrapper_without_layer import otel_wrapper_without_layer
from .otlp_headers_plaintext import otlp_headers_plaintext
from .pinned_function_name import pinned_function_name
from .sync_invocation_timeout import sync_invocation_timeout
from .unqualified_env_reference import unqualified_env_reference
from .unqualified_invocation import unqualified_invocation
from .version_deleted_on_update import version_deleted_on_update
from .xray_tracing_without_permission import xray_tracing_without_permission

__all__ = [
    "INVOKERS",
    "Invoker",
    "async_without_dlq",
    "durable_destinations",
    "esm_execution_timeout",
    "execution_role_checkpoint",
    "failure_monitoring",
    "kms_key_policy",
    "no_version_or_alias",
    "not_checked",
    "otel_both_views",
    "otel_layer_without_wrapper",
    "otel_wrapper_without_layer",
    "otlp_headers_plaintext",
    "pinned_function_name",
    "sync_invocation_timeout",
    "unqualified_env_reference",
    "unqualified_invocation",
    "version_deleted_on_update",
    "xray_tracing_without_permission",
]
