import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";
import { createLogger } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { ActionFactsCache, actionFactsOf } from "./action-facts.js";

const logger = createLogger({ name: "test", level: "silent" });
const hello = { namespace: "guest", packageName: "demo", name: "hello" };

function entity(version: string, document: object): soev1.Entity {
  return create(soev1.EntitySchema, {
    ref: { kind: soev1.EntityKind.ACTION, namespace: "guest", package: "demo", name: "hello" },
    document: new TextEncoder().encode(JSON.stringify(document)),
    version,
  });
}

/** A controller whose answers the test sets; every read counted. */
function fakeDeployment() {
  let answer: () => soev1.Entity | undefined = () => undefined;
  const asked: string[] = [];
  return {
    deployment: {
      async get(ref: soev1.EntityRef) {
        asked.push(`/${ref.namespace}/${ref.package}/${ref.name}`);
        return answer();
      },
    },
    asked,
    answer(next: () => soev1.Entity | undefined) {
      answer = next;
    },
  };
}

describe("actionFactsOf", () => {
  it("gives the version, the kind, and the limits with OpenWhisk's defaults filled in", () => {
    const facts = actionFactsOf(
      entity("0.0.4", { exec: { kind: "python:3", code: "x" }, limits: { memory: 128 } }),
    );
    expect(facts).toEqual({
      version: "0.0.4",
      kind: "python:3",
      limits: { timeout: 60_000, memory: 128, logs: 10, concurrency: 1 },
    });
  });
});

describe("ActionFactsCache", () => {
  it("reads an action once, then answers from memory until the entry is stale", async () => {
    const fake = fakeDeployment();
    let now = 0;
    const cache = new ActionFactsCache({
      deployment: fake.deployment,
      ttlMs: 1_000,
      clock: () => now,
      logger,
    });
    fake.answer(() => entity("0.0.1", { exec: { kind: "nodejs:20", code: "x" } }));
    expect((await cache.of(hello))?.version).toBe("0.0.1");
    expect((await cache.of(hello))?.version).toBe("0.0.1");
    expect(fake.asked).toEqual(["/guest/demo/hello"]);

    // Stale: answered with what is known at once, read again behind the call.
    fake.answer(() => entity("0.0.2", { exec: { kind: "nodejs:20", code: "y" } }));
    now = 1_000;
    expect((await cache.of(hello))?.version).toBe("0.0.1");
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.of(hello))?.version).toBe("0.0.2");
    expect(fake.asked).toHaveLength(2);
  });

  it("tells settled facts without waiting, and reads a forgotten action afresh", async () => {
    const fake = fakeDeployment();
    const cache = new ActionFactsCache({ deployment: fake.deployment, logger });
    fake.answer(() => entity("0.0.1", { exec: { kind: "sequence", components: ["/guest/a"] } }));
    const first = cache.of(hello);
    expect(cache.settledOf(hello)).toBeUndefined();
    expect((await first)?.components).toEqual(["/guest/a"]);
    expect(cache.settledOf(hello)?.facts?.components).toEqual(["/guest/a"]);
    fake.answer(() => {
      throw new ConnectError("no such entity", Code.NotFound);
    });
    cache.forget(hello);
    expect(await cache.of(hello)).toBeUndefined();
    expect(cache.settledOf(hello)).toEqual({ facts: undefined });
    expect(fake.asked).toHaveLength(2);
  });

  it("remembers an action the domain did not deploy (NotFound), but not a failed read", async () => {
    const fake = fakeDeployment();
    const cache = new ActionFactsCache({ deployment: fake.deployment, logger });
    fake.answer(() => {
      throw new ConnectError("no such entity", Code.NotFound);
    });
    expect(await cache.of(hello)).toBeUndefined();
    expect(await cache.of(hello)).toBeUndefined();
    expect(fake.asked).toHaveLength(1);

    const other = { namespace: "guest", name: "other" };
    fake.answer(() => {
      throw new ConnectError("controller down", Code.Unavailable);
    });
    expect(await cache.of(other)).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    fake.answer(() => entity("0.0.9", { exec: { kind: "nodejs:20", code: "z" } }));
    expect((await cache.of(other))?.version).toBe("0.0.9");
  });

  it("keeps known facts when reading them again fails", async () => {
    const fake = fakeDeployment();
    let now = 0;
    const cache = new ActionFactsCache({
      deployment: fake.deployment,
      ttlMs: 10,
      clock: () => now,
      logger,
    });
    fake.answer(() => entity("0.0.3", { exec: { kind: "nodejs:20", code: "x" } }));
    await cache.of(hello);
    now = 100;
    fake.answer(() => {
      throw new ConnectError("controller down", Code.Unavailable);
    });
    await cache.of(hello);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.of(hello))?.version).toBe("0.0.3");
  });

  it("forgets the least recently read action beyond its size", async () => {
    const fake = fakeDeployment();
    const cache = new ActionFactsCache({ deployment: fake.deployment, maxEntries: 2, logger });
    fake.answer(() => undefined);
    const a = { namespace: "guest", name: "a" };
    const b = { namespace: "guest", name: "b" };
    const c = { namespace: "guest", name: "c" };
    await cache.of(a);
    await cache.of(b);
    await cache.of(a);
    await cache.of(c);
    await cache.of(a);
    expect(fake.asked).toEqual(["/guest//a", "/guest//b", "/guest//c"]);
    await cache.of(b);
    expect(fake.asked).toHaveLength(4);
  });
});
