"""The requirement a generated project gets for cdk-durable, from each PEP 610 install kind."""

from __future__ import annotations

import json

import pytest

from cdk_durable import __version__
from cdk_durable._requirement import installed_requirement, requirement_for
from tests.templates.conftest import ROOT


def direct_url(**info: object) -> str:
    return json.dumps(info)


@pytest.mark.parametrize(
    ("direct", "expected"),
    [
        (None, "cdk-durable==0.2.0"),
        ("", "cdk-durable==0.2.0"),
        (
            direct_url(url="file:///dist/cdk_durable-0.2.0-py3-none-any.whl", archive_info={"hashes": {}}),
            "cdk-durable @ file:///dist/cdk_durable-0.2.0-py3-none-any.whl",
        ),
        (
            direct_url(url="https://example.com/cdk_durable-0.2.0.tar.gz", archive_info={}),
            "cdk-durable @ https://example.com/cdk_durable-0.2.0.tar.gz",
        ),
        (
            direct_url(url="file:///home/me/cdk-durable", dir_info={}),
            "cdk-durable @ file:///home/me/cdk-durable",
        ),
        (
            direct_url(url="file:///home/me/cdk-durable", dir_info={"editable": True}),
            "cdk-durable @ file:///home/me/cdk-durable",
        ),
        (
            direct_url(
                url="https://github.com/me/cdk-durable",
                vcs_info={"vcs": "git", "commit_id": "0123abcd", "requested_revision": "main"},
            ),
            "cdk-durable @ git+https://github.com/me/cdk-durable@0123abcd",
        ),
        (
            direct_url(
                url="https://github.com/me/mono", vcs_info={"vcs": "git"}, subdirectory="python/cdk-durable"
            ),
            "cdk-durable @ git+https://github.com/me/mono#subdirectory=python/cdk-durable",
        ),
    ],
    ids=[
        "index",
        "index-empty",
        "wheel-file",
        "sdist-url",
        "directory",
        "editable",
        "git-commit",
        "git-subdirectory",
    ],
)
def test_requirement_for_each_install_kind(direct, expected):
    assert requirement_for("0.2.0", direct) == expected


def test_this_editable_install_points_at_this_checkout():
    assert installed_requirement() == f"cdk-durable @ {ROOT.as_uri()}"
    assert requirement_for(__version__, None) == f"cdk-durable=={__version__}"
