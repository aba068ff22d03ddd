"""The symbol catalogs the checks match (canonical dotted names, after import-alias resolution)."""

from __future__ import annotations

from typing import Final

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
