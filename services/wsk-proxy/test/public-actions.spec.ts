import { setTimeout as sleep } from "node:timers/promises";
import type { ActivationRecord } from "@soe/openwhisk";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUEST_KEY, startDomain, type TestDomain } from "./support/domain.js";
import { outcomeOf } from "./support/outcomes.js";

// `whisk.system`'s published utilities through the proxy, as through OpenWhisk: the
// wsk-computers (guest's key, `--public-namespaces whisk.system`) announce them as public, the
// controller installs their routes, and every key may invoke them; a private package of another
// namespace stays refused.
let domain: TestDomain;
let viaProxy: openwhisk.Client;
let direct: openwhisk.Client;

beforeAll(async () => {
  domain = await startDomain({ routerAnnounced: true, publicNamespaces: ["whisk.system"] });
  viaProxy = openwhisk({ apihost: domain.proxy.url, api_key: GUEST_KEY });
  direct = openwhisk({ apihost: domain.mocks[0]?.url ?? "", api_key: GUEST_KEY });
  // `/whisk.system/private` is no published package: OpenWhisk refuses it to guest alike
  // whether it exists or not, so nothing leaks about what other namespaces hold.
}, 30_000);
afterAll(() => domain?.close());

/** Invokes until the routes of the announced action are installed; bounded by attempts. */
async function invokeWhenRouted(call: () => Promise<unknown>) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const out = await outcomeOf(call());
    if (out.ok || out.statusCode !== 404) return out;
    await sleep(20);
  }
  throw new Error("the public action was never routed");
}

describe("public whisk.system actions through the proxy", () => {
  it("invokes /whisk.system/utils/sort by its fully qualified name with the guest key", async () => {
    const out = await invokeWhenRouted(() =>
      viaProxy.actions.invoke({
        name: "/whisk.system/utils/sort",
        blocking: true,
        params: { lines: ["b", "c", "a"] },
      }),
    );
    expect(out.ok).toBe(true);
    const record = (out as { value: ActivationRecord }).value;
    expect(record).toMatchObject({
      namespace: "guest",
      name: "sort",
      subject: "guest",
      response: { status: "success", result: { lines: ["a", "b", "c"], length: 3 } },
    });
    expect(record.annotations).toContainEqual({ key: "path", value: "whisk.system/utils/sort" });
    // The same call straight to an OpenWhisk answers the same result.
    const straight = await direct.actions.invoke({
      name: "/whisk.system/utils/sort",
      blocking: true,
      result: true,
      params: { lines: ["b", "c", "a"] },
    });
    expect(straight).toEqual(record.response.result);
    // The record is the caller's: guest reads it back by id.
    const kept = (await viaProxy.activations.get({
      name: record.activationId,
    })) as ActivationRecord;
    expect(kept).toMatchObject({ activationId: record.activationId, namespace: "guest" });
  });

  it("gets the public action's description", async () => {
    const got = (await viaProxy.actions.get({ name: "/whisk.system/utils/echo" })) as {
      name: string;
      namespace: string;
    };
    expect(got).toMatchObject({ name: "echo", namespace: "whisk.system/utils" });
  });

  it("refuses a private package of another namespace with 403 naming the package", async () => {
    const proxied = await outcomeOf(
      viaProxy.actions.invoke({ name: "/whisk.system/private/secret", blocking: true }),
    );
    const straight = await outcomeOf(
      direct.actions.invoke({ name: "/whisk.system/private/secret", blocking: true }),
    );
    expect(proxied).toMatchObject({ ok: false, statusCode: 403 });
    expect(straight).toMatchObject({ ok: false, statusCode: 403 });
    const error = (o: unknown) => (o as { body?: { error?: string } }).body?.error;
    expect(error(proxied)).toBe(
      "The supplied authentication is not authorized to access 'whisk.system/private'.",
    );
    expect(error(proxied)).toBe(error(straight));
    const get = await outcomeOf(viaProxy.actions.get({ name: "/whisk.system/private/secret" }));
    expect(get).toMatchObject({ ok: false, statusCode: 403 });
  });
});
