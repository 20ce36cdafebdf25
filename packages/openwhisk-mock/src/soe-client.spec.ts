import { GUEST_KEY, OpenWhiskClient, OpenWhiskHttpError } from "@soe/openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "./server.js";

// Our own client against the mock: the pair wsk-computer and the tests rely on.
let mock: RunningOpenWhiskMock;
let client: OpenWhiskClient;

beforeAll(async () => {
  mock = await startOpenWhiskMock({ preload: ["copy", "fail", "crash", "sleep"] });
  client = new OpenWhiskClient({ apiRoot: `${mock.url}/api/v1`, auth: GUEST_KEY });
});
afterAll(async () => {
  client.close();
  await mock.close();
});

describe("OpenWhiskClient invoke outcomes", () => {
  it("gives the result of a blocking invoke with result, and the activation id header", async () => {
    const outcome = await client.invoke(
      "/guest/copy",
      { input: "hello" },
      { blocking: true, result: true },
    );
    expect(outcome).toMatchObject({ kind: "result", status: 200, body: { payload: "hello" } });
    expect(outcome.activationId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gives the activation record of a blocking invoke, its id matching the header", async () => {
    const outcome = await client.invoke("copy", { input: "a" }, { blocking: true });
    if (outcome.kind !== "activation") throw new Error(`unexpected ${outcome.kind}`);
    expect(outcome.body.activationId).toBe(outcome.activationId);
    expect(outcome.body.response).toEqual({
      result: { payload: "a" },
      size: 15,
      status: "success",
      success: true,
    });
  });

  it("accepts a non-blocking invoke, whose record can be fetched once finished", async () => {
    const outcome = await client.invoke("copy", { input: "b" });
    if (outcome.kind !== "accepted") throw new Error(`unexpected ${outcome.kind}`);
    expect(outcome.status).toBe(202);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const record = await client.getActivation("_", outcome.activationId);
        expect(record.response.result).toEqual({ payload: "b" });
        break;
      } catch (error) {
        if (!(error instanceof OpenWhiskHttpError && error.status === 404) || attempt > 200)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  });

  it("resolves application and developer errors as 502 outcomes, not exceptions", async () => {
    const failed = await client.invoke("fail", {}, { blocking: true });
    expect(failed).toMatchObject({
      kind: "activation",
      status: 502,
      body: { response: { status: "application error", success: false } },
    });
    const crashed = await client.invoke("crash", {}, { blocking: true, result: true });
    expect(crashed).toMatchObject({
      kind: "result",
      status: 502,
      body: { error: "An error has occurred: Error: this action always crashes" },
    });
  });

  it("turns a blocking invoke that outlasts the wait into 202 accepted", async () => {
    const outcome = await client.invoke(
      "sleep",
      { ms: 400 },
      { blocking: true, result: true, waitMs: 1 },
    );
    expect(outcome.kind).toBe("accepted");
    expect(outcome.status).toBe(202);
  });

  it("throws 404 with OpenWhisk's body, its code being the request id", async () => {
    const error = await client.invoke("missing", {}, { blocking: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenWhiskHttpError);
    const http = error as OpenWhiskHttpError;
    expect(http.status).toBe(404);
    expect(http.body?.error).toBe("The requested resource does not exist.");
    expect(http.body?.code).toBe(http.requestId);
  });

  it("throws 401 for a wrong key and 403 for another namespace", async () => {
    const stranger = new OpenWhiskClient({
      apiRoot: mock.url,
      auth: "11111111-2222-3333-4444-555555555555:0123456789012345678901234567890123456789012345678901234567890123",
    });
    try {
      await expect(stranger.invoke("copy")).rejects.toMatchObject({ status: 401 });
    } finally {
      stranger.close();
    }
    await expect(client.invoke("/whisk.system/copy")).rejects.toMatchObject({
      status: 403,
      body: {
        error: "The supplied authentication is not authorized to access 'whisk.system/copy'.",
      },
    });
  });
});

describe("OpenWhiskClient listing", () => {
  it("lists 300 actions across pages without losing or repeating one", async () => {
    const own = await startOpenWhiskMock();
    const lister = new OpenWhiskClient({ apiRoot: own.url, auth: GUEST_KEY });
    try {
      for (let i = 0; i < 300; i += 1) {
        const put = own.mock.entities.putAction(
          "guest",
          undefined,
          `action-${i}`,
          {
            exec: { kind: "nodejs:20", code: "function main() {}" },
          },
          false,
        );
        expect(put.ok).toBe(true);
      }
      const listed = await lister.listActions("_", { limit: 70 });
      expect(listed).toHaveLength(300);
      expect(new Set(listed.map((a) => a.name)).size).toBe(300);
      // Newest first, as OpenWhisk orders by last update.
      expect(listed[0]?.name).toBe("action-299");
      expect(listed[299]?.name).toBe("action-0");
      // At OpenWhisk's maximum page size, two pages are still needed.
      expect(await lister.listActions("guest")).toHaveLength(300);
    } finally {
      lister.close();
      await own.close();
    }
  });
});
