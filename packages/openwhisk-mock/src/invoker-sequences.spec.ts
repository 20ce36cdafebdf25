import { type ActivationRecord, GUEST_KEY, SequenceErrorText } from "@soe/openwhisk";
import openwhisk from "openwhisk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningOpenWhiskMock, startOpenWhiskMock } from "./server.js";

// The mock runs sequences with @soe/openwhisk's runSequence and sequenceRecord, as the domain's
// proxy does: nested sequences under their own records, one limit across the nesting.
let mock: RunningOpenWhiskMock;
let ow: openwhisk.Client;
beforeAll(async () => {
  mock = await startOpenWhiskMock({});
  ow = openwhisk({ apihost: mock.url, api_key: GUEST_KEY });
  await ow.actions.create({
    name: "inc",
    action: "function main(p) { return { n: (p.n || 0) + 1 } }",
  });
});
afterAll(() => mock.close());

const get = async (id: string) =>
  (await ow.activations.get({ name: id })) as unknown as ActivationRecord;
const annotation = (record: ActivationRecord, key: string) =>
  record.annotations.find((a) => a.key === key)?.value;

describe("the mock's sequences", () => {
  it("runs a nested sequence under its own record: topmost false, causedBy, its cause", async () => {
    await ow.actions.create({ name: "pair", sequence: ["/_/inc", "/_/inc"] } as never);
    await ow.actions.create({ name: "three", sequence: ["/_/pair", "/_/inc"] } as never);
    const record = (await ow.actions.invoke({
      name: "three",
      blocking: true,
      params: { n: 0 },
    })) as unknown as ActivationRecord;
    expect(record.response.result).toEqual({ n: 3 });
    expect(annotation(record, "topmost")).toBe(true);
    const inner = await get(record.logs[0] as string);
    expect(inner).toMatchObject({ name: "pair", cause: record.activationId });
    expect(inner.logs).toHaveLength(2);
    expect(annotation(inner, "topmost")).toBe(false);
    expect(annotation(inner, "causedBy")).toBe("sequence");
    const first = await get(inner.logs[0] as string);
    expect(first.cause).toBe(inner.activationId);
  });

  it("stops at 50 atomic actions when an inner sequence grew after the outer one was made", async () => {
    await ow.actions.create({ name: "grows", sequence: ["/_/inc"] } as never);
    await ow.actions.create({ name: "twice", sequence: ["/_/grows", "/_/grows"] } as never);
    await ow.actions.update({ name: "grows", sequence: Array(30).fill("/_/inc") } as never);
    const failed = await ow.actions
      .invoke({ name: "twice", blocking: true, params: { n: 0 } })
      .then(
        () => undefined,
        (error: { statusCode: number; error: ActivationRecord }) => error,
      );
    expect(failed?.statusCode).toBe(502);
    expect(failed?.error.response.result).toEqual({ error: SequenceErrorText.tooLong });
    const second = await get(failed?.error.logs[1] as string);
    expect(second.logs).toHaveLength(20);
  });

  it("refuses at create, as OpenWhisk and the proxy do, a nesting past 50 and a cycle through another", async () => {
    await ow.actions.create({ name: "thirty", sequence: Array(30).fill("/_/inc") } as never);
    await expect(
      ow.actions.create({ name: "sixty", sequence: ["/_/thirty", "/_/thirty"] } as never),
    ).rejects.toMatchObject({ statusCode: 400, error: { error: SequenceErrorText.tooLong } });
    await ow.actions.create({ name: "ring", sequence: ["/_/inc"] } as never);
    await ow.actions.create({ name: "ring_outer", sequence: ["/_/ring"] } as never);
    await expect(
      ow.actions.update({ name: "ring", sequence: ["/_/ring_outer"] } as never),
    ).rejects.toMatchObject({ statusCode: 400, error: { error: SequenceErrorText.cyclic } });
  });
});
