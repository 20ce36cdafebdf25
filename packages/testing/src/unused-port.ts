import { createServer } from "node:net";

/**
 * A loopback port nobody listens on right now: bound on port 0, then released. For a peer that
 * is down (connection refused), or a server that must start later on a known port.
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
