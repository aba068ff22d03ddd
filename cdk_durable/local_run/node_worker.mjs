// The Node.js worker of `cdk-durable serve`: load one handler, then run invocations until stdin ends.
//
// Protocol (one JSON object per line): the parent writes {"event", "context"}; the worker answers
// lines that start with the record separator and "CDKD " -
//   {"kind": "ready"} | {"kind": "error", "message"} (loading failed)
//   {"kind": "log", "level", "line"} (console output, as Lambda's log lines)
//   {"kind": "result", "value"} | {"kind": "raised", "type", "message"}
// Anything else the handler writes to stdout is forwarded as a log line by the parent.
import { spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const MARK = "\u001eCDKD ";
const send = (message) => process.stdout.write(MARK + JSON.stringify(message) + "\n");
for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
  console[level] = (...args) => send({ kind: "log", level: level === "log" ? "info" : level, line: format(...args) });
}

// A SyntaxError from import() carries no location: `node --check` prints it ("file:///path:LINE").
function syntaxErrorAt(path) {
  const checked = spawnSync(process.execPath, ["--check", path], { encoding: "utf8", timeout: 30_000 });
  const first = (checked.stderr ?? "").split("\n")[0].trim();
  const found = /^(?:file:\/\/)?(.+):(\d+)$/.exec(first);
  return found ? ` (${found[1]}, line ${found[2]})` : "";
}

const [modulePath, exportName] = process.argv.slice(2);
let handler;
try {
  const loaded = await import(pathToFileURL(modulePath).href);
  handler = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof handler !== "function") {
    throw new Error(`${modulePath} has no exported function ${JSON.stringify(exportName)}`);
  }
} catch (error) {
  const where = error instanceof SyntaxError ? syntaxErrorAt(modulePath) : "";
  const what = error instanceof SyntaxError ? `SyntaxError: ${error.message}` : (error?.message ?? String(error));
  send({ kind: "error", message: `cannot load ${modulePath}:${exportName}: ${what}${where}` });
  process.exit(0);
}
send({ kind: "ready" });

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { event, context } = JSON.parse(line);
  const started = Date.now();
  const lambdaContext = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, context.timeoutMillis - (Date.now() - started)),
  };
  try {
    const value = await handler(event, lambdaContext);
    send({ kind: "result", value: value === undefined ? null : value });
  } catch (error) {
    send({ kind: "raised", type: error?.name ?? "Error", message: error?.message ?? String(error) });
  }
}
