import { createClient } from "@connectrpc/connect";
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
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_READ_MAX_BYTES = 16 * 1024 * 1024;

/**
 * {@link BackendActivations} over soe.v1.InstallationService/GetActivation: one connection per
 * installation end-point, kept for later reads (a domain has a handful of installations).
 */
export class InstallationActivations implements BackendActivations {
  readonly #pool: TransportPool;
  readonly #timeoutMs: number;

  constructor(options: InstallationActivationsOptions = {}) {
    this.#pool = new TransportPool({
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      readMaxBytes: options.readMaxBytes ?? DEFAULT_READ_MAX_BYTES,
    });
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async get(installation: string, activationId: string): Promise<ActivationRecord | undefined> {
    const client = createClient(soev1.InstallationService, this.#pool.get(installation));
    const answer = await client.getActivation({ activationId }, { timeoutMs: this.#timeoutMs });
    if (!answer.found) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(new TextDecoder().decode(answer.record));
    } catch {
      record = undefined;
    }
    if (!isActivationRecord(record) || record.activationId !== activationId) {
      throw new Error(`${installation} answered a record that is not activation ${activationId}`);
    }
    return record;
  }

  close(): void {
    this.#pool.close();
  }
}
