import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import type { ActionFacts } from "./action-facts.js";
import {
  type ComponentSources,
  componentAccess,
  componentKind,
  componentsRefusal,
  desiredComponentSources,
  resolveComponent,
} from "./sequence-components.js";

const limits = { timeout: 60_000, memory: 256, logs: 10, concurrency: 1 };
const plain: ActionFacts = { version: "0.0.1", kind: "nodejs:20", limits };
const chain: ActionFacts = {
  version: "0.0.2",
  kind: "sequence",
  limits,
  components: ["/guest/a"],
};

function sources(desired: Record<string, ActionFacts>, offered: string[]): ComponentSources {
  return {
    facts: async (a) =>
      desired[`/${a.namespace}/${a.packageName === undefined ? "" : `${a.packageName}/`}${a.name}`],
    offers: async (name) => offered.includes(name),
  };
}

describe("resolveComponent", () => {
  const domain = sources({ "/guest/chain": chain, "/guest/p/deployed": plain }, [
    "/guest/copy",
    "clambda0",
    "/guest/p/deployed",
  ]);

  it("finds a domain sequence, to run nested", async () => {
    expect(await resolveComponent("/guest/chain", domain)).toEqual({
      kind: "sequence",
      action: { namespace: "guest", name: "chain" },
      facts: chain,
    });
  });

  it("routes an OpenWhisk action by its fully-qualified name", async () => {
    expect(await resolveComponent("/guest/copy", domain)).toMatchObject({
      kind: "atomic",
      lambda: "/guest/copy",
    });
    expect(await resolveComponent("/guest/p/deployed", domain)).toMatchObject({
      kind: "atomic",
      lambda: "/guest/p/deployed",
      held: true,
    });
  });

  it("routes /ns/name to a native lambda announced by its bare name", async () => {
    expect(await resolveComponent("/guest/clambda0", domain)).toEqual({
      kind: "atomic",
      action: { namespace: "guest", name: "clambda0" },
      lambda: "clambda0",
      held: false,
    });
    // Not inside a package: `/guest/p/clambda0` is no native lambda.
    expect(await resolveComponent("/guest/p/clambda0", domain)).toBeUndefined();
  });

  it("finds nothing for what the domain does not offer, or a name that is not qualified", async () => {
    expect(await resolveComponent("/guest/nope", domain)).toBeUndefined();
    expect(await resolveComponent("clambda0", domain)).toBeUndefined();
  });

  it("routes by name when the offer cannot be known", async () => {
    const unknown: ComponentSources = {
      facts: async () => undefined,
      offers: async () => undefined,
    };
    expect(await resolveComponent("/guest/x", unknown)).toMatchObject({ lambda: "/guest/x" });
  });

  it("tells the create-time check a component's kind", async () => {
    expect(await componentKind("/guest/chain", domain)).toEqual({
      kind: "sequence",
      components: ["/guest/a"],
    });
    expect(await componentKind("/guest/clambda0", domain)).toEqual({ kind: "atomic" });
    expect(await componentKind("/guest/nope", domain)).toBeUndefined();
  });
});

describe("desiredComponentSources", () => {
  it("reads the controller afresh: NotFound is no entity, other failures reject", async () => {
    const asked: string[] = [];
    const read = desiredComponentSources(
      {
        get: async (ref) => {
          asked.push(`${ref.namespace}/${ref.package}/${ref.name}`);
          if (ref.name === "down") throw new ConnectError("down", Code.Unavailable);
          throw new ConnectError("missing", Code.NotFound);
        },
      },
      { has: async () => false },
    );
    expect(await read.facts({ namespace: "guest", packageName: "p", name: "a" })).toBeUndefined();
    await expect(read.facts({ namespace: "guest", name: "down" })).rejects.toThrow("down");
    expect(asked).toEqual(["guest/p/a", "guest//down"]);
  });
});

describe("componentAccess", () => {
  const lister = { isPublic: async (name: string) => name === "/whisk.system/utils/sort" };
  const guest = { namespace: "guest" };

  it("lets the caller run its own namespace's components and other namespaces' public ones", async () => {
    expect(await componentAccess(lister, guest, "/guest/a")).toMatchObject({ ok: true });
    expect(await componentAccess(lister, guest, "/whisk.system/utils/sort")).toMatchObject({
      ok: true,
    });
  });

  it("refuses another namespace's private component with OpenWhisk's 403 naming its package", async () => {
    expect(await componentAccess(lister, guest, "/whisk.system/utils/secret")).toEqual({
      ok: false,
      status: 403,
      error: "The supplied authentication is not authorized to access 'whisk.system/utils'.",
    });
    expect(
      await componentsRefusal(lister, guest, ["/guest/a", "/team/b", "/whisk.system/utils/x"]),
    ).toMatchObject({ status: 403, error: expect.stringContaining("'team/b'") });
    expect(await componentsRefusal(lister, guest, ["/guest/a"])).toBeUndefined();
  });
});
