import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "@connectrpc/connect";
import { fromLambdaReply } from "@soe/openwhisk";
import { GUEST_KEY, type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { EdgeServer, type LambdaRequestSchema } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWskComputerServer, type WskComputerServer } from "../src/wsk-computer-server.js";
import { putAction, putPackage } from "./fixtures.js";
import { captureLogs } from "./log-capture.js";

// RunLambda end to end: a gRPC client → the wsk-computer → a mock OpenWhisk, every outcome of
// the mapping in packages/proto/proto/uiiit/rpc/wsk-outcomes.md.
const ACTIVATION_ID = /^[0-9a-f]{32}$/;
let ow: RunningOpenWhiskMock;
let wsk: WskComputerServer;
let transport: EndpointTransport;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  ow = await startOpenWhiskMock({ preload: ["copy", "echo", "fail", "crash", "sleep"] });
  await putPackage(ow.url, "tools");
  await putAction(
    ow.url,
    "tools/upper",
    "function main(p) { return { text: p.text.toUpperCase() }; }",
  );
  wsk = await createWskComputerServer({
    serverEndpoint: "127.0.0.1:0",
    apiRoot: `${ow.url}/api/v1`,
    auth: GUEST_KEY,
    logger: captureLogs().logger,
  });
  transport = createTransport(wsk.serverEndpoint);
  closers.push(
    () => ow.close(),
    () => wsk.close(),
    () => transport.close(),
  );
});
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function run(request: MessageInitShape<typeof LambdaRequestSchema>, timeoutMs?: number) {
  return createClient(EdgeServer, transport).runLambda(
    request,
    timeoutMs === undefined ? {} : { timeoutMs },
  );
}

describe("RunLambda on OpenWhisk", () => {
  it("runs copy: OK, the whole result as JSON, the API root as responder, hops + 1", async () => {
    const reply = await run({ name: "/guest/copy", input: '{"input":"hello"}', hops: 2 });
    expect(reply.retcode).toBe("OK");
    expect(reply.output).toBe('{"payload":"hello"}');
    expect(reply.responder).toBe(ow.url);
    expect(reply.hops).toBe(3);
    expect([reply.load1, reply.load10, reply.load30]).toEqual([0, 0, 0]);
  });

  it("passes every parameter and returns the whole result, not only payload", async () => {
    const reply = await run({
      name: "/guest/echo",
      input: '{"a":1,"b":[true,null],"c":{"d":"e"}}',
    });
    expect(JSON.parse(reply.output)).toEqual({ a: 1, b: [true, null], c: { d: "e" } });
  });

  it("runs actions inside packages, and names in the _ namespace", async () => {
    const packaged = await run({ name: "/guest/tools/upper", input: '{"text":"abc"}' });
    expect([packaged.retcode, packaged.output]).toEqual(["OK", '{"text":"ABC"}']);
    const bare = await run({ name: "copy", input: '{"input":"x"}' });
    const underscore = await run({ name: "/_/copy", input: '{"input":"y"}' });
    expect([bare.output, underscore.output]).toEqual(['{"payload":"x"}', '{"payload":"y"}']);
  });

  it("measures ptime as the time of the invocation", async () => {
    const reply = await run({ name: "/guest/sleep", input: '{"ms":60}' });
    expect(reply.retcode).toBe("OK");
    expect(reply.output).toBe('{"slept":60}');
    expect(reply.ptime).toBeGreaterThanOrEqual(60);
  });

  it("answers an application error with its activation and result", async () => {
    const reply = await run({ name: "/guest/fail", input: '{"message":"nope"}', hops: 1 });
    const match = /^wsk:application_error 502 ([0-9a-f]{32}): application error$/.exec(
      reply.retcode,
    );
    expect(match).not.toBeNull();
    expect(reply.output).toBe('{"error":"nope"}');
    expect(reply.hops).toBe(2);
    const record = ow.mock.activations.get("guest", match?.[1] ?? "");
    expect(record?.response.status).toBe("application error");
  });

  it("answers a developer error with its activation and result", async () => {
    const reply = await run({ name: "/guest/crash" });
    expect(reply.retcode).toMatch(/^wsk:developer_error 502 [0-9a-f]{32}: action developer error$/);
    expect(JSON.parse(reply.output)).toEqual({
      error: "An error has occurred: Error: this action always crashes",
    });
  });

  it("answers not_found with OpenWhisk's error body for an unknown action", async () => {
    const reply = await run({ name: "/guest/nosuch", hops: 5 });
    expect(reply.retcode).toBe("wsk:not_found 404: The requested resource does not exist.");
    expect(JSON.parse(reply.output)).toMatchObject({
      error: "The requested resource does not exist.",
    });
    expect(reply.hops).toBe(6);
    expect(fromLambdaReply(reply.retcode, reply.output)).toMatchObject({
      kind: "not_found",
      httpStatus: 404,
    });
  });

  it("answers unauthorized for a namespace the key may not use", async () => {
    const reply = await run({ name: "/whisk.system/copy" });
    expect(reply.retcode).toBe(
      "wsk:unauthorized 403: The supplied authentication is not authorized to access 'whisk.system/copy'.",
    );
  });

  it("answers accepted with the activation id when the action outlasts the caller's deadline", async () => {
    const reply = await run({ name: "/guest/sleep", input: '{"ms":5000}' }, 2_000);
    const decoded = fromLambdaReply(reply.retcode, reply.output);
    expect(decoded).toMatchObject({ kind: "accepted", httpStatus: 202 });
    const id = decoded.kind === "accepted" ? decoded.activationId : "";
    expect(id).toMatch(ACTIVATION_ID);
    expect(JSON.parse(reply.output)).toEqual({
      activationId: id,
      installation: wsk.announcedEndpoint,
    });
  });

  it("answers accepted when the action outlasts --timeout", async () => {
    const short = await createWskComputerServer({
      serverEndpoint: "127.0.0.1:0",
      apiRoot: ow.url,
      auth: GUEST_KEY,
      timeoutMs: 100,
      logger: captureLogs().logger,
    });
    const own = createTransport(short.serverEndpoint);
    try {
      const reply = await createClient(EdgeServer, own).runLambda({
        name: "/guest/sleep",
        input: '{"ms":5000}',
      });
      expect(reply.retcode).toMatch(/^wsk:accepted 202 [0-9a-f]{32}: the action is still running$/);
    } finally {
      own.close();
      await short.close();
    }
  });

  it("answers dry requests without running anything", async () => {
    const before = ow.mock.activations.list("guest").length;
    const reply = await run({ name: "/guest/copy", dry: true, hops: 1 });
    expect(reply).toMatchObject({ retcode: "OK", output: "", ptime: 0, hops: 2 });
    expect(ow.mock.activations.list("guest").length).toBe(before);
  });

  it("refuses input that is not a JSON object, as OpenWhisk would", async () => {
    const reply = await run({ name: "/guest/copy", input: "AAAA" });
    expect(reply.retcode).toMatch(/^wsk:bad_request 400: the input is not JSON: /);
  });
});

describe("RunLambda when OpenWhisk fails", () => {
  it("answers unreachable once the server is gone", async () => {
    const gone = await startOpenWhiskMock({ preload: ["copy"] });
    const lonely = await createWskComputerServer({
      serverEndpoint: "127.0.0.1:0",
      apiRoot: gone.url,
      auth: GUEST_KEY,
      logger: captureLogs().logger,
    });
    const own = createTransport(lonely.serverEndpoint);
    try {
      const client = createClient(EdgeServer, own);
      expect((await client.runLambda({ name: "/guest/copy" })).retcode).toBe("OK");
      await gone.close();
      const reply = await client.runLambda({ name: "/guest/copy", hops: 1 });
      expect(reply.retcode).toMatch(
        new RegExp(
          `^wsk:unreachable: OpenWhisk POST ${gone.url}/api/v1/namespaces/guest/actions/copy is unreachable: `,
        ),
      );
      expect(reply.hops).toBe(2);
      expect(fromLambdaReply(reply.retcode, reply.output)).toMatchObject({
        kind: "unreachable",
        httpStatus: 503,
      });
    } finally {
      own.close();
      await lonely.close();
    }
  });

  it("answers internal_error and rejected as a real OpenWhisk gives them", async () => {
    const id = "feedfacefeedfacefeedfacefeedface";
    const answers: [number, Record<string, string>, unknown][] = [
      [
        500,
        { "x-openwhisk-activation-id": id },
        {
          activationId: id,
          namespace: "guest",
          name: "a",
          response: {
            status: "whisk internal error",
            success: false,
            result: { error: "invoker lost" },
          },
        },
      ],
      [
        429,
        {},
        { error: "Too many requests in the last minute (count: 61, allowed: 60).", code: "t1" },
      ],
    ];
    const stub = http.createServer((_req, res) => {
      const [status, headers, body] = answers.shift() ?? [500, {}, {}];
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const stubbed = await createWskComputerServer({
      serverEndpoint: "127.0.0.1:0",
      apiRoot: url,
      auth: GUEST_KEY,
      name: "OW1",
      logger: captureLogs().logger,
    });
    const own = createTransport(stubbed.serverEndpoint);
    try {
      const client = createClient(EdgeServer, own);
      const internal = await client.runLambda({ name: "/guest/a" });
      expect(internal.retcode).toBe(`wsk:internal_error 500 ${id}: whisk internal error`);
      expect(internal.output).toBe('{"error":"invoker lost"}');
      expect(internal.responder).toBe("OW1");
      const throttled = await client.runLambda({ name: "/guest/a" });
      expect(throttled.retcode).toBe(
        "wsk:rejected 429: Too many requests in the last minute (count: 61, allowed: 60).",
      );
    } finally {
      own.close();
      await stubbed.close();
      stub.closeAllConnections();
      await new Promise<void>((resolve) => stub.close(() => resolve()));
    }
  });
});
