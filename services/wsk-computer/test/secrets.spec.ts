import { createClient } from "@connectrpc/connect";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import { EdgeServer } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { type RecordingController, startRecordingController } from "@soe/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWskComputerServer } from "../src/wsk-computer-server.js";
import { captureLogs, eventually } from "./log-capture.js";

// The OpenWhisk key (and the control-plane token) never appear in a log line, a retcode, an
// output or an error, whatever path a call takes (reference §12.2: the original logged it).
const KEY = `7d0c3a52-1b9e-4f6a-8c2d-5e4f3a2b1c0d:${"NeverLoggedSecret".repeat(4).slice(0, 64)}`;
const WRONG_KEY = `7d0c3a52-1b9e-4f6a-8c2d-5e4f3a2b1c0d:${"WrongButSecretToo".repeat(4).slice(0, 64)}`;
const TOKEN = "control-plane-token-never-logged";

/** Every form a secret could leak in: whole, the key part alone, base64 as in the header. */
function forms(secret: string): string[] {
  const part = secret.split(":")[1] ?? secret;
  return [secret, part, Buffer.from(secret).toString("base64")];
}

function expectNoSecret(text: string): void {
  for (const secret of [...forms(KEY), ...forms(WRONG_KEY), TOKEN]) {
    expect(text.includes(secret), `leaked ${secret.slice(0, 12)}…`).toBe(false);
  }
}

let ow: RunningOpenWhiskMock;
let ctl: RecordingController;
beforeAll(async () => {
  ow = await startOpenWhiskMock({ preload: ["copy", "fail"], keys: { guest: KEY } });
  ctl = await startRecordingController();
});
afterAll(async () => {
  await ow.close();
  await ctl.close();
});

describe("the auth token", () => {
  it("is in no log line, retcode or output, on success, failure and unreachable paths", async () => {
    const logs = captureLogs();
    const seen: string[] = [];
    const good = await createWskComputerServer({
      serverEndpoint: "127.0.0.1:0",
      apiRoot: ow.url,
      auth: KEY,
      controllerEndpoint: ctl.endpoint,
      token: TOKEN,
      listerPeriodMs: 50,
      logger: logs.logger,
    });
    const bad = await createWskComputerServer({
      serverEndpoint: "127.0.0.1:0",
      apiRoot: ow.url,
      auth: WRONG_KEY,
      controllerEndpoint: ctl.endpoint,
      listerPeriodMs: 50,
      logger: logs.logger,
    });
    const goodTransport = createTransport(good.serverEndpoint);
    const badTransport = createTransport(bad.serverEndpoint);
    try {
      await eventually(() => ctl.lastLambdas(), "an announcement");
      for (const [transport, name] of [
        [goodTransport, "/guest/copy"],
        [goodTransport, "/guest/fail"],
        [goodTransport, "/guest/nosuch"],
        [badTransport, "/guest/copy"],
      ] as const) {
        const reply = await createClient(EdgeServer, transport).runLambda({ name, input: "{}" });
        seen.push(reply.retcode, reply.output);
      }
      expect(seen).toContain("wsk:unauthorized 401: The supplied authentication is invalid");
      await eventually(
        () => logs.text().includes("OpenWhisk cannot be listed"),
        "the bad key's listing",
      );
      await ow.close();
      const down = await createClient(EdgeServer, goodTransport).runLambda({ name: "/guest/copy" });
      seen.push(down.retcode);
      expect(down.retcode).toMatch(/^wsk:unreachable: /);
      await eventually(() => logs.text().includes("ECONNREFUSED"), "the failed listing logged");
    } finally {
      goodTransport.close();
      badTransport.close();
      await good.close();
      await bad.close();
    }
    // The paths above were logged (debug lines included), so the search below means something.
    expect(logs.text()).toContain("The supplied authentication is invalid");
    expect(logs.text()).toContain('"msg":"lambda served"');
    expectNoSecret(logs.text());
    expectNoSecret(seen.join("\n"));
  });

  it("is not repeated by the errors that refuse to start", async () => {
    const attempts = [
      { apiRoot: "http://127.0.0.1:1", auth: "not base64 at all!NeverLoggedSecret" },
      { apiRoot: `http://guest:${KEY.split(":")[1]}@127.0.0.1:1`, auth: KEY },
    ];
    for (const attempt of attempts) {
      const error = await createWskComputerServer({
        serverEndpoint: "127.0.0.1:0",
        logger: captureLogs().logger,
        ...attempt,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).not.toContain("NeverLoggedSecret");
      expectNoSecret(String((error as Error).stack));
    }
  });
});
