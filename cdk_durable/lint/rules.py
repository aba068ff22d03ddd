"""The linter's rules and the symbol catalogs they match, as data.

Each rule enforces one of the replay-model rules in PLATFORM.md ("Replay model rules"). Codes are
stable: a code is never reused for a different check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..rule_info import RuleInfo, Severity

DOCS_PAGE: Final = "docs/lint.md"


@dataclass(frozen=True)
class Rule(RuleInfo):
    """One lint rule: a :class:`RuleInfo` plus the replay rule it enforces and whether it runs by
    default (``--select`` / ``--extend-select`` turn an opt-in rule on)."""

    replay_rule: str = ""
    default_enabled: bool = True


def _rule(
    code: str,
    name: str,
    summary: str,
    replay_rule: str,
    fix: str,
    severity: Severity = Severity.ERROR,
    *,
    default_enabled: bool = True,
) -> Rule:
    return Rule(
        code=code,
        name=name,
        severity=severity,
        summary=summary,
        fix=fix,
        docs=f"{DOCS_PAGE}#{code.lower()}",
        replay_rule=replay_rule,
        default_enabled=default_enabled,
    )


RULES: Final[tuple[Rule, ...]] = (
    _rule(
        "DUR001",
        "nondeterministic-call",
        "A clock, random or identity source (time, datetime, random, uuid, secrets, os.urandom) "
        "runs outside a step.",
        "1. Non-deterministic code only inside steps.",
        "Move the call into a step (`context.step(lambda _: ...)`) and use the checkpointed result.",
    ),
    _rule(
        "DUR002",
        "external-io",
        "A network or database call (AWS SDK client, requests, httpx, urllib, sockets, DB drivers) "
        "runs outside a step.",
        "1. Non-deterministic code only inside steps (and 4: it repeats on every replay).",
        "Wrap the call in a step so it runs once and its result is checkpointed.",
    ),
    _rule(
        "DUR003",
        "durable-op-in-step",
        "A durable operation (step, wait, invoke, map, parallel, callback, child context) is "
        "called inside a step function.",
        "2. No durable operation inside a step function.",
        "Use `context.run_in_child_context(...)` to group operations; steps only do plain work.",
    ),
    _rule(
        "DUR004",
        "captured-write-in-step",
        "A step function writes to captured or module state (global/nonlocal, item or attribute "
        "assignment, in-place mutation).",
        "3. Mutating captured variables inside a step is lost on replay.",
        "Return the value from the step and assign it outside the step.",
    ),
    _rule(
        "DUR005",
        "side-effect-outside-step",
        "A side effect (print, plain logging, file or stream writes) runs outside a step and "
        "repeats on every replay.",
        "4. Side effects outside steps repeat on every replay.",
        "Log with `context.logger` (replay-aware) or move the side effect into a step.",
    ),
    _rule(
        "DUR006",
        "nondeterministic-branch",
        "Control flow outside a step depends on a non-deterministic value.",
        "1 and 5. A different branch on replay changes the sequence of operations.",
        "Compute the decision inside a step and branch on the checkpointed result.",
    ),
    _rule(
        "DUR007",
        "unstable-operation-name",
        "An operation name is not a stable literal (built from a non-deterministic value or "
        "a function call).",
        "5. Step names must be stable literals.",
        "Use a string literal; to tell iterations apart, format in deterministic data "
        '(an index or an event field): `name=f"item-{index}"`.',
    ),
    _rule(
        "DUR008",
        "volatile-environment-read",
        "An environment variable that changes per invocation or per sandbox (trace id, log stream, "
        "temporary credentials) is read outside a step.",
        "1. Non-deterministic code only inside steps.",
        "Read it inside a step (or use the value the SDK gives you, such as `context.logger`).",
    ),
    _rule(
        "DUR009",
        "environment-read",
        "A configuration environment variable is read outside a step; it can differ between the "
        "original run and a replay when executions are not pinned to a published version.",
        "1. Non-deterministic code only inside steps.",
        "Invoke through a version or alias (the configuration of a version is immutable) and ignore "
        "this rule, or read the value inside a step.",
        Severity.WARNING,
        # Off by default: a version's configuration is immutable and executions are pinned to the
        # version they started on (every invoker goes through the alias), so these reads replay the
        # same values. Turn it on for unpinned deployments: --select DUR009 / --extend-select DUR009.
        default_enabled=False,
    ),
)

(
    NONDETERMINISTIC_CALL,
    EXTERNAL_IO,
    DURABLE_OP_IN_STEP,
    CAPTURED_WRITE_IN_STEP,
    SIDE_EFFECT_OUTSIDE_STEP,
    NONDETERMINISTIC_BRANCH,
    UNSTABLE_OPERATION_NAME,
    VOLATILE_ENVIRONMENT_READ,
    ENVIRONMENT_READ,
) = RULES

RULES_BY_CODE: Final = {rule.code: rule for rule in RULES}
#: Codes that run without ``--select``.
DEFAULT_CODES: Final = frozenset(rule.code for rule in RULES if rule.default_enabled)
#: Reported when a file cannot be parsed; not a replay rule and never suppressible.
SYNTAX_ERROR = Rule(
    code="DUR900",
    name="syntax-error",
    severity=Severity.ERROR,
    summary="The file could not be parsed and was not analysed.",
    fix="Fix the syntax; this finding is never suppressible.",
    docs=f"{DOCS_PAGE}#dur900",
)
SYNTAX_ERROR_CODE: Final = SYNTAX_ERROR.code
#: Codes of the rules about what repeats or changes on replay (not the step-body rules): a handler
#: that calls no durable operation never replays, so none of these apply to it.
REPLAY_CODES: Final = frozenset(
    rule.code for rule in RULES if rule not in (DURABLE_OP_IN_STEP, CAPTURED_WRITE_IN_STEP)
)

# --- Symbol catalogs (canonical dotted names after import-alias resolution) ----------------------

NONDETERMINISTIC_CALLS: Final = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.process_time",
        "time.localtime",
        "time.gmtime",
        "time.ctime",
        "time.asctime",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "uuid.uuid1",
        "uuid.uuid4",
        "os.urandom",
        "os.getrandom",
        "os.getpid",
        "random.SystemRandom",
        "pendulum.now",
        "pendulum.today",
        "arrow.now",
        "arrow.utcnow",
    }
)
#: Methods that read the clock whatever their receiver (the Lambda context's remaining time).
NONDETERMINISTIC_METHODS: Final = frozenset({"get_remaining_time_in_millis"})
#: Every function of these modules is non-deterministic (``random.seed`` aside).
NONDETERMINISTIC_MODULES: Final = ("random", "secrets", "numpy.random")
DETERMINISTIC_EXCEPTIONS: Final = frozenset({"random.seed", "random.Random", "numpy.random.default_rng"})

#: Calls that perform network or database I/O themselves.
NETWORK_CALLS: Final = frozenset(
    {
        "urllib.request.urlopen",
        "urllib.request.urlretrieve",
        "socket.create_connection",
        "socket.getaddrinfo",
        "socket.gethostbyname",
    }
)
#: Modules whose top-level request functions do I/O (``requests.get``, ``httpx.post``, ...).
HTTP_MODULES: Final = ("requests", "httpx")
HTTP_VERBS: Final = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"}
)
#: Constructors whose result is a client: every method call on it is I/O.
CLIENT_FACTORIES: Final = frozenset(
    {
        "boto3.client",
        "boto3.resource",
        "boto3.Session",
        "boto3.session.Session",
        "requests.Session",
        "requests.session",
        "httpx.Client",
        "httpx.AsyncClient",
        "aiohttp.ClientSession",
        "urllib3.PoolManager",
        "http.client.HTTPConnection",
        "http.client.HTTPSConnection",
        "socket.socket",
        "sqlite3.connect",
        "psycopg2.connect",
        "psycopg.connect",
        "pymysql.connect",
        "mysql.connector.connect",
        "pymongo.MongoClient",
        "redis.Redis",
        "redis.StrictRedis",
        "redis.from_url",
        "smtplib.SMTP",
        "smtplib.SMTP_SSL",
    }
)

#: Plain output: repeats on every replay.
PRINT_CALLS: Final = frozenset({"print", "pprint.pprint", "sys.stdout.write", "sys.stderr.write"})
LOGGING_FUNCTIONS: Final = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
#: Constructors whose result is a plain (not replay-aware) logger.
LOGGER_FACTORIES: Final = frozenset(
    {
        "logging.getLogger",
        "logging.Logger",
        "aws_lambda_powertools.Logger",
        "aws_lambda_powertools.logging.Logger",
    }
)
FILE_WRITE_CALLS: Final = frozenset(
    {
        "os.remove",
        "os.unlink",
        "os.rename",
        "os.replace",
        "os.mkdir",
        "os.makedirs",
        "os.rmdir",
        "os.system",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "shutil.copy",
        "shutil.copyfile",
        "shutil.copytree",
        "shutil.move",
        "shutil.rmtree",
    }
)
#: ``Path(...).write_text(...)`` and friends, matched on the method name.
PATH_WRITE_METHODS: Final = frozenset(
    {"write_text", "write_bytes", "unlink", "mkdir", "touch", "rmdir", "rename", "replace"}
)

ENV_READ_CALLS: Final = frozenset({"os.getenv", "os.environ.get", "os.getenvb"})
ENV_MAPPING: Final = "os.environ"
#: Lambda environment variables whose value changes per invocation or per execution environment.
VOLATILE_ENV_VARS: Final = frozenset(
    {
        "_X_AMZN_TRACE_ID",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
    }
)

#: In-place mutators: a step calling one on captured state loses the change on replay.
MUTATING_METHODS: Final = frozenset(
    {
        "append",
        "appendleft",
        "extend",
        "extendleft",
        "insert",
        "add",
        "update",
        "pop",
        "popitem",
        "popleft",
        "remove",
        "clear",
        "discard",
        "setdefault",
        "sort",
        "reverse",
        "__setitem__",
    }
)

#: Calls allowed inside an operation name: they only reformat deterministic data.
NAME_SAFE_CALLS: Final = frozenset(
    {
        "str",
        "int",
        "len",
        "format",
        "repr",
        "hex",
        "abs",
        "min",
        "max",
        "join",
        "lower",
        "upper",
        "title",
        "capitalize",
        "casefold",
        "strip",
        "lstrip",
        "rstrip",
        "replace",
        "zfill",
        "removeprefix",
        "removesuffix",
    }
)
