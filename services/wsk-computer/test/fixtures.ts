import { createServer } from "node:net";
import { GUEST_KEY } from "@soe/openwhisk-mock";

/** Creates (or replaces) a nodejs action through the mock's REST API, as `wsk action update` would. */
export async function putAction(
  url: string,
  path: string,
  code = "function main(params) { return params; }",
  key = GUEST_KEY,
): Promise<void> {
  await rest(
    url,
    "PUT",
    `actions/${path}?overwrite=true`,
    { exec: { kind: "nodejs:20", code } },
    key,
  );
}

export async function putPackage(url: string, name: string, key = GUEST_KEY): Promise<void> {
  await rest(url, "PUT", `packages/${name}?overwrite=true`, {}, key);
}

export async function deleteAction(url: string, path: string, key = GUEST_KEY): Promise<void> {
  await rest(url, "DELETE", `actions/${path}`, undefined, key);
}

async function rest(
  url: string,
  method: string,
  path: string,
  body: unknown,
  key: string,
): Promise<void> {
  const response = await fetch(`${url}/api/v1/namespaces/_/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(key).toString("base64")}`,
      "content-type": "application/json",
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

/** A loopback port with nothing listening on it (for a controller that is not there yet). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
