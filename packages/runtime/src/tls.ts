import { readFileSync } from "node:fs";

/** PEM material for a server; with `ca`, clients must present a certificate signed by it (mTLS). */
export interface ServerTlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly ca?: string | Buffer;
}

/** PEM material for a client: `ca` to verify the server, `cert`/`key` for mTLS. */
export interface ClientTlsOptions {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Name to verify in the server certificate, when it differs from the host dialled. */
  readonly serverName?: string;
  /** Skips certificate verification: for tests against self-signed servers only. */
  readonly insecure?: boolean;
}

/** Reads TLS files named by options; undefined when no certificate is configured. */
export function loadServerTls(files: {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
}): ServerTlsOptions | undefined {
  if (files.cert === undefined && files.key === undefined) return undefined;
  if (files.cert === undefined || files.key === undefined) {
    throw new Error("TLS needs both a certificate and a key");
  }
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ...(files.ca === undefined ? {} : { ca: readFileSync(files.ca) }),
  };
}

export function loadClientTls(files: {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}): ClientTlsOptions | undefined {
  if (files.ca === undefined && files.cert === undefined) return undefined;
  return {
    ...(files.ca === undefined ? {} : { ca: readFileSync(files.ca) }),
    ...(files.cert === undefined ? {} : { cert: readFileSync(files.cert) }),
    ...(files.key === undefined ? {} : { key: readFileSync(files.key) }),
  };
}
