import { isIPv6 } from "node:net";
import { formatEndpoint, parseEndpoint } from "./endpoint.js";

/**
 * The end-point a process announces to the controller, from `--advertise` and the end-point it
 * bound: `--advertise host` keeps the bound port (bind `0.0.0.0:6473`, announce `edge1:6473`);
 * `--advertise host:port` is taken whole (a port mapped by NAT or a container runtime); an IPv6
 * host is written in brackets (`--advertise ::1` or `[::1]` → `[::1]:6473`). No `--advertise`
 * announces the bound end-point.
 */
export function advertisedEndpoint(advertise: string | undefined, bound: string): string {
  const text = advertise?.trim() ?? "";
  if (text === "") return bound;
  if (/:\d+$/.test(text) && (text.startsWith("[") || !text.includes("::"))) {
    // host:port or [v6]:port; a bare IPv6 address such as fe80::1 ends in digits too.
    if (!isIPv6(text)) return formatEndpoint(parseAdvertised(text));
  }
  const host = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (/[\s[\]/]/.test(host) || (host.includes(":") && !isIPv6(host))) {
    throw new Error(`invalid --advertise "${text}": expected host or host:port`);
  }
  return formatEndpoint({ host, port: parseEndpoint(bound).port });
}

function parseAdvertised(text: string) {
  try {
    return parseEndpoint(text);
  } catch {
    throw new Error(`invalid --advertise "${text}": expected host or host:port`);
  }
}
