import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import {
  actionRef,
  CHANGE_TIMEOUT_MS,
  type DeploymentClient,
  DomainDeployment,
  packageRef,
  READ_TIMEOUT_MS,
} from "./domain-deployment.js";

/** Records what reaches the controller: the request and the call's deadline. */
function recordingClient() {
  const calls: Array<{ method: string; request: unknown; timeoutMs: number | undefined }> = [];
  const record =
    (method: string, answer: unknown) =>
    async (request: unknown, options?: { timeoutMs?: number }) => {
      calls.push({ method, request, timeoutMs: options?.timeoutMs });
      return answer;
    };
  const client = {
    putEntity: record("putEntity", {}),
    getEntity: record("getEntity", { entity: undefined }),
    deleteEntity: record("deleteEntity", {}),
    listEntities: record("listEntities", { entities: [] }),
    listInstalledEntities: record("listInstalledEntities", { entities: [] }),
  } as unknown as DeploymentClient;
  return { client, calls };
}

describe("DomainDeployment", () => {
  it("sends a change with the change deadline and the document as UTF-8 JSON", async () => {
    const { client, calls } = recordingClient();
    const deployment = new DomainDeployment({ client });
    await deployment.put(
      actionRef("guest", "demo", "hello"),
      { exec: { kind: "k", code: "é" } },
      true,
    );
    const [call] = calls;
    expect(call?.timeoutMs).toBe(CHANGE_TIMEOUT_MS);
    const { entity, overwrite } = (call?.request ?? {}) as {
      entity: { ref: soev1.EntityRef; document: Uint8Array };
      overwrite: boolean;
    };
    expect(overwrite).toBe(true);
    expect(entity.ref).toMatchObject({
      kind: soev1.EntityKind.ACTION,
      namespace: "guest",
      package: "demo",
      name: "hello",
    });
    expect(new TextDecoder().decode(entity.document)).toBe('{"exec":{"kind":"k","code":"é"}}');
  });

  it("reads with the read deadline; an action outside a package has an empty package", async () => {
    const { client, calls } = recordingClient();
    const deployment = new DomainDeployment({ client, readTimeoutMs: 7 });
    expect(await deployment.get(packageRef("guest", "tools"))).toBeUndefined();
    expect(await deployment.list(soev1.EntityKind.ACTION, "guest")).toEqual([]);
    await deployment.delete(actionRef("guest", undefined, "x"));
    expect(calls.map((c) => [c.method, c.timeoutMs])).toEqual([
      ["getEntity", 7],
      ["listEntities", 7],
      ["deleteEntity", CHANGE_TIMEOUT_MS],
    ]);
    expect(calls[1]?.request).toEqual({
      kind: soev1.EntityKind.ACTION,
      namespace: "guest",
      package: "",
    });
    expect(calls[2]?.request).toMatchObject({ ref: { package: "", name: "x" } });
    expect(READ_TIMEOUT_MS).toBeLessThan(CHANGE_TIMEOUT_MS);
  });
});
