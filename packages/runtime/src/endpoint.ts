/** A `host:port` end-point, as the reference tools write them; IPv6 hosts in brackets. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export function parseEndpoint(text: string): Endpoint {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = match === null ? Number.NaN : Number(match[3]);
  if (match === null || port > 65535) {
    throw new Error(`invalid end-point "${text}": expected host:port`);
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.host.includes(":")
    ? `[${endpoint.host}]:${endpoint.port}`
    : `${endpoint.host}:${endpoint.port}`;
}

/** The URL a client uses to reach an end-point; wildcard binds are reached on loopback. */
export function endpointUrl(endpoint: string | Endpoint, secure: boolean): string {
  const parsed = typeof endpoint === "string" ? parseEndpoint(endpoint) : endpoint;
  const host = parsed.host === "0.0.0.0" ? "127.0.0.1" : parsed.host === "::" ? "::1" : parsed.host;
  return `${secure ? "https" : "http"}://${formatEndpoint({ host, port: parsed.port })}`;
}
