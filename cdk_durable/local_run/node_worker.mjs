// The Node.js worker of `cdk-durable serve`: load one handler, then run invocations until stdin ends.
//
// Protocol (one JSON object per line): the parent writes {"event", "context"}; the worker answers
// lines that start with the record separator and "CDKD " -
//   {"kind": "ready"} | {"kind": "error", "message"} (loading failed)
//   {"kind": "log", "level", "line"} (console output, as Lambda's log lines)
//   {"kind": "result", "value"} | {"kind": "raised", "type", "message"}
// Anything else the handler writes to stdout is forwarded as a log line by the parent.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const MARK = "\u001eCDKD ";
const send = (message) => process.stdout.write(MARK + JSON.stringify(message) + "\n");
for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
  console[level] = (...args) => send({ kind: "log", level: level === "log" ? "info" : level, line: format(...args) });
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
  send({ kind: "error", message: `cannot load ${modulePath}:${exportName}: ${error?.message ?? error}` });
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
