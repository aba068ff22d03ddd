"""ExecutionName: what each source accepts and refuses, and what its renderings compute.

The API renderings run in a Velocity engine with API Gateway's extensions (airspeed-ext, LocalStack's),
the event renderings in a JSONata engine (jsonata-python), so a test asserts the name a request or an
event really produces, not the text of the template.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import airspeed
import jsonata
import pytest

from cdk_durable import ExecutionName
from cdk_durable._validation import DurableValidationError
from cdk_durable.api_starter import request_template
from cdk_durable.platform import EXECUTION_NAME_HEADER, EXECUTION_NAME_PATTERN


class _Input:
    """``$input`` of an API Gateway mapping template, over one JSON body."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def path(self, path: str) -> Any:
        value = self._body
        for key in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']+)'\]", path):
            value = value[key[0] or key[1]]
        return value

    def json(self, path: str) -> str:
        assert path == "$"
        return json.dumps(self._body)


def render_request(template: str, body: Any) -> tuple[dict[str, str], Any]:
    """(integration request headers set by the template, the body it passes on)."""
    context: dict[str, Any] = {"requestOverride": {"header": {}}}
    out = airspeed.Template(template).merge({"input": _Input(body), "context": context})
    return context["requestOverride"]["header"], json.loads(out.strip().splitlines()[-1])


def evaluate_event(name: ExecutionName, data: Any) -> Any:
    expression = name.jsonata()
    assert expression.startswith("{%") and expression.endswith("%}")
    events = {"Data": data, "Metadata": {}, "SystemMetadata": {"ContentType": "application/json"}}
    return jsonata.Jsonata(expression[2:-2]).evaluate(None, {"events": events})


# --- API renderings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        (ExecutionName.from_body_field("orderId"), {"orderId": "A-17"}, "A-17"),
        (ExecutionName.from_body_field("order.id"), {"order": {"id": "x_1"}}, "x_1"),
        (ExecutionName.from_json_path("$.order.id"), {"order": {"id": "x_1"}}, "x_1"),
        (ExecutionName.from_body_field("order-no"), {"order-no": "N9"}, "N9"),
        (ExecutionName.from_body_field("orderId"), {"orderId": 12345}, "12345"),
        (ExecutionName.from_template("order-{orderId}-{n}"), {"orderId": "A", "n": 2}, "order-A-2"),
    ],
)
def test_the_request_template_sets_the_name_header_and_passes_the_body_on(
    name: ExecutionName, body: Any, expected: str
) -> None:
    headers, passed = render_request(request_template(name), body)

    assert headers == {EXECUTION_NAME_HEADER: expected}
    assert re.match(EXECUTION_NAME_PATTERN, expected)
    assert passed == body


# --- Event renderings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (ExecutionName.from_body_field("detail.orderId"), {"detail": {"orderId": "A-17"}}, "A-17"),
        (ExecutionName.from_body_field("orderId"), {"orderId": 42}, "42"),
        (ExecutionName.from_json_path("$.detail.order-no"), {"detail": {"order-no": "N9"}}, "N9"),
        (
            ExecutionName.from_template("order-{detail.orderId}-v{detail.version}"),
            {"detail": {"orderId": "A", "version": 3}},
            "order-A-v3",
        ),
        (
            ExecutionName.from_jsonata("{% $events.Data.detail.orderId & '-x' %}"),
            {"detail": {"orderId": "A"}},
            "A-x",
        ),
    ],
)
def test_the_jsonata_expression_computes_the_name_from_the_event_data(
    name: ExecutionName, data: Any, expected: str
) -> None:
    assert evaluate_event(name, data) == expected


# --- Refused at construction, one line each ------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: ExecutionName.from_body_field(""),
            r"execution name field must be a dotted path of JSON keys",
        ),
        (lambda: ExecutionName.from_body_field("order..id"), r"dotted path of JSON keys .* got 'order..id'"),
        (lambda: ExecutionName.from_body_field(7), r"dotted path of JSON keys .* got 7"),
        (lambda: ExecutionName.from_json_path("order.id"), r"JSON path must look like '\$\.order\.id'"),
        (lambda: ExecutionName.from_json_path("$.items[0]"), r"JSON path after '\$\.' must be a dotted path"),
        (lambda: ExecutionName.from_header(""), r"execution name header must be an HTTP header name"),
        (lambda: ExecutionName.from_header("Idempotency Key"), r"HTTP header name .* got 'Idempotency Key'"),
        (lambda: ExecutionName.from_header("Key:1"), r"HTTP header name"),
        (lambda: ExecutionName.from_template("order"), r"at least one \{field\} placeholder"),
        (lambda: ExecutionName.from_template("order {id}"), r"letters, digits, '-' and '_'"),
        (lambda: ExecutionName.from_template("order.{id}"), r"letters, digits, '-' and '_'"),
        (lambda: ExecutionName.from_template("order-{id"), r"unbalanced"),
        (lambda: ExecutionName.from_template("order-{}"), r"placeholder \{\} must be a dotted path"),
        (lambda: ExecutionName.from_template("x" * 64 + "{id}"), r"leaves no room for its fields"),
        (lambda: ExecutionName.from_jsonata("$events.Data.id"), r"must be enclosed in \{% %\}"),
    ],
)
def test_a_name_that_can_never_be_valid_is_refused_with_one_line(make: Any, message: str) -> None:
    with pytest.raises(DurableValidationError, match=message) as raised:
        make()
    assert "\n" not in str(raised.value)


def test_a_template_that_fills_the_64_characters_exactly_is_accepted() -> None:
    name = ExecutionName.from_template("x" * 63 + "{id}")

    assert evaluate_event(name, {"id": "y"}) == "x" * 63 + "y"
    assert name.json_schema_leaf()[0] == 1


def test_every_example_in_the_docs_builds_a_name() -> None:
    # docs/starters.md prints one ExecutionName per line: each must construct exactly as printed.
    page = (Path(__file__).resolve().parents[2] / "docs" / "starters.md").read_text()
    section = page.split("## Where the name comes from", 1)[1]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert block.startswith("from cdk_durable import ExecutionName\n")

    examples = [
        line.split("#")[0].strip() for line in block.splitlines() if line.startswith("ExecutionName.")
    ]
    assert len(examples) == 6
    for example in examples:
        assert isinstance(eval(example, {"ExecutionName": ExecutionName}), ExecutionName)
