import { GUEST_KEY, OpenWhiskClient, OpenWhiskHttpError } from "@soe/openwhisk";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// @soe/openwhisk's entity calls against the real openwhisk-mock (that package cannot depend on
// the mock, which depends on it; its own spec holds the requests against stubs).
let ow: RunningOpenWhiskMock;
let client: OpenWhiskClient;

beforeAll(async () => {
  ow = await startOpenWhiskMock();
  client = new OpenWhiskClient({ apiRoot: `${ow.url}/api/v1`, auth: GUEST_KEY });
});
afterAll(async () => {
  client.close();
  await ow.close();
});

const exec = (code: string) => ({ exec: { kind: "nodejs:20", code } });

describe("OpenWhiskClient entities on the mock", () => {
  it("puts a package and an action inside it, replaces the action, reads and lists both", async () => {
    const pkg = await client.putEntity(
      "packages",
      { namespace: "_", name: "tools" },
      { parameters: [{ key: "p", value: 1 }] },
    );
    expect(pkg).toMatchObject({ namespace: "guest", name: "tools", version: "0.0.1" });

    const address = { namespace: "guest", packageName: "tools", name: "act" };
    const first = await client.putEntity(
      "actions",
      address,
      exec("function main() { return {}; }"),
    );
    expect(first).toMatchObject({ namespace: "guest/tools", name: "act", version: "0.0.1" });
    const second = await client.putEntity(
      "actions",
      address,
      exec("function main() { return { v: 2 }; }"),
    );
    expect(second.version).toBe("0.0.2");
    const read = await client.getEntity("actions", address);
    expect(read).toMatchObject({ exec: { code: "function main() { return { v: 2 }; }" } });

    const actions = await client.listEntities("actions");
    expect(actions.map((a) => `${a.namespace}/${a.name}`)).toContain("guest/tools/act");
    const inPackage = await client.listActions("guest", { packageName: "tools" });
    expect(inPackage.map((a) => a.name)).toEqual(["act"]);
    const packages = await client.listEntities("packages", "guest");
    expect(packages).toMatchObject([{ name: "tools", binding: false }]);
    expect(await client.listNamespaces()).toEqual(["guest"]);
  });

  it("deletes, then answers 404 for what is gone, and 409 for a package not empty", async () => {
    await client.putEntity("packages", { namespace: "_", name: "box" }, {});
    const inside = { namespace: "_", packageName: "box", name: "a" };
    await client.putEntity("actions", inside, exec("function main() { return {}; }"));
    const notEmpty = await client
      .deleteEntity("packages", { namespace: "_", name: "box" })
      .catch((e: unknown) => e);
    expect(notEmpty).toBeInstanceOf(OpenWhiskHttpError);
    expect(notEmpty).toMatchObject({ status: 409, method: "DELETE" });

    expect(await client.deleteEntity("actions", inside)).toMatchObject({ name: "a" });
    const gone = await client.getEntity("actions", inside).catch((e: unknown) => e);
    expect(gone).toMatchObject({
      status: 404,
      body: { error: "The requested resource does not exist." },
    });
    await client.deleteEntity("packages", { namespace: "_", name: "box" });
    await expect(
      client.deleteEntity("packages", { namespace: "_", name: "box" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("carries OpenWhisk's text for a refused document", async () => {
    const refused = await client
      .putEntity("actions", { namespace: "_", name: "bad" }, { exec: { kind: "nodejs:20" } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenWhiskHttpError);
    expect((refused as OpenWhiskHttpError).status).toBe(400);
    expect((refused as OpenWhiskHttpError).body?.error).toBeTruthy();
  });
});
