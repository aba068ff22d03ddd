"""DUR-W4: a published version of a durable function would be deleted on update.

An execution replays on the version it started on. An ``AWS::Lambda::Version`` is deleted when a
deploy drops it from the template (CDK's ``current_version`` and SAM's ``AutoPublishAlias`` name each
version after a hash of the code and configuration, so every change drops the old one) unless it has
``DeletionPolicy: Retain``, and when a deploy replaces it (a plain template whose version properties
change) unless it has ``UpdateReplacePolicy: Retain``. Either way the executions suspended on it (a
7-day approval, a 3-day escalation) can no longer resume: their next invocation fails.

Compliant when ``UpdateReplacePolicy`` is ``Retain`` and ``DeletionPolicy`` is ``Retain`` or
``RetainExceptOnCreate`` (``RemovalPolicy.RETAIN`` / ``RETAIN_ON_UPDATE_OR_DELETE`` in CDK: the latter
deletes a version only when the stack's creation fails, when no execution can have started). A version
produced by SAM's ``AutoPublishAlias`` carries ``DeletionPolicy: Retain`` and a logical id that
changes with every change of what it publishes, so it is never replaced in place: compliant.
"""

from __future__ import annotations

import re

from .._template import RETAIN, RETAIN_EXCEPT_ON_CREATE, VERSION, Compliance, Resource, StackTemplate

#: SAM's AutoPublishAlias names versions ``<Function>Version<10 hex digits of the code hash>``.
_SAM_VERSION_ID = re.compile(r"^(?P<function>[A-Za-z0-9]+)Version[0-9a-f]{10}$")


def _function_of(resource: Resource, stack: StackTemplate) -> str | None:
    targets = stack.durable_targets(resource.properties.get("FunctionName"))
    return targets[0].function_id if targets else None


def _is_sam_auto_published(resource: Resource, function_id: str) -> bool:
    m = _SAM_VERSION_ID.match(resource.logical_id)
    return m is not None and m.group("function") == function_id


def version_deleted_on_update(resource: Resource, stack: StackTemplate) -> Compliance:
    if resource.type != VERSION:
        return Compliance.NOT_APPLICABLE
    function_id = _function_of(resource, stack)
    if function_id is None:
        return Compliance.NOT_APPLICABLE
    if resource.deletion_policy not in (RETAIN, RETAIN_EXCEPT_ON_CREATE):
        return Compliance.NON_COMPLIANT
    if resource.update_replace_policy == RETAIN or _is_sam_auto_published(resource, function_id):
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT
