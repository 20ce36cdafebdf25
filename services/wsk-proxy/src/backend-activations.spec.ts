import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { GUEST_KEY, type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import { EdgeServer } from "@soe/proto";
import { createLogger, createTransport, type EndpointTransport } from "@soe/runtime";
import { createWskComputerServer, type WskComputerServer } from "@soe/wsk-computer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InstallationActivations } from "./backend-activations.js";

// Against a real wsk-computer behind the control-plane token, and its real openwhisk-mock.
const TOKEN = "backend-activations-token";
const logger = createLogger({ name: "test", level: "silent" });
let ow: RunningOpenWhiskMock;
let wsk: WskComputerServer;
let lambdas: EndpointTransport;

beforeAll(async () => {
  ow = await startOpenWhiskMock({ preload: ["log"] });
  wsk = await createWskComputerServer({
    serverEndpoint: "127.0.0.1:0",
    apiRoot: ow.url,
    auth: GUEST_KEY,
    token: TOKEN,
    logger,
  });
  lambdas = createTransport(wsk.serverEndpoint);
});
afterAll(async () => {
  lambdas.close();
  await wsk.close();
  await ow.close();
});

async function ran(uuid: string): Promise<void> {
  const reply = await createClient(EdgeServer, lambdas).runLambda({
    name: "/guest/log",
    input: '{"a":1}',
    uuid,
  });
  expect(reply.retcode).toBe("OK");
}

describe("InstallationActivations", () => {
  it("reads a record with the token, by OpenWhisk's id or by the caller's", async () => {
    const callerId = "1234567890abcdef1234567890abcdef";
    await ran(callerId);
    const backend = new InstallationActivations({ token: TOKEN });
    try {
      const byCaller = await backend.get(wsk.serverEndpoint, callerId);
      expect(byCaller?.logs.map((line) => line.replace(/^\S+ /, ""))).toEqual([
        "stdout: a=1",
        "stderr: logged 1 parameters",
      ]);
      const own = byCaller?.activationId ?? "";
      expect((await backend.get(wsk.serverEndpoint, own))?.activationId).toBe(own);
      expect(await backend.get(wsk.serverEndpoint, "0".repeat(32))).toBeUndefined();
      // Without a controller it cannot tell which installation ran a call.
      expect(backend.find).toBeUndefined();
    } finally {
      backend.close();
    }
  });

  it("is refused without the token", async () => {
    const backend = new InstallationActivations();
    try {
      const refused = await backend
        .get(wsk.serverEndpoint, "0".repeat(32))
        .catch((error: unknown) => ConnectError.from(error));
      expect(refused).toBeInstanceOf(ConnectError);
      expect((refused as ConnectError).code).toBe(Code.Unauthenticated);
    } finally {
      backend.close();
    }
  });

  it("opens no connection once closed", async () => {
    const backend = new InstallationActivations({ token: TOKEN });
    backend.close();
    await expect(backend.get(wsk.serverEndpoint, "0".repeat(32))).rejects.toThrow(/closing/);
  });
});
