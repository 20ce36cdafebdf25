import { type ComputerInfo, EdgeController } from "@soe/proto";
import { controlAuthInterceptor, type RunningServer, serve } from "@soe/runtime";

export interface RecordedCall {
  readonly method: "announceComputer" | "removeComputer";
  readonly info: ComputerInfo;
}

/** A controller that records what computers tell it; it can require a token. */
export class RecordingController {
  readonly calls: RecordedCall[] = [];
  /** Runs on each announcement, before it is recorded and answered. */
  onAnnounce: ((info: ComputerInfo) => Promise<void>) | undefined;
  #server: RunningServer | undefined;
  #waiters: { count: number; resolve: () => void }[] = [];

  get endpoint(): string {
    if (this.#server === undefined) throw new Error("not started");
    return this.#server.endpoint;
  }

  async start(endpoint = "127.0.0.1:0", token?: string): Promise<this> {
    const record = (method: RecordedCall["method"]) => async (info: ComputerInfo) => {
      if (method === "announceComputer") await this.onAnnounce?.(info);
      this.calls.push({ method, info });
      this.#waiters = this.#waiters.filter((w) => {
        if (this.calls.length < w.count) return true;
        w.resolve();
        return false;
      });
      return {};
    };
    this.#server = await serve({
      name: "test-controller",
      endpoint,
      interceptors: [controlAuthInterceptor({ token, protect: () => true })],
      routes: (router) =>
        router.service(EdgeController, {
          announceComputer: record("announceComputer"),
          removeComputer: record("removeComputer"),
          announceRouter: () => ({}),
        }),
    });
    return this;
  }

  /** Resolves once `count` calls in all have been recorded. */
  waitForCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }
}
