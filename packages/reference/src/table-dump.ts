import { compareText } from "@soe/runtime";
import { formatCppFloat } from "./float-format.js";

/** One (lambda, destination) pair of a forwarding table, as GetTable and the text dump show it. */
export interface TableRow {
  readonly lambda: string;
  readonly destination: string;
  readonly weight: number;
  readonly final: boolean;
}

/**
 * The reference's text dump of a forwarding table (reference §3.1, asserted verbatim by its tests):
 * one line per destination, rows sorted by lambda then destination; the lambda column padded to
 * the longest lambda and left blank on continuation lines; the weight (C++ `%g`) padded with
 * spaces to the widest weight of the whole table; ` (F)` after a final destination.
 *
 *     lambda1 [1  ] dest1:666 (F)
 *             [0.5] dest2:666
 */
export function formatTable(rows: readonly TableRow[]): string {
  const sorted = [...rows].sort(
    (a, b) => compareText(a.lambda, b.lambda) || compareText(a.destination, b.destination),
  );
  const weights = sorted.map((row) => formatCppFloat(row.weight));
  const lambdaWidth = Math.max(0, ...sorted.map((row) => row.lambda.length));
  const weightWidth = Math.max(0, ...weights.map((w) => w.length));

  let out = "";
  let previous: string | undefined;
  sorted.forEach((row, i) => {
    const lambda = row.lambda === previous ? "" : row.lambda;
    previous = row.lambda;
    const weight = (weights[i] ?? "").padEnd(weightWidth);
    out += `${lambda.padEnd(lambdaWidth)} [${weight}] ${row.destination}${row.final ? " (F)" : ""}\n`;
  });
  return out;
}

/** `forwardingtableclient --action dump` (reference §8.1): `Table#i` then each table's dump. */
export function formatTableDump(tables: readonly (readonly TableRow[])[]): string {
  return tables.map((rows, i) => `Table#${i}\n${formatTable(rows)}`).join("");
}
