/**
 * The live feed's clients (server-sent events), bounded three ways: at most `maxClients` streams
 * at once; each stream queues at most `queueFrames` frames, and a frame that finds the queue full
 * is dropped for that client alone (a slow browser sees fewer snapshots, never older ones piling
 * up, and never slows the others); a client that took nothing for `maxConsecutiveDrops` frames
 * in a row is disconnected, so a stalled connection cannot hold a slot forever.
 */

export interface SnapshotFeedOptions {
  readonly maxClients: number;
  /** Frames queued per client before frames are dropped for it (default 2). */
  readonly queueFrames?: number;
  /** Frames dropped in a row after which the client is disconnected (default 30). */
  readonly maxConsecutiveDrops?: number;
  /** Told whenever the number of clients changes (to poll only while someone watches). */
  readonly onClients?: (clients: number) => void;
}

export interface PublishResult {
  readonly delivered: number;
  readonly dropped: number;
  /** Clients disconnected by this frame for being stalled. */
  readonly disconnected: number;
}

interface Client {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  consecutiveDrops: number;
}

const encoder = new TextEncoder();

/** One server-sent event: `event:` if given, the data split into `data:` lines, a blank line. */
export function sseFrame(data: string, event?: string): string {
  const head = event === undefined ? "" : `event: ${event}\n`;
  return `${head}${data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("")}\n`;
}

export class SnapshotFeed {
  readonly #clients = new Set<Client>();
  readonly #maxClients: number;
  readonly #queueFrames: number;
  readonly #maxConsecutiveDrops: number;
  readonly #onClients: ((clients: number) => void) | undefined;
  #closed = false;
  /** Frames dropped for slow clients since the feed started. */
  droppedFrames = 0;

  constructor(options: SnapshotFeedOptions) {
    if (!(Number.isInteger(options.maxClients) && options.maxClients >= 1)) {
      throw new RangeError(`maxClients must be an integer >= 1, not ${options.maxClients}`);
    }
    this.#maxClients = options.maxClients;
    this.#queueFrames = Math.max(1, options.queueFrames ?? 2);
    this.#maxConsecutiveDrops = Math.max(1, options.maxConsecutiveDrops ?? 30);
    this.#onClients = options.onClients;
  }

  get clients(): number {
    return this.#clients.size;
  }

  /**
   * A new client's stream of SSE bytes, starting with `first` (a frame) when given; undefined
   * when the feed is full or closed (the caller answers 503).
   */
  subscribe(first?: string): ReadableStream<Uint8Array> | undefined {
    if (this.#closed || this.#clients.size >= this.#maxClients) return undefined;
    let client: Client | undefined;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          client = { controller, consecutiveDrops: 0 };
          this.#clients.add(client);
          if (first !== undefined) controller.enqueue(encoder.encode(first));
        },
        // The browser went away: hono's adapter cancels the body.
        cancel: () => {
          if (client !== undefined) this.#remove(client);
        },
      },
      new CountQueuingStrategy({ highWaterMark: this.#queueFrames }),
    );
    this.#onClients?.(this.#clients.size);
    return stream;
  }

  /** Sends one frame to every client with room for it; drops it for the others. */
  publish(frame: string): PublishResult {
    const bytes = encoder.encode(frame);
    let delivered = 0;
    let dropped = 0;
    let disconnected = 0;
    for (const client of [...this.#clients]) {
      if ((client.controller.desiredSize ?? 0) > 0) {
        client.controller.enqueue(bytes);
        client.consecutiveDrops = 0;
        delivered++;
        continue;
      }
      dropped++;
      this.droppedFrames++;
      client.consecutiveDrops++;
      if (client.consecutiveDrops >= this.#maxConsecutiveDrops) {
        this.#end(client);
        disconnected++;
      }
    }
    return { delivered, dropped, disconnected };
  }

  /** Ends every stream and takes no new client (the server is closing). */
  close(): void {
    this.#closed = true;
    for (const client of [...this.#clients]) this.#end(client);
  }

  #end(client: Client): void {
    try {
      client.controller.close();
    } catch {
      // Already closed or errored by its reader: nothing left to end.
    }
    this.#remove(client);
  }

  #remove(client: Client): void {
    if (this.#clients.delete(client)) this.#onClients?.(this.#clients.size);
  }
}
