import { GUEST_KEY } from "@soe/openwhisk";

/** mulberry32: a small seeded generator, so a failing fuzz run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HostileRequest {
  readonly method: string;
  /** Sent raw: `..`, `//` and odd escapes reach the server as written. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

const basic = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;

/** Builds one malformed, hostile or merely unusual request after another. */
export class HostileRequests {
  constructor(private readonly random: () => number) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private name(): string {
    if (this.chance(0.4)) return this.pick(["copy", "echo", "fail", "crash", "demo/hello"]);
    return this.pick([
      "copy",
      "echo",
      "fail",
      "crash",
      "nope",
      "demo/hello",
      "demo",
      "..",
      ".",
      "%2e%2e",
      "copy%2Fx",
      "a%2Fb%2Fc",
      "%00",
      "%zz",
      "%",
      "co py",
      "copy ",
      "é",
      "%C3%A9",
      "a".repeat(257),
      "b".repeat(4000),
      "*",
      "$(id)",
      "<script>",
      "copy/../copy",
      "x/y/z/w",
      "",
    ]);
  }

  private segment(): string {
    if (this.chance(0.6)) return this.pick(["_", "guest"]);
    return this.pick([
      "_",
      "guest",
      "other",
      "whisk.system",
      "..",
      "%2F",
      "",
      "g".repeat(300),
      "gu est",
    ]);
  }

  private collection(): string {
    return this.pick([
      "actions",
      "actions",
      "actions",
      "activations",
      "packages",
      "triggers",
      "rules",
      "limits",
      "x",
    ]);
  }

  private query(): string {
    // Blocking calls now and then, so that failing actions get to answer 502 too.
    const parts: string[] = this.chance(0.3) ? ["blocking=true"] : [];
    const n = Math.floor(this.random() * 5);
    for (let i = 0; i < n; i++) {
      const key = this.pick([
        "blocking",
        "result",
        "timeout",
        "limit",
        "skip",
        "count",
        "docs",
        "name",
        "since",
        "code",
        "%",
        "",
        "x".repeat(200),
      ]);
      const value = this.pick([
        "true",
        "false",
        "TRUE",
        "maybe",
        "",
        "0",
        "1",
        "-1",
        "60001",
        "1e9",
        "%zz",
        "%00",
        "200",
        "201",
        "9".repeat(40),
        "a&b",
        "==",
      ]);
      parts.push(this.chance(0.1) ? key : `${key}=${value}`);
    }
    if (parts.length === 0) return this.chance(0.3) ? "?" : "";
    return `?${parts.join(this.chance(0.1) ? "&&" : "&")}`;
  }

  private path(): string {
    const roll = this.random();
    if (roll < 0.05)
      return this.pick([
        "/",
        "/api",
        "/api/v1",
        "/api/v1/",
        "/api/v2/namespaces",
        "//api//v1",
        "/api/v1/web/guest/default/copy.json",
        "/metrics/../api/v1",
        "/%2e%2e/%2e%2e/etc/passwd",
      ]);
    const ns = this.segment();
    const collection = this.collection();
    const tail = this.chance(0.1) ? "" : `/${this.name()}${this.chance(0.1) ? "/" : ""}`;
    const id =
      collection === "activations" && this.chance(0.5)
        ? `/${this.pick(["0123456789abcdef0123456789abcdef", "xyz", "0".repeat(32), "G".repeat(32)])}${this.pick(["", "/result", "/logs", "/other"])}`
        : tail;
    return `/api/v1/namespaces/${ns}/${collection}${id}${this.query()}`
      .replaceAll(" ", "%20")
      .replace(/[^\x21-\x7e]/g, encodeURIComponent);
  }

  private auth(): string | undefined {
    // Mostly the right key: refusals past authentication are the interesting ones.
    if (this.chance(0.6)) return basic(GUEST_KEY);
    return this.pick([
      undefined,
      basic(`${GUEST_KEY.slice(0, -1)}0`),
      basic("no-colon"),
      "Basic !!!",
      "Bearer abc",
      `Basic ${"A".repeat(6000)}`,
      "",
    ]);
  }

  private body(): { body?: Buffer; type?: string } {
    const roll = this.random();
    const type = this.pick([
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      undefined,
      "application/vnd+json",
      "garbage/;;;",
    ]);
    const text = (s: string) => ({ body: Buffer.from(s), ...(type === undefined ? {} : { type }) });
    if (roll < 0.15) return {};
    if (roll < 0.3)
      return text(
        JSON.stringify({ input: "x".repeat(Math.floor(this.random() * 100)), n: this.random() }),
      );
    if (roll < 0.4)
      return text(
        this.pick(['{"a":', "[1,2,3]", "42", "null", '"s"', "{}", "{'a':1}", "\u0000", '{"a":1}}']),
      );
    if (roll < 0.45) return text(`${"[".repeat(5000)}${"]".repeat(5000)}`);
    if (roll < 0.5) return text(`{"deep":${'{"a":'.repeat(3000)}1${"}".repeat(3000)}}`);
    if (roll < 0.53) return { body: Buffer.alloc(2 * 1024 * 1024, 0x61), type: "application/json" };
    if (roll < 0.6) {
      const bytes = Buffer.alloc(Math.floor(this.random() * 2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(this.random() * 256);
      return { body: bytes, ...(type === undefined ? {} : { type }) };
    }
    return text(JSON.stringify({ input: "fuzz" }));
  }

  next(): HostileRequest {
    const method = this.pick([
      "POST",
      "POST",
      "POST",
      "GET",
      "GET",
      "PUT",
      "DELETE",
      "PATCH",
      "OPTIONS",
      "HEAD",
    ]);
    const headers: Record<string, string> = {};
    const auth = this.auth();
    if (auth !== undefined) headers.authorization = auth;
    if (this.chance(0.2))
      headers["x-request-id"] = this.pick(["tid", "x".repeat(300), "a b", "ok-123"]);
    if (method === "GET" || method === "HEAD" || method === "OPTIONS")
      return { method, path: this.path(), headers };
    const { body, type } = this.body();
    if (type !== undefined) headers["content-type"] = type;
    // Node's client frames GET/DELETE bodies with neither Content-Length nor chunking; the
    // framing is not what is under test here (a server can only answer broken framing with 400).
    if (body !== undefined) headers["content-length"] = String(body.length);
    return { method, path: this.path(), headers, ...(body === undefined ? {} : { body }) };
  }
}
