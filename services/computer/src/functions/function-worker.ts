import { Worker } from "node:worker_threads";

/** How one call ended: the JSON of the result, or the error's message. */
export type CallOutcome =
  | { readonly ok: true; readonly output: string }
  | { readonly ok: false; readonly error: string };

type WorkerMessage =
  | { kind: "ready" }
  | { kind: "invalid"; error: string }
  | { kind: "result"; output: string }
  | { kind: "error"; error: string };

// The worker is plain JavaScript evaluated from a string, so the same code runs from the
// TypeScript sources (tests) and from dist. It imports the module once, then answers one call at
// a time: `main(params)` may be sync or async; its result travels back as JSON text.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const describe = (e) => (e instanceof Error ? e.message : String(e));
const loaded = import(workerData.url).then((mod) => {
  if (typeof mod.main !== "function") throw new Error("does not export a function main(params)");
  return mod.main;
});
loaded.then(
  () => parentPort.postMessage({ kind: "ready" }),
  (e) => parentPort.postMessage({ kind: "invalid", error: describe(e) }),
);
parentPort.on("message", async (params) => {
  try {
    const main = await loaded;
    const result = await main(params);
    parentPort.postMessage({ kind: "result", output: JSON.stringify(result) ?? "" });
  } catch (e) {
    parentPort.postMessage({ kind: "error", error: describe(e) });
  }
});
`;

/**
 * One worker thread holding one function module. A thread (not the server's event loop) runs the
 * function so that a CPU-bound or runaway `main` can neither stall other calls nor outlive its
 * time limit: `terminate()` stops it wherever it is.
 */
export class FunctionWorker {
  readonly #worker: Worker;
  readonly ready: Promise<void>;
  #settle: ((outcome: CallOutcome) => void) | undefined;
  #dead = false;

  constructor(url: string) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url } });
    // The server's sockets keep the process alive while calls are in flight; idle workers must not.
    this.#worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.#worker.on("message", (message: WorkerMessage) => {
        switch (message.kind) {
          case "ready":
            resolve();
            return;
          case "invalid":
            reject(new Error(message.error));
            this.#fail(message.error);
            return;
          case "result":
            this.#finish({ ok: true, output: message.output });
            return;
          case "error":
            this.#finish({ ok: false, error: message.error });
            return;
        }
      });
      // An exception escaping the function (a throw in a timer callback) kills the thread.
      this.#worker.on("error", (error: Error) => {
        reject(error);
        this.#fail(`worker failed: ${error.message}`);
      });
      this.#worker.on("exit", (code) => {
        reject(new Error(`worker exited with code ${code}`));
        this.#fail(`worker exited with code ${code}`);
      });
    });
    // Readiness failures are reported through calls and verify(); never as unhandled rejections.
    this.ready.catch(() => {});
  }

  /** False once the thread has died or been terminated: it must not get another call. */
  get alive(): boolean {
    return !this.#dead;
  }

  /** Runs one call; the caller waits for it before the next. */
  call(params: unknown): Promise<CallOutcome> {
    return new Promise<CallOutcome>((resolve) => {
      if (this.#dead) {
        resolve({ ok: false, error: "worker is not running" });
        return;
      }
      this.#settle = resolve;
      this.#worker.postMessage(params);
    });
  }

  terminate(): void {
    this.#dead = true;
    void this.#worker.terminate();
  }

  #finish(outcome: CallOutcome): void {
    const settle = this.#settle;
    this.#settle = undefined;
    settle?.(outcome);
  }

  #fail(error: string): void {
    this.#dead = true;
    void this.#worker.terminate();
    this.#finish({ ok: false, error });
  }
}
