import type { ChildProcesses, StartedChild } from "@soe/bench";

/**
 * Yardstick (b) of the proxy bench: three plain forwarders in the places of proxy, router and
 * wsk-computer, each its own process: HTTP/1.1 in, HTTP/2 between them, HTTP/1.1 out to
 * OpenWhisk. Started last hop first, each told the port of the next.
 */
export async function startForwarderChain(
  children: ChildProcesses,
  openwhisk: string,
  cpu: number | undefined,
): Promise<{ ingress: StartedChild; hops: StartedChild[] }> {
  const egress = await children.start(
    "fwd-egress",
    new URL("./h2-egress-forwarder.ts", import.meta.url),
    [openwhisk],
    { cpu },
  );
  const relay = await children.start(
    "fwd-relay",
    new URL("./h2-relay-forwarder.ts", import.meta.url),
    [`127.0.0.1:${egress.port}`],
    { cpu },
  );
  const ingress = await children.start(
    "fwd-ingress",
    new URL("./h1-ingress-forwarder.ts", import.meta.url),
    [`127.0.0.1:${relay.port}`],
    { cpu },
  );
  return { ingress, hops: [ingress, relay, egress] };
}
