import { grpc, loadUiiitRpc, unary } from "./grpc-js.js";

/** A container as a computer announces it (uiiit.rpc.ComputerInfo.Container). */
export interface AnnouncedContainer {
  readonly name: string;
  readonly processor: string;
  readonly lambda: string;
  readonly numWorkers: number;
}

/** uiiit.rpc.ComputerInfo as the controller received it. */
export interface AnnouncedComputer {
  readonly edgeServerEndpoint: string;
  readonly containers: readonly AnnouncedContainer[];
}

export interface RecordedCall {
  readonly method: "announceComputer" | "removeComputer";
  readonly info: AnnouncedComputer;
  /**
   * Announcements only: whether the announced end-point answered a dry RunLambda while the
   * controller handled the announcement (a computer must listen before it announces).
   */
  readonly serving?: boolean;
}

export interface RecordingControllerOptions {
  /** `host:port` to listen on (default 127.0.0.1:0). */
  readonly endpoint?: string;
  /** Calls without `authorization: Bearer <token>` fail Unauthenticated and are not recorded. */
  readonly token?: string;
}

export interface RecordingController {
  readonly endpoint: string;
  /** Computer announcements and removals, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** Resolves once `count` calls in all have been recorded. */
  waitForCalls(count: number): Promise<void>;
  /** Lambdas of the last announcement, undefined before the first. */
  lastLambdas(): string[] | undefined;
  close(): Promise<void>;
}

interface WireComputerInfo {
  edgeServerEndpoint: string;
  containers: { name: string; processor: string; lambda: string; numWorkers: number }[];
}

/**
 * A controller for the computers' tests: a stock grpc-js `uiiit.rpc.EdgeController` built from
 * the .proto files (as a third-party controller would be), which records what computers tell it.
 * Routers' announcements are answered and not recorded.
 */
export async function startRecordingController(
  options: RecordingControllerOptions = {},
): Promise<RecordingController> {
  const rpc = loadUiiitRpc();
  const calls: RecordedCall[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const clients = new Set<grpc.Client>();
  const authorized = (metadata: grpc.Metadata) =>
    options.token === undefined ||
    metadata.get("authorization").includes(`Bearer ${options.token}`);
  const EdgeServer = rpc.EdgeServer as grpc.ServiceClientConstructor;
  const probe = async (endpoint: string): Promise<boolean> => {
    const client = new EdgeServer(endpoint, grpc.credentials.createInsecure());
    clients.add(client);
    try {
      await unary(client, "RunLambda", { name: "probe", dry: true }, { deadlineMs: 2_000 });
      return true;
    } catch {
      return false;
    } finally {
      client.close();
      clients.delete(client);
    }
  };
  const record = (method: RecordedCall["method"], wire: WireComputerInfo, serving?: boolean) => {
    const info: AnnouncedComputer = {
      edgeServerEndpoint: wire.edgeServerEndpoint,
      containers: wire.containers.map(({ name, processor, lambda, numWorkers }) => ({
        name,
        processor,
        lambda,
        numWorkers,
      })),
    };
    calls.push({ method, info, ...(serving === undefined ? {} : { serving }) });
    waiters = waiters.filter((w) => {
      if (calls.length < w.count) return true;
      w.resolve();
      return false;
    });
  };
  type Call = grpc.ServerUnaryCall<WireComputerInfo, object>;
  type Done = grpc.sendUnaryData<object>;
  const unauthenticated = { code: grpc.status.UNAUTHENTICATED, details: "missing or bad token" };
  const server = new grpc.Server();
  server.addService((rpc.EdgeController as grpc.ServiceClientConstructor).service, {
    async AnnounceComputer(call: Call, done: Done) {
      if (!authorized(call.metadata)) return done(unauthenticated);
      record("announceComputer", call.request, await probe(call.request.edgeServerEndpoint));
      done(null, {});
    },
    RemoveComputer(call: Call, done: Done) {
      if (!authorized(call.metadata)) return done(unauthenticated);
      record("removeComputer", call.request);
      done(null, {});
    },
    AnnounceRouter(call: Call, done: Done) {
      done(authorized(call.metadata) ? null : unauthenticated, {});
    },
  });
  const requested = options.endpoint ?? "127.0.0.1:0";
  const host = requested.slice(0, requested.lastIndexOf(":"));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(requested, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    endpoint: `${host}:${port}`,
    calls,
    waitForCalls(count) {
      if (calls.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    lastLambdas() {
      const last = calls.filter((c) => c.method === "announceComputer").at(-1);
      return last?.info.containers.map((c) => c.lambda);
    },
    close() {
      for (const client of clients) client.close();
      return new Promise((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
