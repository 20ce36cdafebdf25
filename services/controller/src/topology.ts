/** The topology text is malformed (reference §2.7). */
export class InvalidTopologyFile extends Error {
  override readonly name = "InvalidTopologyFile";
}

/** A node address not in the topology. */
export class InvalidNode extends Error {
  override readonly name = "InvalidNode";
  constructor(readonly node: string) {
    super(`Invalid node: ${node}`);
  }
}

/**
 * The network distances the `hier` installer places routers by (`--topology-file`, reference
 * §2.7): lines `NAME d1 … dN` give an N×N matrix by rows, columns in row order; blank lines and
 * lines starting with `#` are skipped; names (node addresses) are unique.
 */
export class Topology {
  readonly #index: ReadonlyMap<string, number>;
  readonly #distances: readonly (readonly number[])[];

  private constructor(names: readonly string[], distances: readonly (readonly number[])[]) {
    this.#index = new Map(names.map((name, i) => [name, i]));
    this.#distances = distances;
  }

  /** Parses a topology file's text; `source` names it in errors. */
  static parse(text: string, source = "topology"): Topology {
    const rows = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => line.split(/\s+/));
    if (rows.length === 0) throw new InvalidTopologyFile(`${source}: no nodes`);

    const names: string[] = [];
    const distances: number[][] = [];
    for (const [name = "", ...cells] of rows) {
      if (names.includes(name)) throw new InvalidTopologyFile(`${source}: duplicate node ${name}`);
      if (cells.length !== rows.length) {
        throw new InvalidTopologyFile(
          `${source}: node ${name} has ${cells.length} distances, expected ${rows.length}`,
        );
      }
      const row = cells.map(Number);
      if (row.some((d) => !Number.isFinite(d))) {
        throw new InvalidTopologyFile(`${source}: node ${name} has an invalid distance`);
      }
      names.push(name);
      distances.push(row);
    }
    return new Topology(names, distances);
  }

  get numNodes(): number {
    return this.#distances.length;
  }

  nodes(): string[] {
    return [...this.#index.keys()];
  }

  has(node: string): boolean {
    return this.#index.has(node);
  }

  /** The distance from `src`'s row to `dst`'s column; throws InvalidNode for unknown nodes. */
  distance(src: string, dst: string): number {
    const row = this.#index.get(src);
    const column = this.#index.get(dst);
    if (row === undefined) throw new InvalidNode(src);
    if (column === undefined) throw new InvalidNode(dst);
    return this.#distances[row]?.[column] ?? Number.NaN;
  }

  /** `--topology-randomized`: every off-diagonal distance replaced by U[0,1). */
  randomized(rng: () => number): Topology {
    const names = this.nodes();
    const distances = this.#distances.map((row, i) => row.map((d, j) => (i === j ? d : rng())));
    return new Topology(names, distances);
  }
}

/** The node address of an end-point: its host part (`host0:10000` → `host0`, `[::1]:6473` → `::1`). */
export function endpointAddress(endpoint: string): string {
  const colon = endpoint.lastIndexOf(":");
  const host = colon < 0 ? endpoint : endpoint.slice(0, colon);
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
