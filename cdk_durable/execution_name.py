"""``ExecutionName``: where a starter takes the durable execution name from.

A durable execution started twice with the same name (and the same payload) is one execution: the
second ``Invoke`` returns the first execution. A starter that names executions after something the
caller repeats on a retry (an order id, an ``Idempotency-Key`` header) therefore never starts a second
workflow for a retried request. :class:`ApiStarter` and :meth:`DurableFunction.add_event_starter` take
one of these.

Checked at construction, before anything is synthesized: a field must be a dotted path of JSON keys, a
header an HTTP header name, a template's fixed text must be characters an execution name allows
(1-64 of ``[a-zA-Z0-9_-]``) and leave room for its fields. The bounds come from
:mod:`cdk_durable.platform` and the messages from :mod:`cdk_durable._validation`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from . import _validation as v
from . import platform as p

__all__ = ["ExecutionName"]

Kind = Literal["field", "header", "template", "jsonata"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSONATA = re.compile(r"\{%[\s\S]+?%\}")


@dataclass(frozen=True)
class ExecutionName:
    """The durable execution name, from a request/event field, a header, a template or JSONata.

    Build one with a ``from_*`` class method; the constructor is not public API.
    """

    kind: Kind
    #: The field path, header name, template or JSONata expression, as given.
    source: str
    #: ``(kind, text)`` parts of a template (a field is one ``field`` part).
    parts: tuple[tuple[str, str], ...] = ()

    # --- Constructors ------------------------------------------------------------------------------

    @classmethod
    def from_body_field(cls, field: str) -> ExecutionName:
        """A field of the JSON body (API) or of the event's data (events), as a dotted path: ``"orderId"``,
        ``"order.id"``. For an event published with ``PutEvents`` the data is the whole envelope, so
        the field of ``Detail`` is ``"detail.orderId"``. The API refuses a request without it (400)."""
        v.check_json_field_path(field, name="execution name field")
        return cls("field", field, (("field", field),))

    @classmethod
    def from_json_path(cls, path: str) -> ExecutionName:
        """Same as :meth:`from_body_field`, written as a JSONPath: ``"$.order.id"``."""
        if not isinstance(path, str) or not path.startswith("$."):
            raise v.DurableValidationError(
                f"execution name JSON path must look like '$.order.id' (dotted keys after '$.'), got {path!r}"
            )
        v.check_json_field_path(path[2:], name="execution name JSON path after '$.'")
        return cls.from_body_field(path[2:])

    @classmethod
    def from_header(cls, header: str) -> ExecutionName:
        """An HTTP request header, e.g. ``"Idempotency-Key"`` (API only). The API refuses a request
        without it (400)."""
        v.check_http_header_name(header, name="execution name header")
        return cls("header", header)

    @classmethod
    def from_template(cls, template: str) -> ExecutionName:
        """Fixed text and ``{field}`` placeholders of the body / event data: ``"order-{order.id}"``.

        The fixed text must be execution-name characters (letters, digits, ``-``, ``_``) and leave room
        for the fields within 64 characters; at least one placeholder (a constant name starts one
        execution, ever).
        """
        parts = v.split_execution_name_template(template, name="execution name template")
        return cls("template", template, tuple(parts))

    @classmethod
    def from_jsonata(cls, expression: str) -> ExecutionName:
        """A JSONata expression in ``{% %}`` over ``$events`` (events only), for example
        ``"{% $events.Data.detail.orderId & '-' & $events.Data.detail.version %}"``. Not checked
        beyond its delimiters: EventBridge checks the syntax when it creates the subscriber, and a
        value that is not a valid execution name fails that event's delivery."""
        if not isinstance(expression, str) or not _JSONATA.fullmatch(expression):
            raise v.DurableValidationError(
                "execution name JSONata expression must be enclosed in {% %}, e.g. "
                f"'{{% $events.Data.detail.orderId %}}', got {expression!r}"
            )
        return cls("jsonata", expression)

    # --- What it reads -----------------------------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        """Dotted paths of the body / event data this name reads."""
        return tuple(text for kind, text in self.parts if kind == "field")

    @property
    def fixed_length(self) -> int:
        """Characters of fixed template text."""
        return sum(len(text) for kind, text in self.parts if kind == "literal")

    def describe(self) -> str:
        return {
            "field": f"body field {self.source!r}",
            "header": f"header {self.source!r}",
            "template": f"template {self.source!r}",
            "jsonata": f"JSONata {self.source!r}",
        }[self.kind]

    def require(self, allowed: Sequence[Kind], *, where: str) -> None:
        """Refuse a kind the starter cannot use, naming the ones it can."""
        if self.kind not in allowed:
            names = {
                "field": "from_body_field/from_json_path",
                "header": "from_header",
                "template": "from_template",
                "jsonata": "from_jsonata",
            }
            raise v.DurableValidationError(
                f"{where} cannot take its execution name from a {self.describe()}: use ExecutionName."
                + ", ".join(names[k] for k in allowed)
            )

    # --- Renderings ----------------------------------------------------------------------------------

    def vtl(self) -> str:
        """API Gateway mapping-template lines that set ``$name`` from the body (field / template)."""
        lines: list[str] = []
        pieces: list[str] = []
        for i, (kind, text) in enumerate(self.parts):
            if kind == "literal":
                pieces.append(text)
                continue
            lines.append(f"#set($f{i} = $input.path({_vtl_quote(_json_path(text))}))")
            pieces.append(f"${{f{i}}}")
        lines.append(f'#set($name = "{"".join(pieces)}")')
        return "\n".join(lines)

    def jsonata(self) -> str:
        """The ``{% %}`` expression EventBridge evaluates over ``$events`` (field / template / JSONata)."""
        if self.kind == "jsonata":
            return self.source
        terms = [
            f"'{text}'" if kind == "literal" else f"$string({_jsonata_path(text)})"
            for kind, text in self.parts
        ]
        return "{% " + " & ".join(terms) + " %}"

    def json_schema_leaf(self) -> tuple[int, str]:
        """``(max length, pattern)`` each field value must meet for the name to be valid."""
        room = p.EXECUTION_NAME_MAX_LENGTH - self.fixed_length - (len(self.fields) - 1)
        return room, f"^[{p.EXECUTION_NAME_CHARS}]+$"


def _json_path(field: str) -> str:
    keys = field.split(".")
    return "$" + "".join(f".{k}" if _IDENTIFIER.fullmatch(k) else f"['{k}']" for k in keys)


def _vtl_quote(text: str) -> str:
    """A VTL string literal; double quotes when the path holds single quotes (VTL interpolates
    ``$name`` in double quotes, and a JSON path's ``$`` followed by ``.`` or ``[`` is left as is)."""
    return f'"{text}"' if "'" in text else f"'{text}'"


def _jsonata_path(field: str) -> str:
    return "$events.Data." + ".".join(f"`{k}`" for k in field.split("."))
