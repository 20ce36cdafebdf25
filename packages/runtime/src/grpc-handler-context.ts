import type { IncomingHttpHeaders } from "node:http2";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { type ContextValues, createContextValues, type HandlerContext } from "@connectrpc/connect";
import { toFetchHeaders } from "./grpc-status.js";

/**
 * Connect's HandlerContext for the lean gRPC path. Every part a handler may not use (signal,
 * header objects, context values) is created on first access: most handlers touch none of them,
 * and allocating them per call is what made connect-node's hop slow (DESIGN §8).
 */
export class LeanHandlerContext implements HandlerContext {
  readonly requestMethod = "POST";
  readonly protocolName = "grpc";
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private aborted = false;
  private requestHeaders: Headers | undefined;
  responseHeaders: Headers | undefined;
  responseTrailers: Headers | undefined;
  private contextValues: ContextValues | undefined;

  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    readonly url: string,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly deadline: number | undefined,
  ) {}

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - performance.now();
  }

  get requestHeader(): Headers {
    this.requestHeaders ??= toFetchHeaders(this.rawHeaders);
    return this.requestHeaders;
  }

  get responseHeader(): Headers {
    this.responseHeaders ??= new Headers();
    return this.responseHeaders;
  }

  get responseTrailer(): Headers {
    this.responseTrailers ??= new Headers();
    return this.responseTrailers;
  }

  get values(): ContextValues {
    this.contextValues ??= createContextValues();
    return this.contextValues;
  }

  /** Cancels the handler's work: the client went away or the deadline passed. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}
