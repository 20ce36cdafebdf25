import type { SecureClientSessionOptions } from "node:http2";
import type { Interceptor, Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport as createConnectGrpcTransport,
} from "@connectrpc/connect-node";
import { bearerHeader } from "./control-auth.js";
import { endpointUrl } from "./endpoint.js";
import { createGrpcTransport } from "./grpc-transport.js";
import { Http2SessionPool } from "./http2-session-pool.js";
import type { ClientTlsOptions } from "./tls.js";

export interface ClientOptions {
  /** "grpc" (default): unary over the lean HTTP/2 path; "connect": connect-node's Connect protocol. */
  readonly protocol?: "grpc" | "connect";
  readonly tls?: ClientTlsOptions;
  /** Deadline for calls that set none. */
  readonly defaultTimeoutMs?: number;
  /** Control-plane token, sent as `authorization: Bearer`. */
  readonly token?: string;
  readonly readMaxBytes?: number;
  readonly writeMaxBytes?: number;
  readonly connectTimeoutMs?: number;
}

/** A transport to one end-point, with the session it owns. */
export interface EndpointTransport extends Transport {
  readonly endpoint: string;
  close(): void;
}

export function createTransport(endpoint: string, options: ClientOptions = {}): EndpointTransport {
  const secure = options.tls !== undefined;
  const baseUrl = endpointUrl(endpoint, secure);
  const connectOptions: SecureClientSessionOptions = secure ? tlsConnectOptions(options.tls) : {};
  const headers = options.token ? { authorization: bearerHeader(options.token) } : undefined;
  const limits = {
    ...(options.readMaxBytes === undefined ? {} : { readMaxBytes: options.readMaxBytes }),
    ...(options.writeMaxBytes === undefined ? {} : { writeMaxBytes: options.writeMaxBytes }),
  };
  const sendToken: Interceptor = (next) => (req) => {
    if (headers !== undefined) req.header.set("authorization", headers.authorization);
    return next(req);
  };
  const interceptors = headers === undefined ? [] : [sendToken];
  // connect-node serves what the lean path does not: the Connect protocol and streaming calls.
  let delegate: Transport | undefined;
  const connectNode = (): Transport => {
    delegate ??= (
      options.protocol === "connect" ? createConnectTransport : createConnectGrpcTransport
    )({
      baseUrl,
      httpVersion: "2",
      nodeOptions: connectOptions,
      interceptors,
      ...limits,
      ...(options.defaultTimeoutMs === undefined
        ? {}
        : { defaultTimeoutMs: options.defaultTimeoutMs }),
    });
    return delegate;
  };

  if (options.protocol === "connect") {
    const transport = connectNode();
    return {
      endpoint,
      unary: transport.unary.bind(transport),
      stream: transport.stream.bind(transport),
      close() {},
    };
  }
  const sessions = new Http2SessionPool(baseUrl, {
    connectOptions,
    ...(options.connectTimeoutMs === undefined
      ? {}
      : { connectTimeoutMs: options.connectTimeoutMs }),
  });
  const lean = createGrpcTransport({
    sessions,
    ...limits,
    ...(options.defaultTimeoutMs === undefined
      ? {}
      : { defaultTimeoutMs: options.defaultTimeoutMs }),
    ...(headers === undefined ? {} : { headers }),
    streaming: {
      unary: (...args) => connectNode().unary(...args),
      stream: (...args) => connectNode().stream(...args),
    },
  });
  return {
    endpoint,
    unary: lean.unary,
    stream: lean.stream,
    close: () => sessions.close(),
  };
}

function tlsConnectOptions(tls: ClientTlsOptions | undefined): SecureClientSessionOptions {
  if (tls === undefined) return {};
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
    rejectUnauthorized: tls.insecure !== true,
  };
}

/**
 * Transports keyed by end-point (`host:port`): one long-lived session per destination, shared by
 * every caller in the process, as a router's forwarding needs.
 */
export class TransportPool {
  private readonly transports = new Map<string, EndpointTransport>();

  constructor(private readonly options: ClientOptions = {}) {}

  get(endpoint: string): EndpointTransport {
    let transport = this.transports.get(endpoint);
    if (transport === undefined) {
      transport = createTransport(endpoint, this.options);
      this.transports.set(endpoint, transport);
    }
    return transport;
  }

  /** Forgets a destination (e.g. removed from every table), closing its session. */
  delete(endpoint: string): void {
    this.transports.get(endpoint)?.close();
    this.transports.delete(endpoint);
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }
}
