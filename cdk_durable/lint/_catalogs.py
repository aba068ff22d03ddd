"""The symbol catalogs the checks match (canonical dotted names, after import-alias resolution).

The names are data, in ``catalogs.toml`` beside this module: a contributor teaching the linter a new
clock, client or logger edits that file only. Each constant here is the file's key in upper case.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Final

_DATA: Final[dict[str, list[str] | str]] = tomllib.loads(
    files(__package__).joinpath("catalogs.toml").read_text(encoding="utf-8")
)


def _set(key: str) -> frozenset[str]:
    return frozenset(_DATA[key])


def _tuple(key: str) -> tuple[str, ...]:
    return tuple(_DATA[key])


NONDETERMINISTIC_CALLS: Final = _set("nondeterministic_calls")
NONDETERMINISTIC_METHODS: Final = _set("nondeterministic_methods")
NONDETERMINISTIC_MODULES: Final = _tuple("nondeterministic_modules")
DETERMINISTIC_EXCEPTIONS: Final = _set("deterministic_exceptions")
NETWORK_CALLS: Final = _set("network_calls")
HTTP_MODULES: Final = _tuple("http_modules")
HTTP_VERBS: Final = _set("http_verbs")
CLIENT_FACTORIES: Final = _set("client_factories")
PRINT_CALLS: Final = _set("print_calls")
LOGGING_FUNCTIONS: Final = _set("logging_functions")
LOGGER_FACTORIES: Final = _set("logger_factories")
FILE_WRITE_CALLS: Final = _set("file_write_calls")
PATH_WRITE_METHODS: Final = _set("path_write_methods")
ENV_READ_CALLS: Final = _set("env_read_calls")
ENV_MAPPING: Final = str(_DATA["env_mapping"])
VOLATILE_ENV_VARS: Final = _set("volatile_env_vars")
MUTATING_METHODS: Final = _set("mutating_methods")
NAME_SAFE_CALLS: Final = _set("name_safe_calls")
