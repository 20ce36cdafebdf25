import {
  type ClientTlsOptions,
  loadClientTls,
  loadServerTls,
  type ServerTlsOptions,
} from "./tls.js";

/** An option naming a PEM file: a string, unset unless given. */
export interface PemFileOptionSpec {
  readonly type: "string";
  readonly help: string;
}

export type ServerTlsOptionSpecs = {
  readonly tlsCert: PemFileOptionSpec;
  readonly tlsKey: PemFileOptionSpec;
  readonly tlsCa: PemFileOptionSpec;
};

/** The keys of one client's TLS options: `clientTls` gives `clientTlsCa`, `clientTlsCert`, `clientTlsKey`. */
export type ClientTlsOptionKey<P extends string> = `${P}Ca` | `${P}Cert` | `${P}Key`;

export type ClientTlsOptionSpecs<P extends string> = {
  readonly [K in ClientTlsOptionKey<P>]: PemFileOptionSpec;
};

/** What `--help` says of each client option: whom the CA verifies, whom the certificate is for. */
export interface ClientTlsHelp {
  readonly ca: string;
  readonly cert: string;
  /** Default: "client private key (PEM)". */
  readonly key?: string;
}

/**
 * `--tls-cert`, `--tls-key`, `--tls-ca` of a server port, to spread into a program's options.
 * `served` is what the certificate makes the port serve: TLS (RPC ports) or HTTPS (the proxy).
 */
export function serverTlsOptionSpecs(served = "TLS"): ServerTlsOptionSpecs {
  return {
    tlsCert: { type: "string", help: `server certificate (PEM): serve ${served}` },
    tlsKey: { type: "string", help: "server private key (PEM)" },
    tlsCa: { type: "string", help: "CA (PEM) that client certificates must chain to (mTLS)" },
  };
}

/**
 * `--<prefix>-ca`, `--<prefix>-cert`, `--<prefix>-key` of the connections a process opens, to
 * spread into a program's options: `clientTls` for most services, `routerTls` for the controller.
 */
export function clientTlsOptionSpecs<const P extends string>(
  prefix: P,
  help: ClientTlsHelp,
): ClientTlsOptionSpecs<P> {
  return {
    [`${prefix}Ca`]: { type: "string", help: help.ca },
    [`${prefix}Cert`]: { type: "string", help: help.cert },
    [`${prefix}Key`]: { type: "string", help: help.key ?? "client private key (PEM)" },
  } as ClientTlsOptionSpecs<P>;
}

/** The parsed values of {@link serverTlsOptionSpecs} (a program's values hold them). */
export interface ServerTlsValues {
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly tlsCa?: string | undefined;
}

export type ClientTlsValues<P extends string> = {
  readonly [K in ClientTlsOptionKey<P>]?: string | undefined;
};

/**
 * Reads the files the server TLS options name, as the `tls` of a server's options, to spread into
 * them: empty when no certificate is configured.
 */
export function serverTlsFromOptions(values: ServerTlsValues): { tls?: ServerTlsOptions } {
  const tls = loadServerTls({ cert: values.tlsCert, key: values.tlsKey, ca: values.tlsCa });
  return tls === undefined ? {} : { tls };
}

/**
 * Reads the files the client TLS options of `prefix` name, as the property of that name in a
 * server's options (`clientTls`, `routerTls`), to spread into them: empty when none is configured.
 */
export function clientTlsFromOptions<const P extends string>(
  values: ClientTlsValues<NoInfer<P>>,
  prefix: P,
): { [K in P]?: ClientTlsOptions } {
  const tls = loadClientTls({
    ca: values[`${prefix}Ca` as const],
    cert: values[`${prefix}Cert` as const],
    key: values[`${prefix}Key` as const],
  });
  return tls === undefined ? {} : ({ [prefix]: tls } as { [K in P]?: ClientTlsOptions });
}
