import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import { createTransport } from "@soe/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ControllerServerOptions } from "../src/controller-server.js";
import {
  cleanupList,
  controllerClients,
  eventually,
  freePort,
  startController,
  startTestRouter,
} from "./fixtures.js";
import {
  foreignEntity,
  type InstallationDouble,
  startInstallationDouble,
} from "./installation-double.js";

const { ACTION, PACKAGE } = soev1.EntityKind;
const TOKEN = "control-plane-token";
const cleanup = cleanupList();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "soe-deploy-"));
});
afterEach(async () => {
  await cleanup.run();
  rmSync(dir, { recursive: true, force: true });
});

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const code = (main: string) => ({ exec: { kind: "nodejs:20", code: main } });
const placed = (selector: string, doc: object = code("x")) => ({
  ...doc,
  annotations: [{ key: "soe-placement", value: selector }],
});
const actionRef = (name: string, pkg = "") => ({
  kind: ACTION,
  namespace: "guest",
  package: pkg,
  name,
});
const packageRef = (name: string) => ({ kind: PACKAGE, namespace: "guest", package: "", name });

async function controller(options: ControllerServerOptions = {}) {
  const server = cleanup.add(
    await startController({
      token: TOKEN,
      installationTimeoutMs: 1_000,
      reconcileIntervalMs: 60_000,
      ...options,
    }),
    (c) => c.close(),
  );
  const transport = cleanup.add(createTransport(server.endpoint, { token: TOKEN }), (t) =>
    t.close(),
  );
  return { server, deploy: createClient(soev1.DeploymentService, transport) };
}
type Deploy = Awaited<ReturnType<typeof controller>>["deploy"];

async function installation(
  options: { labels?: Record<string, string>; endpoint?: string; announceTo?: string } = {},
) {
  return cleanup.add(await startInstallationDouble({ token: TOKEN, ...options }), (i) => i.close());
}

const register = (deploy: Deploy, ow: InstallationDouble, labels: Record<string, string> = {}) =>
  deploy.registerInstallation({ endpoint: ow.endpoint, namespace: "guest", labels, leaseTtlMs: 0 });

const paths = (ow: InstallationDouble) => [...ow.held.keys()].sort();

describe("DeploymentService", () => {
  it("applies a put to every installation of the namespace, and bumps the version on update", async () => {
    const { deploy } = await controller();
    const [ow1, ow2] = [await installation(), await installation()];
    await register(deploy, ow1);
    await register(deploy, ow2);

    const created = await deploy.putEntity({
      entity: { ref: actionRef("hello"), document: json(code("a")) },
    });
    expect(created.entity?.version).toBe("0.0.1");
    expect(created.outcome).toMatchObject({
      targeted: 2,
      applied: 2,
      failures: [],
      routesReady: true,
    });
    for (const ow of [ow1, ow2]) {
      expect(ow.held.get("action guest/hello")?.digest).toBe(created.entity?.digest);
    }

    const updated = await deploy.putEntity({
      entity: { ref: actionRef("hello"), document: json(code("b")) },
      overwrite: true,
    });
    expect(updated.entity?.version).toBe("0.0.2");
    expect(updated.entity?.digest).not.toBe(created.entity?.digest);
    expect(updated.outcome?.applied).toBe(2);
    expect(ow1.held.get("action guest/hello")?.digest).toBe(updated.entity?.digest);
    const got = await deploy.getEntity({ ref: actionRef("hello") });
    expect(new TextDecoder().decode(got.entity?.document)).toBe(JSON.stringify(code("b")));
  });

  it("keeps an entity off an installation its placement does not select", async () => {
    const { deploy } = await controller();
    const [edge, cloud] = [await installation(), await installation()];
    await register(deploy, edge, { tier: "edge" });
    await register(deploy, cloud, { tier: "cloud" });
    const put = await deploy.putEntity({
      entity: { ref: actionRef("near"), document: json(placed("tier=edge")) },
    });
    expect(put.outcome).toMatchObject({ targeted: 1, applied: 1 });
    expect(paths(edge)).toEqual(["action guest/near"]);
    expect(paths(cloud)).toEqual([]);
  });

  it("gives a late installation every entity, packages before their actions", async () => {
    const { deploy } = await controller();
    await deploy.putEntity({ entity: { ref: packageRef("tools"), document: json({}) } });
    await deploy.putEntity({
      entity: { ref: actionRef("fmt", "tools"), document: json(code("f")) },
    });
    const late = await installation();
    await register(deploy, late);
    await eventually(() =>
      expect(paths(late)).toEqual(["action guest/tools/fmt", "package guest/tools"]),
    );
    expect(late.calls.filter((c) => c.startsWith("apply"))).toEqual([
      "apply package guest/tools",
      "apply action guest/tools/fmt",
    ]);
    const { installations } = await deploy.listInstallations({});
    expect(installations[0]).toMatchObject({
      endpoint: late.endpoint,
      namespace: "guest",
      drift: [],
    });
    expect(installations[0]?.lastReconciledUnixMs).toBeGreaterThan(0n);
  });

  it("puts back an entity an installation lost, on the next periodic pass", async () => {
    const { deploy } = await controller({ reconcileIntervalMs: 100 });
    const ow = await installation();
    await register(deploy, ow);
    await deploy.putEntity({ entity: { ref: actionRef("keep"), document: json(code("k")) } });
    ow.held.delete("action guest/keep");
    await eventually(() => expect(paths(ow)).toEqual(["action guest/keep"]));
  });

  it("removes a deleted entity everywhere, and never what the domain did not deploy", async () => {
    const { deploy } = await controller();
    const [ow1, ow2] = [await installation(), await installation()];
    ow1.held.set("action guest/theirs", foreignEntity(ACTION, "theirs"));
    await register(deploy, ow1);
    await register(deploy, ow2);
    await deploy.putEntity({ entity: { ref: actionRef("gone"), document: json(code("g")) } });
    const deleted = await deploy.deleteEntity({ ref: actionRef("gone") });
    expect(deleted.entity?.version).toBe("0.0.1");
    expect(deleted.outcome).toMatchObject({ targeted: 2, applied: 2, failures: [] });
    expect(paths(ow1)).toEqual(["action guest/theirs"]);
    expect(paths(ow2)).toEqual([]);
    await expect(deploy.getEntity({ ref: actionRef("gone") })).rejects.toMatchObject({
      code: Code.NotFound,
    });
  });

  it("answers a partial outcome while an installation is unreachable, then heals it", async () => {
    const { deploy } = await controller({ reconcileIntervalMs: 150 });
    const up = await installation();
    const port = await freePort();
    await register(deploy, up);
    await deploy.registerInstallation({
      endpoint: `127.0.0.1:${port}`,
      namespace: "guest",
      leaseTtlMs: 0,
    });
    const put = await deploy.putEntity({
      entity: { ref: actionRef("x"), document: json(code("x")) },
    });
    expect(put.outcome).toMatchObject({ targeted: 2, applied: 1 });
    expect(put.outcome?.failures).toHaveLength(1);
    expect(put.outcome?.failures[0]).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${port}: cannot list its entities: `),
    );
    const listed = await deploy.listInstallations({});
    const down = listed.installations.find((i) => i.endpoint === `127.0.0.1:${port}`);
    expect(down?.drift[0]?.state).toBe(soev1.DriftState.FAILED);

    const back = await installation({ endpoint: `127.0.0.1:${port}` });
    await eventually(() => expect(paths(back)).toEqual(["action guest/x"]));
    await eventually(async () => {
      const { installations } = await deploy.listInstallations({});
      expect(installations.map((i) => i.drift)).toEqual([[], []]);
    });
  });

  it("keeps desired entities and registrations across a restart, and reconciles at once", async () => {
    const stateFile = join(dir, "state.json");
    const first = await controller({ stateFile });
    const ow = await installation({ labels: {} });
    await register(first.deploy, ow);
    await first.deploy.putEntity({ entity: { ref: packageRef("p"), document: json({}) } });
    await first.deploy.putEntity({
      entity: { ref: actionRef("a", "p"), document: json(code("a")) },
    });
    await first.server.close();

    ow.held.delete("action guest/p/a"); // drift while the controller is down
    const second = await controller({ stateFile });
    await eventually(() => expect(paths(ow)).toEqual(["action guest/p/a", "package guest/p"]));
    const { entities } = await second.deploy.listEntities({ kind: ACTION, namespace: "guest" });
    expect(entities.map((e) => [e.ref?.package, e.ref?.name, e.version])).toEqual([
      ["p", "a", "0.0.1"],
    ]);
    const { installations } = await second.deploy.listInstallations({});
    expect(installations.map((i) => i.endpoint)).toEqual([ow.endpoint]);
  });

  it("refuses every call without the token, and sends its own to installations", async () => {
    const { server, deploy } = await controller();
    const bare = cleanup.add(createTransport(server.endpoint), (t) => t.close());
    const anonymous = createClient(soev1.DeploymentService, bare);
    for (const call of [
      () => anonymous.listEntities({ kind: ACTION, namespace: "guest" }),
      () => anonymous.putEntity({ entity: { ref: actionRef("x"), document: json({}) } }),
      () => anonymous.listInstallations({}),
      () => anonymous.registerInstallation({ endpoint: "x:1", namespace: "guest" }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: Code.Unauthenticated });
    }
    // The double requires the token too: an apply that goes through proves the controller sent it.
    const ow = await installation();
    await register(deploy, ow);
    const put = await deploy.putEntity({ entity: { ref: actionRef("x"), document: json({}) } });
    expect(put.outcome).toMatchObject({ targeted: 1, applied: 1 });
  });

  it("answers put of an action once the routers hold its routes", async () => {
    const { server, deploy } = await controller();
    const { control } = cleanup.add(controllerClients(server.endpoint, TOKEN), (c) => c.close());
    const router = cleanup.add(await startTestRouter({ token: TOKEN }), (r) => r.close());
    await control.announceRouter({
      edgeServerEndpoint: "r:6473",
      forwardingTableEndpoint: router.tableEndpoint,
    });
    const ow = await installation({ announceTo: server.endpoint });
    await register(deploy, ow);
    const put = await deploy.putEntity({
      entity: { ref: actionRef("routed"), document: json(code("r")) },
    });
    expect(put.outcome).toMatchObject({ applied: 1, routesReady: true });
    expect(router.routes()).toContainEqual(expect.stringMatching(/^\/guest\/routed /));
  });

  it("says the routes are not ready when a router does not take them in time", async () => {
    const { server, deploy } = await controller({ routesWaitMs: 300 });
    const { control } = cleanup.add(controllerClients(server.endpoint, TOKEN), (c) => c.close());
    const router = cleanup.add(await startTestRouter({ token: TOKEN, mode: "hang" }), (r) =>
      r.close(),
    );
    await control.announceRouter({
      edgeServerEndpoint: "r:6473",
      forwardingTableEndpoint: router.tableEndpoint,
    });
    const ow = await installation({ announceTo: server.endpoint });
    await register(deploy, ow);
    const put = await deploy.putEntity({
      entity: { ref: actionRef("stuck"), document: json(code("s")) },
    });
    expect(put.outcome).toMatchObject({ targeted: 1, applied: 1, routesReady: false });
  });

  it("lists the union of what reachable installations hold, first installation winning", async () => {
    const { deploy } = await controller();
    const [ow1, ow2] = [await installation(), await installation()];
    ow1.held.set("action guest/b", foreignEntity(ACTION, "b"));
    ow2.held.set("action guest/b", { ...foreignEntity(ACTION, "b"), version: "0.0.9" });
    ow2.held.set("action guest/a", foreignEntity(ACTION, "a"));
    await register(deploy, ow1);
    await register(deploy, ow2);
    const dead = `127.0.0.1:${await freePort()}`;
    await deploy.registerInstallation({ endpoint: dead, namespace: "guest", leaseTtlMs: 0 });
    const { entities } = await deploy.listInstalledEntities({ kind: ACTION, namespace: "guest" });
    const first = ow1.endpoint < ow2.endpoint ? "0.0.1" : "0.0.9";
    expect(entities.map((e) => [e.ref?.name, e.version])).toEqual([
      ["a", "0.0.1"],
      ["b", first],
    ]);
  });

  describe("refuses", () => {
    const refusal = async (call: () => Promise<unknown>, want: Code, text: RegExp) => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(want);
      expect((error as ConnectError).rawMessage).toMatch(text);
    };

    it("bad refs, documents and selectors as INVALID_ARGUMENT", async () => {
      const { deploy } = await controller();
      const put = (ref: object, document: Uint8Array) => () =>
        deploy.putEntity({ entity: { ref, document } });
      await refusal(
        put({ ...actionRef("x"), kind: soev1.EntityKind.TRIGGER }, json({})),
        Code.InvalidArgument,
        /kind/,
      );
      await refusal(
        put({ ...actionRef("x"), namespace: "_" }, json({})),
        Code.InvalidArgument,
        /namespace/,
      );
      await refusal(put(actionRef(""), json({})), Code.InvalidArgument, /name is empty/);
      await refusal(
        put({ ...packageRef("p"), package: "q" }, json({})),
        Code.InvalidArgument,
        /packages/,
      );
      await refusal(put(actionRef("x"), json([1])), Code.InvalidArgument, /not a JSON object/);
      await refusal(
        put(actionRef("x"), json(placed("zone"))),
        Code.InvalidArgument,
        /soe-placement: "zone"/,
      );
    });

    it("conflicts with the codes the contract names", async () => {
      const { deploy } = await controller();
      await deploy.putEntity({ entity: { ref: packageRef("p"), document: json({}) } });
      await deploy.putEntity({ entity: { ref: actionRef("a", "p"), document: json({}) } });
      await refusal(
        () => deploy.putEntity({ entity: { ref: packageRef("p"), document: json({}) } }),
        Code.AlreadyExists,
        /package \/guest\/p already exists/,
      );
      await refusal(
        () => deploy.putEntity({ entity: { ref: actionRef("a", "nope"), document: json({}) } }),
        Code.NotFound,
        /package \/guest\/nope does not exist/,
      );
      await refusal(
        () => deploy.deleteEntity({ ref: packageRef("p") }),
        Code.FailedPrecondition,
        /still holds 1 action/,
      );
      await refusal(
        () => deploy.deleteEntity({ ref: actionRef("zz") }),
        Code.NotFound,
        /does not exist/,
      );
      await deploy.deleteEntity({ ref: actionRef("a", "p") });
      await deploy.deleteEntity({ ref: packageRef("p") });
      expect((await deploy.listEntities({ kind: PACKAGE, namespace: "guest" })).entities).toEqual(
        [],
      );
    });
  });
});
