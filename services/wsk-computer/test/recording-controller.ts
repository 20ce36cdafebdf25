import { createServer } from "node:net";
import { createClient } from "@connectrpc/connect";
import { type ComputerInfo, EdgeController, EdgeServer } from "@soe/proto";
import { createTransport, type RunningServer, serve } from "@soe/runtime";
import { captureLogs } from "./log-capture.js";

export interface RecordedCall {
  readonly kind: "announce" | "remove";
  readonly endpoint: string;
  readonly containers: readonly {
    name: string;
    processor: string;
    lambda: string;
    numWorkers: number;
  }[];
  /**
   * For announcements: whether the announced end-point answered a dry RunLambda while the
   * controller was handling the announcement (a computer must listen before it announces).
   */
  readonly serving?: boolean;
}

export interface RecordingController {
  readonly endpoint: string;
  readonly calls: RecordedCall[];
  /** Lambdas of the last announcement, undefined before the first. */
  lastLambdas(): string[] | undefined;
  close(): Promise<void>;
}

/** A controller that records AnnounceComputer/RemoveComputer, served by the real runtime. */
export async function startRecordingController(port = 0): Promise<RecordingController> {
  const calls: RecordedCall[] = [];
  const probe = async (endpoint: string): Promise<boolean> => {
    const transport = createTransport(endpoint, { defaultTimeoutMs: 2_000 });
    try {
      const reply = await createClient(EdgeServer, transport).runLambda({
        name: "probe",
        dry: true,
      });
      return reply.retcode === "OK";
    } catch {
      return false;
    } finally {
      transport.close();
    }
  };
  const record = (kind: RecordedCall["kind"], info: ComputerInfo, serving?: boolean) =>
    calls.push({
      kind,
      endpoint: info.edgeServerEndpoint,
      containers: info.containers.map(({ name, processor, lambda, numWorkers }) => ({
        name,
        processor,
        lambda,
        numWorkers,
      })),
      ...(serving === undefined ? {} : { serving }),
    });
  const server: RunningServer = await serve({
    name: "recording-controller",
    endpoint: `127.0.0.1:${port}`,
    logger: captureLogs("recording-controller").logger,
    routes: (router) =>
      router.service(EdgeController, {
        async announceComputer(info) {
          record("announce", info, await probe(info.edgeServerEndpoint));
          return {};
        },
        announceRouter: () => ({}),
        removeComputer(info) {
          record("remove", info);
          return {};
        },
      }),
  });
  return {
    endpoint: server.endpoint,
    calls,
    lastLambdas() {
      const last = calls.filter((c) => c.kind === "announce").at(-1);
      return last?.containers.map((c) => c.lambda);
    },
    close: () => server.close(),
  };
}

/** A loopback port with nothing listening on it (for a controller that is not there yet). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
