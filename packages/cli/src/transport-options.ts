import { type ClientOptions, loadClientTls } from "@soe/runtime";

/**
 * Options every tool shares to reach a server: TLS (the reference's `--secure` read fixed file
 * names from the environment; we name the files) and, for the control plane, the shared token
 * (DESIGN §5: `--token`, or the tool's `SOE_<TOOL>_TOKEN`, sent as `authorization: Bearer`).
 */
export const tlsOptionSpecs = {
  tlsCa: { type: "string", help: "CA (PEM) to verify the server; enables TLS" },
  tlsCert: { type: "string", help: "client certificate (PEM) for mTLS; enables TLS" },
  tlsKey: { type: "string", help: "client private key (PEM) for mTLS" },
} as const;

export const tokenOptionSpec = {
  token: { type: "string", secret: true, help: "control-plane token (authorization: Bearer)" },
} as const;

export interface TransportValues {
  readonly tlsCa?: string | undefined;
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly token?: string | undefined;
}

/** Reads the TLS files named by the options (throws if one cannot be read). */
export function transportOptions(values: TransportValues, timeoutMs: number): ClientOptions {
  const tls = loadClientTls({ ca: values.tlsCa, cert: values.tlsCert, key: values.tlsKey });
  return {
    // 0 means no deadline, like the reference's calls (which never set one).
    ...(timeoutMs > 0 ? { defaultTimeoutMs: timeoutMs } : {}),
    ...(tls === undefined ? {} : { tls }),
    ...(values.token === undefined || values.token === "" ? {} : { token: values.token }),
  };
}
