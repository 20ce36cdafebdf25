import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { fromLambdaReply } from "@soe/openwhisk";
import { GUEST_KEY, type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import { EdgeServer, soev1 } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWskComputerServer, type WskComputerServer } from "../src/wsk-computer-server.js";
import { putAction } from "./fixtures.js";
import { captureLogs, eventually } from "./log-capture.js";

// InstallationService/GetActivation (issue 11). An invocation that outlasts the blocking wait
// (`timeoutMs`, small here instead of 29 s): the reply says which OpenWhisk activation and which
// installation, and GetActivation there gives the record once OpenWhisk wrote it. A call that
// succeeded: found by the caller's uuid, as a proxy knows it.
const TOKEN = "accepted-activation-token";
const SLOW_LOGGER = `async function main(p) {
  console.log("started " + p.tag);
  await new Promise((resolve) => setTimeout(resolve, p.ms));
  console.log("done " + p.tag);
  return { tag: p.tag };
}`;
let ow: RunningOpenWhiskMock;
let wsk: WskComputerServer;
let open: EndpointTransport;
let authorized: EndpointTransport;
const logs = captureLogs();

beforeAll(async () => {
  ow = await startOpenWhiskMock({});
  await putAction(ow.url, "slowlog", SLOW_LOGGER);
  wsk = await createWskComputerServer({
    serverEndpoint: "127.0.0.1:0",
    apiRoot: ow.url,
    auth: GUEST_KEY,
    timeoutMs: 100,
    token: TOKEN,
    logger: logs.logger,
  });
  open = createTransport(wsk.serverEndpoint);
  authorized = createTransport(wsk.serverEndpoint, { token: TOKEN });
});
afterAll(async () => {
  open.close();
  authorized.close();
  await wsk.close();
  await ow.close();
});

const UUID = "0123456789abcdef0123456789abcdef";

describe("an accepted invocation", () => {
  it("names OpenWhisk's activation and this installation, and its record comes later with logs", async () => {
    const reply = await createClient(EdgeServer, open).runLambda({
      name: "/guest/slowlog",
      input: '{"tag":"t1","ms":1500}',
      uuid: UUID,
    });
    const decoded = fromLambdaReply(reply.retcode, reply.output);
    if (decoded.kind !== "accepted") throw new Error(`expected accepted, got ${reply.retcode}`);
    expect(decoded.installation).toBe(wsk.announcedEndpoint);
    // The caller's uuid is in the computer's line for the call.
    expect(logs.text()).toContain(`"uuid":"${UUID}"`);

    const installation = createClient(soev1.InstallationService, authorized);
    const early = await installation.getActivation({ activationId: decoded.activationId });
    expect(early).toMatchObject({ found: false });
    expect(early.record.byteLength).toBe(0);

    const late = await eventually(async () => {
      const answer = await installation.getActivation({ activationId: decoded.activationId });
      return answer.found ? answer : undefined;
    }, "the activation's record");
    const record = JSON.parse(new TextDecoder().decode(late.record));
    expect(record).toMatchObject({
      activationId: decoded.activationId,
      namespace: "guest",
      name: "slowlog",
      response: { status: "success", success: true, result: { tag: "t1" } },
    });
    expect(record.logs.map((line: string) => line.replace(/^\S+ /, ""))).toEqual([
      "stdout: started t1",
      "stdout: done t1",
    ]);
  });

  it("finds the record of a call that succeeded by the caller's uuid, logs included", async () => {
    const callerId = "fedcba9876543210fedcba9876543210";
    const reply = await createClient(EdgeServer, open).runLambda({
      name: "/guest/slowlog",
      input: '{"tag":"quick","ms":0}',
      uuid: callerId,
    });
    expect(reply.retcode).toBe("OK");
    const installation = createClient(soev1.InstallationService, authorized);
    const answer = await installation.getActivation({ activationId: callerId.toUpperCase() });
    expect(answer.found).toBe(true);
    const record = JSON.parse(new TextDecoder().decode(answer.record));
    expect(record.activationId).not.toBe(callerId);
    expect(record).toMatchObject({ name: "slowlog", response: { result: { tag: "quick" } } });
    expect(record.logs).toHaveLength(2);
  });

  it("keeps records behind the control-plane token and refuses ids that are not ids", async () => {
    const denied = await createClient(soev1.InstallationService, open)
      .getActivation({ activationId: UUID })
      .catch((error: unknown) => ConnectError.from(error));
    expect(denied).toBeInstanceOf(ConnectError);
    expect((denied as ConnectError).code).toBe(Code.Unauthenticated);

    const installation = createClient(soev1.InstallationService, authorized);
    const invalid = await installation
      .getActivation({ activationId: "../actions/x" })
      .catch((error: unknown) => ConnectError.from(error));
    expect((invalid as ConnectError).code).toBe(Code.InvalidArgument);
    // An id nobody gave: not found, not an error.
    expect(await installation.getActivation({ activationId: "9".repeat(32) })).toMatchObject({
      found: false,
    });
  });
});
