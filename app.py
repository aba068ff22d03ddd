#!/usr/bin/env python3
"""The top-level CDK app: the support-triage demo built on ``cdk_durable.DurableFunction``.

``cdk synth`` (see ``cdk.json``) or ``make synth``. Context ``modelId`` / ``inferenceProfilePrefix``
choose the Bedrock model (``cdk synth -c modelId=...``).
"""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from demo.stack import DEFAULT_MODEL_ID, DEFAULT_PROFILE_PREFIX, TriageStack


def build_app(app: cdk.App | None = None, *, nag: bool = True) -> cdk.App:
    app = app or cdk.App()
    TriageStack(
        app,
        "SupportTriage",
        model_id=app.node.try_get_context("modelId") or DEFAULT_MODEL_ID,
        inference_profile_prefix=app.node.try_get_context("inferenceProfilePrefix") or DEFAULT_PROFILE_PREFIX,
        description="Support-ticket triage on AWS Lambda durable functions (cdk-durable demo)",
    )
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app


if __name__ == "__main__":
    build_app().synth()
