// Drives the AWS SDK for JavaScript v3 for the bedrock-conformance SDK suites: one JSON request per line on
// stdin, one JSON answer per line on stdout. The protocol is described in ../_adapter.py; the Python adapter
// (../_pyadapter.py) speaks the same one, so the suites run unchanged against every SDK.
//
//   node adapter.mjs INSTALL_DIR PACKAGE
//
// INSTALL_DIR holds node_modules/PACKAGE (installed from package-lock.json by the suites).

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const [installDir, packageName] = process.argv.slice(2);
const require = createRequire(join(installDir, "package.json"));
const sdk = require(packageName);
const versionOf = (name) => {
  try {
    return JSON.parse(readFileSync(join(installDir, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
};
const sdkVersion = versionOf(packageName);
// The protocol and retry machinery every v3 client shares.
const coreVersion = versionOf("@smithy/core");

const clients = new Map();
// What the call in progress adds to each request, and the backoff delays the SDK asked for (seconds).
let current = { headers: {}, delays: [] };

// SDK values as JSON: a Date is an absolute instant (never naive); undefined members are absent.
function plain(value) {
  if (value instanceof Date) {
    const valid = !Number.isNaN(value.getTime());
    return { $timestamp: valid ? value.toISOString() : null, aware: true };
  }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = plain(member);
    }
    return out;
  }
  return value;
}

// Record the backoff the retry strategy computes and let it retry at once: its decisions are left untouched.
function instantRetries(strategy) {
  const standard = strategy?.standardRetryStrategy ?? strategy;
  const backoff = standard?.retryBackoffStrategy;
  if (!backoff || typeof backoff.computeNextBackoffDelay !== "function") return false;
  const compute = backoff.computeNextBackoffDelay.bind(backoff);
  backoff.computeNextBackoffDelay = (attempts) => {
    current.delays.push(compute(attempts) / 1000);
    return 0;
  };
  return true;
}

async function clientFor(request) {
  const key = JSON.stringify([request.client, request.endpoint, request.region, request.retry ?? null]);
  if (clients.has(key)) return clients.get(key);
  const Client = sdk[request.client];
  if (typeof Client !== "function") throw new Error(`${packageName} exports no ${request.client}`);
  const config = {
    region: request.region,
    endpoint: request.endpoint,
    credentials: { accessKeyId: request.credentials[0], secretAccessKey: request.credentials[1] },
  };
  if (request.retry?.mode) config.retryMode = request.retry.mode;
  if (request.retry?.maxAttempts) config.maxAttempts = request.retry.maxAttempts;
  const client = new Client(config);
  // Added at the build step, before the retry loop: every attempt carries the headers and is signed with them.
  client.middlewareStack.add(
    (next) => async (args) => {
      Object.assign(args.request.headers, current.headers);
      return next(args);
    },
    { step: "build", name: "bedrockConformanceHeaders" },
  );
  const strategy = await client.config.retryStrategy();
  const entry = { client, retryMode: strategy?.mode ?? null, instant: instantRetries(strategy) };
  clients.set(key, entry);
  return entry;
}

async function call(request) {
  const { client, retryMode, instant } = await clientFor(request);
  const Command = sdk[`${request.operation}Command`];
  if (typeof Command !== "function") throw new Error(`${packageName} exports no ${request.operation}Command`);
  current = { headers: request.headers ?? {}, delays: [] };
  const base = { retryMode, instantRetries: instant };
  try {
    const output = await client.send(new Command(request.params));
    const { $metadata, ...members } = output;
    return { ...base, kind: "output", output: plain(members), attempts: $metadata?.attempts ?? null, delays: current.delays };
  } catch (err) {
    return errorAnswer(err, request, base);
  }
}

async function paginate(request) {
  const { client, retryMode, instant } = await clientFor(request);
  const paginator = sdk[`paginate${request.operation}`];
  if (typeof paginator !== "function") throw new Error(`${packageName} exports no paginate${request.operation}`);
  current = { headers: request.headers ?? {}, delays: [] };
  const base = { retryMode, instantRetries: instant };
  try {
    const pages = [];
    const config = request.pageSize ? { client, pageSize: request.pageSize } : { client };
    for await (const page of paginator(config, request.params)) {
      const { $metadata, ...members } = page;
      pages.push(plain(members));
    }
    return { ...base, kind: "output", output: pages, attempts: null, delays: current.delays };
  } catch (err) {
    return errorAnswer(err, request, base);
  }
}

function errorAnswer(err, request, base) {
  const meta = err?.$metadata ?? {};
  const expected = request.expect ? sdk[request.expect] : undefined;
  const status = meta.httpStatusCode ?? err?.$response?.statusCode ?? null;
  return {
    ...base,
    kind: "error",
    error: {
      class: err?.constructor?.name ?? typeof err,
      code: err?.name ?? null,
      message: err?.message ?? String(err),
      status,
      service: status !== null,
      modelled: typeof expected === "function" && err instanceof expected,
    },
    attempts: meta.attempts ?? null,
    delays: current.delays,
  };
}

async function handle(request) {
  if (request.op === "hello") {
    const core = coreVersion ? `@smithy/core ${coreVersion}` : `${packageName} ${sdkVersion}`;
    return { sdk: "js", version: sdkVersion, core, runtime: `Node.js ${process.versions.node}` };
  }
  if (request.op === "call") return call(request);
  if (request.op === "paginate") return paginate(request);
  throw new Error(`unknown op ${JSON.stringify(request.op)}`);
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let id = null;
  let answer;
  try {
    const request = JSON.parse(line);
    id = request.id ?? null;
    answer = { id, ...(await handle(request)) };
  } catch (err) {
    answer = { id, kind: "crash", crash: String(err?.stack ?? err) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
