import type { IncomingHttpHeaders } from "node:http2";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { toFetchHeaders } from "./grpc-status.js";

/** UnaryResponse whose Fetch headers are built only if a caller reads them. */
export class LeanUnaryResponse {
  readonly stream = false;
  readonly service;
  private headerCache: Headers | undefined;
  private trailerCache: Headers | undefined;

  constructor(
    readonly method: DescMethodUnary,
    private readonly rawHeader: IncomingHttpHeaders,
    private readonly rawTrailer: IncomingHttpHeaders | undefined,
    readonly message: unknown,
  ) {
    this.service = method.parent;
  }

  get header(): Headers {
    this.headerCache ??= toFetchHeaders(this.rawHeader);
    return this.headerCache;
  }

  get trailer(): Headers {
    this.trailerCache ??=
      this.rawTrailer === undefined ? new Headers() : toFetchHeaders(this.rawTrailer);
    return this.trailerCache;
  }
}
