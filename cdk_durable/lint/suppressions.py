"""Per-line suppression comments: ``# noqa``, ``# noqa: DUR001``, ``# durable: ignore[DUR005]``."""

from __future__ import annotations

import re

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*))?", re.IGNORECASE)
_DURABLE_IGNORE = re.compile(r"#\s*durable:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
ALL_CODES = "*"


def suppressions(source: str) -> dict[int, set[str]]:
    """Map line number -> suppressed codes (``{"*"}`` for a bare ``# noqa``)."""
    out: dict[int, set[str]] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" not in line:
            continue
        for pattern in (_NOQA, _DURABLE_IGNORE):
            for match in pattern.finditer(line):
                codes = match.group("codes")
                found = {c.upper() for c in re.split(r"[\s,]+", codes) if c} if codes else {ALL_CODES}
                out.setdefault(number, set()).update(found)
    return out
