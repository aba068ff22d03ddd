"""Property paths with ``*`` for list items: ``values_at(props, "Targets.*.Arn")``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def values_at(value: Any, path: str) -> list[Any]:
    """All values at a dotted ``path``; ``*`` walks every item of a list (or value of a map)."""
    current: list[Any] = [value]
    for key in path.split("."):
        following: list[Any] = []
        for v in current:
            if key == "*":
                if isinstance(v, list):
                    following += v
                elif isinstance(v, Mapping):
                    following += list(v.values())
            elif isinstance(v, Mapping) and key in v:
                following.append(v[key])
        current = following
    return [v for v in current if v is not None]
