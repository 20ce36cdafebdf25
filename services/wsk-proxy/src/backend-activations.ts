import { createClient, type Transport } from "@connectrpc/connect";
import { type ActivationRecord, isActivationRecord } from "@soe/openwhisk";
import { soev1 } from "@soe/proto";
import { type ClientTlsOptions, TransportPool } from "@soe/runtime";

/** Reads activation records from the installations that ran them. */
export interface BackendActivations {
  /**
   * The record OpenWhisk keeps for `activationId` on the installation served at `installation`;
   * undefined while it has none (still running, or forgotten). Rejects when the installation
   * cannot be asked or answers something unusable.
   */
  get(installation: string, activationId: string): Promise<ActivationRecord | undefined>;
  /**
   * The record of a call the proxy made under `callerId` (its RunLambda `uuid`), from whichever
   * installation ran it: undefined when none did (a native computer ran it, or the record is
   * forgotten). Rejects when no installation had it and some could not be asked. Absent when
   * the installations are not known (no controller).
   */
  readonly find?: ((callerId: string) => Promise<ActivationRecord | undefined>) | undefined;
  close(): void;
}

export interface InstallationActivationsOptions {
  /** The control-plane token: InstallationService is behind it on every wsk-computer. */
  readonly token?: string | undefined;
  readonly tls?: ClientTlsOptions | undefined;
  /** Deadline of each GetActivation call, ms (default 5000). */
  readonly timeoutMs?: number;
  /** Largest record accepted, bytes (default 16 MiB: results up to 1 MiB and their logs). */
  readonly readMaxBytes?: number;
  /**
   * The controller (its DeploymentService), which lists the installations: needed to find the
   * record of a call that succeeded, which names neither its installation nor OpenWhisk's id.
   */
  readonly controller?: Transport | undefined;
  /** How long one listing of the installations is used, ms (default 5000). */
  readonly installationsTtlMs?: number;
  /** ms, monotonic. */
  readonly clock?: () => number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_READ_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_INSTALLATIONS_TTL_MS = 5_000;

/**
 * {@link BackendActivations} over soe.v1.InstallationService/GetActivation: one connection per
 * installation end-point, kept for later reads (a domain has a handful of installations).
 */
export class InstallationActivations implements BackendActivations {
  readonly #pool: TransportPool;
  readonly #timeoutMs: number;
  readonly #options: InstallationActivationsOptions;
  #installations: { readonly at: number; readonly list: Promise<string[]> } | undefined;
  #closed = false;
  readonly find: BackendActivations["find"];

  constructor(options: InstallationActivationsOptions = {}) {
    this.#pool = new TransportPool({
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      readMaxBytes: options.readMaxBytes ?? DEFAULT_READ_MAX_BYTES,
    });
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#options = options;
    const { controller } = options;
    this.find =
      controller === undefined ? undefined : (callerId) => this.#find(controller, callerId);
  }

  async get(installation: string, activationId: string): Promise<ActivationRecord | undefined> {
    // A read during shutdown must not open a connection that nothing closes.
    if (this.#closed) throw new Error("the proxy is closing");
    const client = createClient(soev1.InstallationService, this.#pool.get(installation));
    const answer = await client.getActivation({ activationId }, { timeoutMs: this.#timeoutMs });
    if (!answer.found) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(new TextDecoder().decode(answer.record));
    } catch {
      record = undefined;
    }
    // Asked by a caller's id, the record carries OpenWhisk's own: only the shape is checked.
    if (!isActivationRecord(record)) {
      throw new Error(`${installation} answered something else than an activation record`);
    }
    return record;
  }

  async #find(controller: Transport, callerId: string): Promise<ActivationRecord | undefined> {
    const installations = await this.#listInstallations(controller);
    const answers = await Promise.allSettled(installations.map((i) => this.get(i, callerId)));
    let failure: unknown;
    for (const answer of answers) {
      if (answer.status === "fulfilled" && answer.value !== undefined) return answer.value;
      if (answer.status === "rejected") failure ??= answer.reason;
    }
    if (failure !== undefined) throw failure;
    return undefined;
  }

  /** The installations' end-points, listed once per TTL (reads of activations are bursty). */
  #listInstallations(controller: Transport): Promise<string[]> {
    const now = (this.#options.clock ?? (() => performance.now()))();
    const ttl = this.#options.installationsTtlMs ?? DEFAULT_INSTALLATIONS_TTL_MS;
    const cached = this.#installations;
    if (cached !== undefined && now - cached.at < ttl) return cached.list;
    const list = createClient(soev1.DeploymentService, controller)
      .listInstallations({}, { timeoutMs: this.#timeoutMs })
      .then(({ installations }) => installations.map((i) => i.endpoint));
    this.#installations = { at: now, list };
    // A failed listing is not kept: the next read lists again.
    list.catch(() => {
      if (this.#installations?.list === list) this.#installations = undefined;
    });
    return list;
  }

  close(): void {
    this.#closed = true;
    this.#pool.close();
  }
}
