"""SAM templates: translate them to the CloudFormation SAM deploys, offline, for the durable rules.

cfn-lint 1.5x validates SAM templates against SAM's own schemas and no longer hands its rules the
transformed template (``cfn.template`` still holds ``AWS::Serverless::Function``). The durable rules
are about what SAM deploys (the version ``AutoPublishAlias`` publishes and its ``DeletionPolicy``,
the alias, the role with the durable managed policy, the event sources pointed at the alias), so the
plugin runs the SAM translator itself, the way cfn-lint 0.x and ``sam validate`` do: local
``CodeUri`` paths become placeholder S3 URIs, AWS managed policies are not looked up.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator, Mapping
from typing import Any

from ..checks._template import mapping_values
from ..errors import CdkDurableError

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_PLACEHOLDER_URI = "s3://bucket/value"
_URI_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


class SamTranslationError(CdkDurableError):
    """The SAM translator is missing or refused the template: one line saying which."""


def is_sam(template: Mapping[str, Any]) -> bool:
    declared = template.get("Transform")
    names = declared if isinstance(declared, list) else [declared]
    return SAM_TRANSFORM in names


def translate(template: Mapping[str, Any], region: str = "us-east-1") -> dict[str, Any]:
    """The CloudFormation template SAM would deploy for ``template`` (which is not modified)."""
    try:
        from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
        from samtranslator.parser.parser import Parser
        from samtranslator.public.exceptions import InvalidDocumentException
        from samtranslator.translator.translator import Translator
    except ImportError as exc:
        raise SamTranslationError(
            "the durable rules need aws-sam-translator to read SAM templates: pip install "
            "'aws-sam-translator>=1.106'"
        ) from exc
    sam = copy.deepcopy(dict(template))
    _placeholder_uris(sam)
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())  # recorded, never sent
    try:
        with _default_region(region):  # SAM's ARN partition comes from the region
            translated = Translator(managed_policy_map={}, sam_parser=Parser(), metrics=metrics).translate(
                sam_template=sam, parameter_values={}, passthrough_metadata=True
            )
    except InvalidDocumentException as exc:
        causes = "; ".join(str(c.message) for c in exc.causes) or str(exc)
        raise SamTranslationError(f"SAM could not transform the template: {causes}") from exc
    except Exception as exc:  # the translator's own failures: report, do not crash the lint run
        raise SamTranslationError(f"SAM could not transform the template: {exc}") from exc
    finally:
        metrics.publish()  # to the dummy publisher: no "unpublished metrics" warning at exit
    return dict(translated)


@contextlib.contextmanager
def _default_region(region: str) -> Iterator[None]:
    """``AWS_DEFAULT_REGION`` set (when unset) for the translation only: the environment is restored."""
    if os.environ.get("AWS_DEFAULT_REGION"):
        yield
        return
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        del os.environ["AWS_DEFAULT_REGION"]


def _placeholder_uris(template: dict[str, Any]) -> None:
    for body in mapping_values(template.get("Resources")):
        key = _URI_PROPERTIES.get(str(body.get("Type")))
        props = body.get("Properties")
        if key is None or not isinstance(props, dict):
            continue
        if props.get("PackageType") == "Image":
            continue
        value = props.get(key)
        if value is None or (isinstance(value, str) and not value.startswith("s3://")):
            props[key] = _PLACEHOLDER_URI
        if isinstance(props.get("AutoPublishCodeSha256"), dict):
            props["AutoPublishCodeSha256"] = "placeholder"
