import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startEtcdServer } from "./etcd-server.js";

/** Whether something accepts a TCP connection on the loopback port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("startEtcdServer", () => {
  it("runs a real member on a loopback port that answers etcd's API until closed", async () => {
    const server = await startEtcdServer();
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.endpoint).toBe(`127.0.0.1:${server.port}`);
      // etcd's gRPC gateway answers plain HTTP/1.1 JSON on the client port.
      const put = await fetch(`${server.url}/v3/kv/put`, {
        method: "POST",
        body: JSON.stringify({ key: btoa("k"), value: btoa("v") }),
      });
      expect(put.status).toBe(200);
      const range = await fetch(`${server.url}/v3/kv/range`, {
        method: "POST",
        body: JSON.stringify({ key: btoa("k") }),
      });
      const body = (await range.json()) as { kvs: { value: string }[] };
      expect(atob(body.kvs[0]?.value ?? "")).toBe("v");
    } finally {
      await server.close();
    }
    expect(await accepts(server.port)).toBe(false);
    await server.close();
  }, 60_000);

  it("runs a cluster of three members: what one takes, another answers", async () => {
    const cluster = await startEtcdServer({ members: 3 });
    try {
      expect(cluster.members).toHaveLength(3);
      const [first, , third] = cluster.members;
      const put = await fetch(`http://${first?.endpoint}/v3/kv/put`, {
        method: "POST",
        body: JSON.stringify({ key: btoa("k"), value: btoa("v") }),
      });
      expect(put.status).toBe(200);
      const range = await fetch(`http://${third?.endpoint}/v3/kv/range`, {
        method: "POST",
        body: JSON.stringify({ key: btoa("k") }),
      });
      const body = (await range.json()) as { kvs: { value: string }[] };
      expect(atob(body.kvs[0]?.value ?? "")).toBe("v");
    } finally {
      await cluster.close();
    }
    for (const member of cluster.members) expect(await accepts(member.port)).toBe(false);
  }, 60_000);

  it("says what to install when the binary is missing", async () => {
    await expect(startEtcdServer({ binary: "/nonexistent/etcd" })).rejects.toThrow(
      /install Debian's etcd-server package/,
    );
  });
});
