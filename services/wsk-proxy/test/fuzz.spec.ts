import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES } from "../src/middleware/body-limit/index.js";
import { GUEST_KEY, startDomain, type TestDomain } from "./support/domain.js";
import { type HostileRequest, HostileRequests, seededRandom } from "./support/hostile-requests.js";

// Thousands of malformed or hostile requests on loopback: only documented statuses, JSON error
// bodies with {error, code}, and a proxy that still serves afterwards and holds no call open.
const SEED = 20261125;
const REQUESTS = 3000;
const CONCURRENCY = 16;
/** openwhisk-api.md §2, §6 and the list (409: PUT/DELETE of entities); nothing else may come back. */
const DOCUMENTED = new Set([
  200, 202, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 501, 502, 503, 504,
]);

let domain: TestDomain;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
beforeAll(async () => {
  domain = await startDomain({ proxy: { maxWaitMs: 5_000 } });
});
afterAll(async () => {
  agent.destroy();
  await domain?.close();
});

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  /** Set when the connection broke instead of answering (EPIPE, ECONNRESET); status is 0. */
  readonly reset?: string;
}

function send(base: URL, req: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: req.headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    outgoing.setTimeout(30_000, () =>
      outgoing.destroy(new Error(`hung: ${req.method} ${req.path.slice(0, 100)}`)),
    );
    // A broken connection is an outcome to judge (see `problem`), not an answer.
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ECONNRESET")
        resolve({ status: 0, type: "", body: "", reset: error.code });
      else reject(error);
    });
    outgoing.end(req.body);
  });
}

/** A whole activation record (openwhisk-api.md §2: the body of a failed blocking invoke). */
function isActivationRecord(body: object): boolean {
  const { activationId, namespace, name, response } = body as Record<string, unknown>;
  if (typeof response !== "object" || response === null) return false;
  const { status, success } = response as Record<string, unknown>;
  return (
    typeof activationId === "string" &&
    /^[0-9a-f]{32}$/.test(activationId) &&
    typeof namespace === "string" &&
    typeof name === "string" &&
    typeof status === "string" &&
    status !== "success" &&
    success === false
  );
}

/** Whether the request is a blocking invoke asking for the result alone. */
function asksForResult(req: HostileRequest): boolean {
  const query = new URLSearchParams(req.path.split("?")[1] ?? "");
  return (
    req.method === "POST" && query.get("blocking") === "true" && query.get("result") === "true"
  );
}

/** What is wrong with an answer, or undefined when it is as documented. */
function problem(req: HostileRequest, answer: Answer): string | undefined {
  // The server may answer 413 and stop reading a body over the limit, so the rest of it meets a
  // closed connection: that is its right. Any other broken connection is a failure.
  if (answer.reset !== undefined) {
    return req.body !== undefined && req.body.length > DEFAULT_MAX_BODY_BYTES
      ? undefined
      : `connection broken (${answer.reset})`;
  }
  if (!DOCUMENTED.has(answer.status)) return `undocumented status ${answer.status}`;
  if (answer.status < 400 || req.method === "HEAD") return undefined;
  if (!answer.type.startsWith("application/json")) return `non-JSON error body (${answer.type})`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return "error body is not JSON";
  }
  if (typeof body !== "object" || body === null) return "error body is not an object";
  const { error, code } = body as { error?: unknown; code?: unknown };
  if (typeof error === "string" && typeof code === "string") return undefined;
  // openwhisk-api.md §2: a failed blocking invoke answers 502/500 with its activation record, or
  // with result=true the record's result ({error: ...}, no code). Nothing else is exempt.
  if (answer.status === 502 || answer.status === 500) {
    if (isActivationRecord(body)) return undefined;
    if (asksForResult(req) && typeof error === "string") return undefined;
  }
  return "error body without error and code";
}

describe("fuzz", () => {
  it(`answers ${REQUESTS} hostile requests only as documented, and still serves`, async () => {
    const base = new URL(domain.proxy.url);
    const requests = new HostileRequests(seededRandom(SEED));
    const queue = Array.from({ length: REQUESTS }, () => requests.next());
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const worker = async () => {
      for (let req = queue.shift(); req !== undefined; req = queue.shift()) {
        const answer = await send(base, req);
        if (answer.reset === undefined)
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const found = problem(req, answer);
        if (found !== undefined) problems.push(`${found}: ${req.method} ${req.path.slice(0, 120)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(problems.slice(0, 20)).toEqual([]);
    if (process.env.FUZZ_REPORT) console.log(Object.fromEntries([...statuses].sort()));
    // The run exercised the refusals it is meant to, not only one kind of answer.
    for (const status of [200, 202, 400, 401, 403, 404, 405, 413, 501, 502]) {
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    }

    const res = await fetch(
      `${domain.proxy.url}/api/v1/namespaces/_/actions/copy?blocking=true&result=true`,
      {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ input: "still here" }),
      },
    );
    expect([res.status, await res.json()]).toEqual([200, { payload: "still here" }]);
    // Background invocations the fuzz started all end: none is left holding a slot.
    for (let i = 0; i < 1000 && domain.proxy.invoker.inFlight > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(domain.proxy.invoker.inFlight).toBe(0);
  }, 180_000);
});
