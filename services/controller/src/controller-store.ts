import type { Announcement } from "./control-plane.js";
import type { MembershipEvent } from "./membership.js";
import { readStateFile, type SavedState, StateFile, type StateFileOptions } from "./state-file.js";

/**
 * Where the controller keeps membership and desired state across restarts (DESIGN §4, §9): the
 * embedded state file by default, or etcd (`--store etcd://…`, issue 13), which several
 * controllers share. The controller tells the store what changed; the store decides how and when
 * it is written.
 */
export interface ControllerStore {
  /** What the store holds (undefined: nothing yet, a first start). Throws InvalidStateFile. */
  load(): Promise<SavedState | undefined>;
  /**
   * Membership, desired entities or registrations changed: save soon. With the membership's
   * events, a store that writes record by record writes those records alone.
   */
  changed(events?: readonly MembershipEvent[]): void;
  /** A peer announced (a refresh too): a shared store tells the other controllers. */
  announced(announcement: Announcement): void;
  /** An installation renewed its lease unchanged: a shared store tells the other controllers. */
  installationRefreshed(endpoint: string): void;
  /** Saves now; throws if it cannot (at start: better now than at the first change). */
  save(): Promise<void>;
  /** Saves what is unsaved and stops; the file store throws if that fails, etcd's logs it. */
  close(): Promise<void>;
}

/** The embedded store: one JSON file written atomically (`--state-file`). */
export class FileStore implements ControllerStore {
  readonly #path: string;
  readonly #file: StateFile;

  constructor(options: StateFileOptions) {
    this.#path = options.path;
    this.#file = new StateFile(options);
  }

  async load(): Promise<SavedState | undefined> {
    return readStateFile(this.#path);
  }

  changed(): void {
    this.#file.changed();
  }

  // One controller per file: nobody to tell about refreshes.
  announced(): void {}

  installationRefreshed(): void {}

  save(): Promise<void> {
    return this.#file.save();
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}
