// Torpor's Node.js runtime: Lambda's handler contract on the Runtime API, Node's standard library only.
//
// Runs the handler named by _HANDLER ("index.handler", "src/app.handler") from LAMBDA_TASK_ROOT with the device's
// own node: CommonJS or ES modules (.js, .mjs, .cjs), async handlers and callback handlers. Errors take Lambda's
// shape ({errorType, errorMessage, trace}); an error while loading the handler goes to /init/error, as Lambda's
// runtime does, and the process exits. What the function logs is its log.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const [API_HOST, API_PORT] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const BASE = "/2018-06-01/runtime";
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || "/var/task";

// One connection per call: the pending GET of /next is the connection a checkpoint freezes, nothing else is.
function call(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: API_HOST, port: API_PORT, method, path: BASE + urlPath, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
    req.on("error", reject);
    req.end(body);
  });
}

class FaultError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

function errorBody(err) {
  const e = err instanceof Error ? err : new Error(format(err));
  return {
    errorType: e.name || "Error",
    errorMessage: e.message,
    trace: typeof e.stack === "string" ? e.stack.split("\n") : [],
  };
}

async function postError(urlPath, err) {
  const body = errorBody(err);
  console.error(format("%s\t%s", body.errorType, body.errorMessage));
  await call("POST", urlPath, JSON.stringify(body),
    { "Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": body.errorType });
}

// Lambda's log line: time, request, level, message.
let currentRequestId = "";
for (const [method, level] of [["log", "INFO"], ["info", "INFO"], ["warn", "WARN"], ["error", "ERROR"], ["debug", "DEBUG"], ["trace", "TRACE"]]) {
  const stream = level === "ERROR" || level === "WARN" ? process.stderr : process.stdout;
  console[method] = (...args) => stream.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`);
}

function isEsm(file) {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs")) return false;
  for (let dir = path.dirname(file); dir.startsWith(TASK_ROOT); dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) return JSON.parse(fs.readFileSync(pkg, "utf8")).type === "module";
    if (dir === TASK_ROOT) break;
  }
  return false;
}

async function loadHandler(spec) {
  const slash = spec.lastIndexOf("/");
  const dot = spec.indexOf(".", slash + 1);
  if (dot < 0) throw new FaultError("Runtime.MalformedHandlerName", `Bad handler ${spec}`);
  const modulePath = spec.slice(0, dot);
  const handlerPath = spec.slice(dot + 1);
  if (modulePath.startsWith("..")) throw new FaultError("Runtime.MalformedHandlerName", `'${spec}' is not a valid handler name.`);
  const file = [".js", ".mjs", ".cjs"].map((ext) => path.resolve(TASK_ROOT, modulePath + ext)).find((f) => fs.existsSync(f));
  if (!file) throw new FaultError("Runtime.ImportModuleError", `Error: Cannot find module '${modulePath}'`);
  let mod;
  try {
    if (isEsm(file)) {
      mod = await import(pathToFileURL(file).href);
    } else {
      mod = createRequire(file)(file);
    }
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND" || e && e.code === "ERR_MODULE_NOT_FOUND") {
      throw new FaultError("Runtime.ImportModuleError", `Error: ${e.message}`);
    }
    if (e instanceof SyntaxError) throw new FaultError("Runtime.UserCodeSyntaxError", `${e.name}: ${e.message}`);
    throw e;
  }
  let handler = mod;
  for (const key of handlerPath.split(".")) handler = handler == null ? undefined : handler[key];
  if (handler === undefined && mod.default) {
    handler = mod.default;
    for (const key of handlerPath.split(".")) handler = handler == null ? undefined : handler[key];
  }
  if (handler === undefined) throw new FaultError("Runtime.HandlerNotFound", `${modulePath}.${handlerPath} is undefined or not exported`);
  if (typeof handler !== "function") throw new FaultError("Runtime.HandlerNotFound", `${modulePath}.${handlerPath} is not a function`);
  return handler;
}

function contextOf(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"] || 0);
  const clientContext = headers["lambda-runtime-client-context"];
  return {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    clientContext: clientContext ? JSON.parse(clientContext) : undefined,
    identity: undefined,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

// An async handler's promise, a callback handler's callback (or the context's legacy succeed/fail/done), or what a plain
// function returned: the first wins.
function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    const done = (err, result) => (err != null ? reject(err) : resolve(result));
    Object.assign(context, { done, succeed: (r) => done(null, r), fail: (e) => done(e ?? "handled") });
    const returned = handler(event, context, done);
    if (returned && typeof returned.then === "function") returned.then(resolve, reject);
    else if (handler.length < 3 && returned !== undefined) resolve(returned);
  });
}

async function serve(handler) {
  for (;;) {
    const next = await call("GET", "/invocation/next");
    const requestId = next.headers["lambda-runtime-aws-request-id"];
    currentRequestId = requestId;
    process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"] || "";
    let result;
    try {
      const event = next.body.length ? JSON.parse(next.body.toString("utf8")) : {};
      result = await run(handler, event, contextOf(next.headers));
    } catch (e) {
      await postError(`/invocation/${requestId}/error`, e);
      continue;
    }
    const body = JSON.stringify(result === undefined ? null : result);
    await call("POST", `/invocation/${requestId}/response`, body, { "Content-Type": "application/json" });
  }
}

let handler;
try {
  handler = await loadHandler(process.env._HANDLER || "");
} catch (e) {
  await postError("/init/error", e);
  process.exit(1);
}
process.on("unhandledRejection", (reason) => console.error("Unhandled Promise Rejection", reason));
await serve(handler);
