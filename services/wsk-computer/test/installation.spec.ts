import { createHash } from "node:crypto";
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { OpenWhiskClient } from "@soe/openwhisk";
import { GUEST_KEY, type RunningOpenWhiskMock, startOpenWhiskMock } from "@soe/openwhisk-mock";
import { EdgeServer, soev1 } from "@soe/proto";
import { createTransport, type EndpointTransport } from "@soe/runtime";
import { startRecordingController } from "@soe/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWskComputerServer,
  type WskComputerServer,
  type WskComputerServerOptions,
} from "../src/wsk-computer-server.js";
import { type DeploymentController, startDeploymentController } from "./deployment-controller.js";
import { captureLogs, eventually } from "./log-capture.js";

// soe.v1.InstallationService end to end: a Connect client → the real wsk-computer → the real
// openwhisk-mock, with a controller taking the announcements and the registration.
const { EntityKind } = soev1;
const TOKEN = "installation-test-token";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mock(preload: string[] = []): Promise<RunningOpenWhiskMock> {
  const started = await startOpenWhiskMock({ preload });
  cleanups.push(() => started.close());
  return started;
}

async function controller(): Promise<DeploymentController> {
  const started = await startDeploymentController({ token: TOKEN });
  cleanups.push(() => started.close());
  return started;
}

async function computer(
  options: Partial<WskComputerServerOptions> & { apiRoot: string },
): Promise<WskComputerServer> {
  const started = await createWskComputerServer({
    serverEndpoint: "127.0.0.1:0",
    auth: GUEST_KEY,
    listerPeriodMs: 60_000,
    token: TOKEN,
    labels: { zone: "eu", tier: "edge" },
    logger: captureLogs().logger,
    ...options,
  });
  cleanups.push(() => started.close());
  return started;
}

function transportTo(wsk: WskComputerServer, token: string | undefined = TOKEN): EndpointTransport {
  const transport = createTransport(wsk.serverEndpoint, token === undefined ? {} : { token });
  cleanups.push(() => transport.close());
  return transport;
}

function installation(wsk: WskComputerServer, token?: string) {
  return createClient(soev1.InstallationService, transportTo(wsk, token));
}

/** An Entity as the controller sends it: the document's bytes and their SHA-256. */
function entity(
  ref: MessageInitShape<typeof soev1.EntityRefSchema>,
  document: Record<string, unknown>,
): MessageInitShape<typeof soev1.EntitySchema> {
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  return {
    ref,
    document: bytes,
    digest: createHash("sha256").update(bytes).digest("hex"),
    version: "0.0.1",
  };
}

const action = (name: string, code: string, pkg = "") =>
  entity(
    { kind: EntityKind.ACTION, namespace: "guest", package: pkg, name },
    { exec: { kind: "nodejs:20", code } },
  );

/** The mock's own view of an entity, read with an OpenWhisk client of the test's. */
async function stored(ow: RunningOpenWhiskMock, collection: "actions" | "packages", name: string) {
  const client = new OpenWhiskClient({ apiRoot: ow.url, auth: GUEST_KEY });
  try {
    const [pkg, leaf] = name.includes("/") ? name.split("/") : [undefined, name];
    return await client.getEntity(collection, {
      namespace: "guest",
      packageName: pkg,
      name: leaf ?? "",
    });
  } finally {
    client.close();
  }
}

function annotation(entityJson: Readonly<Record<string, unknown>>, key: string): unknown {
  const annotations = entityJson.annotations as { key: string; value: unknown }[];
  return annotations.find((a) => a.key === key)?.value;
}

async function rpcError(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${error}`);
  return error;
}

describe("InstallationService", () => {
  it("applies an action with its digest, announced before the answer, and runs it as a lambda", async () => {
    const ow = await mock(["copy"]);
    const ctl = await controller();
    const wsk = await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint });
    await eventually(() => ctl.lastLambdas()?.length === 1, "the first announcement");

    const hello = action("hello", "function main(p) { return { greeting: 'hi ' + p.name }; }");
    const applied = await installation(wsk).applyEntity({ entity: hello });
    expect(applied.installedVersion).toBe("0.0.1");
    // No waiting here: ApplyEntity answered only once the controller had the new lambda.
    expect(ctl.lastLambdas()).toEqual(["/guest/copy", "/guest/hello"]);
    expect(annotation(await stored(ow, "actions", "hello"), "soe-digest")).toBe(hello.digest);

    const reply = await createClient(EdgeServer, transportTo(wsk, undefined)).runLambda({
      name: "/guest/hello",
      input: '{"name":"edge"}',
    });
    expect(reply.retcode).toBe("OK");
    expect(JSON.parse(reply.output)).toEqual({ greeting: "hi edge" });
  });

  it("applies again with a new digest, lists the digests, and removes (existed, then not)", async () => {
    const ow = await mock(["copy"]);
    const ctl = await controller();
    const wsk = await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint });
    const client = installation(wsk);
    await client.applyEntity({ entity: action("hello", "function main() { return { v: 1 }; }") });
    const second = action("hello", "function main() { return { v: 2 }; }");
    expect((await client.applyEntity({ entity: second })).installedVersion).toBe("0.0.2");

    const { entities } = await client.listInstalledEntities({ kind: EntityKind.ACTION });
    const byName = new Map(entities.map((e) => [e.ref?.name, e]));
    expect(byName.get("hello")).toMatchObject({
      ref: { kind: EntityKind.ACTION, namespace: "guest", package: "", name: "hello" },
      digest: second.digest,
      version: "0.0.2",
    });
    const summary = JSON.parse(new TextDecoder().decode(byName.get("hello")?.summary));
    expect(summary).toMatchObject({ namespace: "guest", name: "hello", version: "0.0.2" });
    // Not deployed through the domain: listed, without a digest.
    expect(byName.get("copy")?.digest).toBe("");

    const ref = { kind: EntityKind.ACTION, namespace: "guest", name: "hello" };
    expect(await client.removeEntity({ ref })).toMatchObject({ existed: true });
    expect(ctl.lastLambdas()).toEqual(["/guest/copy"]);
    expect(await client.removeEntity({ ref })).toMatchObject({ existed: false });
    const after = await client.listInstalledEntities({ kind: EntityKind.ACTION });
    expect(after.entities.map((e) => e.ref?.name)).toEqual(["copy"]);
  });

  it("applies a package and an action inside it, which runs with the package's parameters", async () => {
    const ow = await mock();
    const ctl = await controller();
    const wsk = await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint });
    const client = installation(wsk);
    const pkg = entity(
      { kind: EntityKind.PACKAGE, namespace: "guest", name: "tools" },
      { parameters: [{ key: "greeting", value: "hey" }], annotations: [{ key: "a", value: 1 }] },
    );
    expect((await client.applyEntity({ entity: pkg })).installedVersion).toBe("0.0.1");
    const stampedPackage = await stored(ow, "packages", "tools");
    expect(annotation(stampedPackage, "soe-digest")).toBe(pkg.digest);
    expect(annotation(stampedPackage, "a")).toBe(1);

    const inside = action("greet", "function main(p) { return { text: p.greeting }; }", "tools");
    await client.applyEntity({ entity: inside });
    expect(ctl.lastLambdas()).toEqual(["/guest/tools/greet"]);
    const reply = await createClient(EdgeServer, transportTo(wsk)).runLambda({
      name: "/guest/tools/greet",
    });
    expect(JSON.parse(reply.output)).toEqual({ text: "hey" });

    const packages = await client.listInstalledEntities({ kind: EntityKind.PACKAGE });
    expect(packages.entities.map((e) => [e.ref?.name, e.digest])).toEqual([["tools", pkg.digest]]);
    const actions = await client.listInstalledEntities({ kind: EntityKind.ACTION });
    expect(actions.entities.map((e) => e.ref)).toMatchObject([
      { kind: EntityKind.ACTION, namespace: "guest", package: "tools", name: "greet" },
    ]);
    expect(actions.entities[0]?.digest).toBe(inside.digest);
  });

  it("announces and runs a binding's actions with the binding's parameters merged in", async () => {
    const ow = await mock();
    const ctl = await controller();
    const wsk = await computer({ apiRoot: ow.url, controllerEndpoint: ctl.endpoint });
    const client = installation(wsk);
    await client.applyEntity({
      entity: entity(
        { kind: EntityKind.PACKAGE, namespace: "guest", name: "tools" },
        { parameters: [{ key: "greeting", value: "hey" }] },
      ),
    });
    await client.applyEntity({
      entity: action("greet", "function main(p) { return { text: p.greeting }; }", "tools"),
    });
    await client.applyEntity({
      entity: entity(
        { kind: EntityKind.PACKAGE, namespace: "guest", name: "polite" },
        {
          binding: { namespace: "guest", name: "tools" },
          parameters: [{ key: "greeting", value: "good morning" }],
        },
      ),
    });
    // The binding was applied: the re-announcement carries its actions at once.
    expect(ctl.lastLambdas()).toEqual(["/guest/polite/greet", "/guest/tools/greet"]);
    const run = (name: string) => createClient(EdgeServer, transportTo(wsk)).runLambda({ name });
    expect(JSON.parse((await run("/guest/polite/greet")).output)).toEqual({
      text: "good morning",
    });
    expect(JSON.parse((await run("/guest/tools/greet")).output)).toEqual({ text: "hey" });
  });

  it("describes the installation: the key's namespace and the labels", async () => {
    const ow = await mock();
    const wsk = await computer({ apiRoot: ow.url });
    const described = await installation(wsk).describeInstallation({});
    expect(described.namespace).toBe("guest");
    expect(described.labels).toEqual({ zone: "eu", tier: "edge" });
    expect(wsk.namespace()).toBe("guest");
  });

  it("refuses callers without the token, while lambdas stay open", async () => {
    const ow = await mock(["copy"]);
    const wsk = await computer({ apiRoot: ow.url });
    const without = installation(wsk, "");
    const refused = await rpcError(without.describeInstallation({}));
    expect(refused.code).toBe(Code.Unauthenticated);
    const wrong = await rpcError(
      installation(wsk, "not-the-token").applyEntity({ entity: action("x", "function main() {}") }),
    );
    expect(wrong.code).toBe(Code.Unauthenticated);
    expect(ow.mock.entities.getAction("guest", undefined, "x")).toBeUndefined();
    const lambda = await createClient(EdgeServer, transportTo(wsk, undefined)).runLambda({
      name: "/guest/copy",
      input: '{"input":"open"}',
    });
    expect(lambda.retcode).toBe("OK");
  });

  it("lets every caller in without a token configured, as the rest of the control plane", async () => {
    const ow = await mock();
    const wsk = await computer({ apiRoot: ow.url, token: undefined });
    const described = await installation(wsk, undefined).describeInstallation({});
    expect(described.namespace).toBe("guest");
  });
});

describe("InstallationService failures", () => {
  it("maps OpenWhisk's refusals to codes, with OpenWhisk's text", async () => {
    const ow = await mock();
    const wsk = await computer({ apiRoot: ow.url });
    const client = installation(wsk);

    const noExec = entity({ kind: EntityKind.ACTION, namespace: "guest", name: "a" }, {});
    const invalid = await rpcError(client.applyEntity({ entity: noExec }));
    expect(invalid.code).toBe(Code.InvalidArgument);
    expect(invalid.rawMessage).toContain("OpenWhisk answered 400");
    expect(invalid.rawMessage).toContain("exec undefined");

    const orphan = action("a", "function main() {}", "nowhere");
    const missing = await rpcError(client.applyEntity({ entity: orphan }));
    expect(missing.code).toBe(Code.NotFound);
    expect(missing.rawMessage).toContain("The requested resource does not exist.");

    await client.applyEntity({
      entity: entity({ kind: EntityKind.PACKAGE, namespace: "guest", name: "p" }, {}),
    });
    const clash = await rpcError(client.applyEntity({ entity: action("p", "function main() {}") }));
    expect(clash.code).toBe(Code.AlreadyExists);
    await client.applyEntity({ entity: action("in", "function main() {}", "p") });
    const notEmpty = await rpcError(
      client.removeEntity({ ref: { kind: EntityKind.PACKAGE, namespace: "guest", name: "p" } }),
    );
    expect(notEmpty.code).toBe(Code.AlreadyExists);

    const foreign = action("a", "function main() {}");
    foreign.ref = { ...foreign.ref, namespace: "someone.else" };
    const denied = await rpcError(client.applyEntity({ entity: foreign }));
    expect(denied.code).toBe(Code.PermissionDenied);
  });

  it("answers PERMISSION_DENIED for a key OpenWhisk refuses, without the key", async () => {
    const ow = await mock();
    const key = `${GUEST_KEY.split(":")[0]}:${"NotTheRightKeyAtAll".repeat(4).slice(0, 64)}`;
    const wsk = await computer({ apiRoot: ow.url, auth: key });
    const client = installation(wsk);
    const errors = [
      await rpcError(client.applyEntity({ entity: action("a", "function main() {}") })),
      await rpcError(client.listInstalledEntities({ kind: EntityKind.ACTION })),
      await rpcError(client.describeInstallation({})),
    ];
    for (const error of errors) {
      expect(error.code).toBe(Code.PermissionDenied);
      expect(error.message).not.toContain(key.split(":")[1]);
      expect(error.message).not.toContain(Buffer.from(key).toString("base64"));
    }
  });

  it("answers UNAVAILABLE while OpenWhisk cannot be reached", async () => {
    const ow = await startOpenWhiskMock();
    const wsk = await computer({ apiRoot: ow.url });
    await ow.close();
    const client = installation(wsk);
    const down = await rpcError(client.applyEntity({ entity: action("a", "function main() {}") }));
    expect(down.code).toBe(Code.Unavailable);
    const listing = await rpcError(client.listInstalledEntities({ kind: EntityKind.PACKAGE }));
    expect(listing.code).toBe(Code.Unavailable);
  });

  it("refuses what is not the domain's to apply before calling OpenWhisk", async () => {
    const ow = await mock();
    const wsk = await computer({ apiRoot: ow.url });
    const client = installation(wsk);
    const cases: MessageInitShape<typeof soev1.ApplyEntityRequestSchema>[] = [
      {},
      { entity: entity({ kind: EntityKind.TRIGGER, namespace: "guest", name: "t" }, {}) },
      { entity: entity({ kind: EntityKind.ACTION, namespace: "_", name: "a" }, {}) },
      {
        entity: entity(
          { kind: EntityKind.PACKAGE, namespace: "guest", package: "p", name: "q" },
          {},
        ),
      },
      { entity: { ...action("a", "function main() {}"), digest: "" } },
      {
        entity: { ...action("a", "function main() {}"), document: new TextEncoder().encode("[]") },
      },
    ];
    for (const request of cases) {
      const error = await rpcError(client.applyEntity(request));
      expect(error.code).toBe(Code.InvalidArgument);
    }
    const unspecified = await rpcError(client.listInstalledEntities({}));
    expect(unspecified.code).toBe(Code.InvalidArgument);
    const rule = create(soev1.EntityRefSchema, {
      kind: EntityKind.RULE,
      namespace: "guest",
      name: "r",
    });
    expect((await rpcError(client.removeEntity({ ref: rule }))).code).toBe(Code.InvalidArgument);
    expect(ow.mock.entities.listActions("guest")).toEqual([]);
  });
});

describe("installation registration", () => {
  it("registers with the announced end-point, namespace, labels and lease; unregisters on close", async () => {
    const ow = await mock(["copy"]);
    const ctl = await controller();
    const wsk = await computer({
      apiRoot: ow.url,
      controllerEndpoint: ctl.endpoint,
      leaseTtlMs: 9_000,
    });
    const [first] = await eventually(
      () => ctl.registrations.length > 0 && ctl.registrations,
      "a registration",
    );
    expect(first).toEqual({
      endpoint: wsk.announcedEndpoint,
      namespace: "guest",
      labels: { zone: "eu", tier: "edge" },
      leaseTtlMs: 9_000,
    });
    await eventually(() => wsk.registered(), "the registration taken");
    await wsk.close();
    expect(ctl.unregistered).toEqual([wsk.announcedEndpoint]);
  });

  it("keeps announcing quietly to a controller without DeploymentService", async () => {
    const ow = await mock(["copy"]);
    const recording = await startRecordingController({ token: TOKEN });
    cleanups.push(() => recording.close());
    const logs = captureLogs();
    const wsk = await computer({
      apiRoot: ow.url,
      controllerEndpoint: recording.endpoint,
      leaseTtlMs: 150,
      logger: logs.logger,
    });
    await eventually(() => recording.calls.length >= 3, "announcements and their refreshes");
    expect(recording.lastLambdas()).toEqual(["/guest/copy"]);
    expect(wsk.registered()).toBe(false);
    const said = logs
      .text()
      .split("\n")
      .filter((line) => line.includes("no DeploymentService"));
    expect(said).toHaveLength(1);
    expect(logs.text()).not.toContain("could not register");
  });
});
