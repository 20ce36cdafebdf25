import { describe, expect, test } from "vitest";
import { hostileCases, slowSenderCases } from "./hostile-cases.js";

const target = { procedures: ["/uiiit.rpc.EdgeServer/RunLambda"], httpPaths: ["/api/v1"] };

describe("hostileCases", () => {
  test("the same seed gives the same inputs", () => {
    expect(hostileCases(target, 9, 200)).toEqual(hostileCases(target, 9, 200));
    expect(hostileCases(target, 9, 50)).not.toEqual(hostileCases(target, 10, 50));
  });

  test("a run mixes every kind of input and aims most at the port's paths", () => {
    const cases = hostileCases(target, 1, 2000);
    const kinds = new Set(cases.map((c) => c.kind));
    expect(kinds).toEqual(new Set(["h1", "h2", "h2-frames"]));
    const h2 = cases.filter((c) => c.kind === "h2");
    const aimed = h2.filter((c) => c.headers[":path"] === target.procedures[0]);
    expect(aimed.length / h2.length).toBeGreaterThan(0.1);
    expect(h2.some((c) => c.reset)).toBe(true);
    expect(h2.some((c) => c.headers[":authority"] === "127.0.0.1:99999")).toBe(true);
  });

  test("HTTP/1.1 requests marked whole carry as many body bytes as they declare", () => {
    for (const c of hostileCases(target, 2, 2000)) {
      if (c.kind !== "h1" || !c.complete) continue;
      const bytes = Buffer.concat(c.chunks);
      const end = bytes.indexOf("\r\n\r\n");
      const head = bytes.subarray(0, end).toString("latin1");
      // Lying framing (a length no parser takes) is refused before any body is read.
      const length = /\r\nContent-Length: (\d{1,9})\r\n/.exec(head);
      if (length !== null && !head.includes("Transfer-Encoding")) {
        expect(bytes.length - end - 4).toBe(Number(length[1]));
      }
    }
  });

  test("frame cases start with the HTTP/2 client preface", () => {
    for (const c of hostileCases(target, 3, 300)) {
      if (c.kind === "h2-frames") expect(c.bytes.subarray(0, 3).toString()).toBe("PRI");
    }
  });
});

describe("slowSenderCases", () => {
  test("dribble headers and a body a byte at a time", () => {
    const [headers, body] = slowSenderCases(target, 10);
    expect(headers?.chunks.every((chunk) => chunk.length === 1)).toBe(true);
    expect(body?.chunks.slice(1).every((chunk) => chunk.length === 1)).toBe(true);
    expect(headers?.gapMs).toBe(10);
  });
});
