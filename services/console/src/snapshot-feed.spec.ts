import { describe, expect, it } from "vitest";
import { SnapshotFeed, sseFrame } from "./snapshot-feed.js";

const decoder = new TextDecoder();

async function readFrames(reader: ReadableStreamDefaultReader<Uint8Array>, n: number) {
  const frames: string[] = [];
  for (let i = 0; i < n; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    frames.push(decoder.decode(value));
  }
  return frames;
}

/** A subscription's reader; the test fails if the feed refused it. */
function subscribe(feed: SnapshotFeed, first?: string) {
  const stream = feed.subscribe(first);
  if (stream === undefined) throw new Error("the feed refused a client");
  return stream.getReader();
}

describe("sseFrame", () => {
  it("puts every line of the data on its own data: line, after the event name", () => {
    expect(sseFrame('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(sseFrame("one\ntwo\r\nthree", "snapshot")).toBe(
      "event: snapshot\ndata: one\ndata: two\ndata: three\n\n",
    );
  });
});

describe("SnapshotFeed", () => {
  it("sends the first frame, then every published frame, to a client that keeps up", async () => {
    const feed = new SnapshotFeed({ maxClients: 2 });
    const reader = subscribe(feed, sseFrame("0"));
    expect(await readFrames(reader, 1)).toEqual(["data: 0\n\n"]);
    expect(feed.publish(sseFrame("1"))).toEqual({ delivered: 1, dropped: 0, disconnected: 0 });
    expect(await readFrames(reader, 1)).toEqual(["data: 1\n\n"]);
  });

  it("refuses a client beyond maxClients and takes one again when a client leaves", async () => {
    const counts: number[] = [];
    const feed = new SnapshotFeed({ maxClients: 1, onClients: (n) => counts.push(n) });
    const first = subscribe(feed);
    expect(feed.subscribe()).toBeUndefined();
    await first.cancel();
    expect(feed.clients).toBe(0);
    expect(feed.subscribe()).toBeDefined();
    expect(counts).toEqual([1, 0, 1]);
  });

  it("drops frames for a client whose queue is full and delivers the newest ones it can take", async () => {
    const feed = new SnapshotFeed({ maxClients: 2, queueFrames: 2 });
    const slow = subscribe(feed);
    const fast = subscribe(feed);
    const fastFrames: string[] = [];
    for (let i = 1; i <= 5; i++) {
      feed.publish(sseFrame(String(i)));
      fastFrames.push(...(await readFrames(fast, 1)));
    }
    expect(fastFrames).toEqual(["1", "2", "3", "4", "5"].map((d) => `data: ${d}\n\n`));
    // The slow one read nothing: two frames queued, three dropped for it alone.
    expect(feed.droppedFrames).toBe(3);
    expect(await readFrames(slow, 2)).toEqual(["data: 1\n\n", "data: 2\n\n"]);
    feed.publish(sseFrame("6"));
    expect(await readFrames(slow, 1)).toEqual(["data: 6\n\n"]);
  });

  it("disconnects a client that took nothing for maxConsecutiveDrops frames, freeing its slot", async () => {
    const feed = new SnapshotFeed({ maxClients: 1, queueFrames: 1, maxConsecutiveDrops: 3 });
    const stalled = subscribe(feed);
    feed.publish("a");
    expect(feed.publish("b").disconnected).toBe(0);
    feed.publish("c");
    expect(feed.publish("d")).toEqual({ delivered: 0, dropped: 1, disconnected: 1 });
    expect(feed.clients).toBe(0);
    expect(await readFrames(stalled, 5)).toEqual(["a"]);
    expect(feed.subscribe()).toBeDefined();
  });

  it("ends every stream on close and takes no new client", async () => {
    const feed = new SnapshotFeed({ maxClients: 4 });
    const reader = subscribe(feed);
    feed.close();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(feed.subscribe()).toBeUndefined();
    expect(feed.publish("x")).toEqual({ delivered: 0, dropped: 0, disconnected: 0 });
  });

  it("rejects a maxClients that is not a positive integer", () => {
    expect(() => new SnapshotFeed({ maxClients: 0 })).toThrow(RangeError);
  });
});
