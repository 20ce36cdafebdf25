/**
 * A plain-text table: a title line, a header, a rule, then the rows; the first column left-aligned,
 * the others right-aligned. A row of two cells, in a table of more columns, is a note about its
 * first cell (e.g. why a variant failed) and spans the rest of the line without widening the
 * columns.
 */
export function formatTextTable(
  title: string,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const isNote = (row: readonly string[]) => row.length === 2 && columns.length > 2;
  const widths = columns.map((header, i) =>
    Math.max(
      header.length,
      ...rows.filter((row) => !isNote(row)).map((row) => row[i]?.length ?? 0),
    ),
  );
  const line = (row: readonly string[]) =>
    isNote(row)
      ? `${(row[0] as string).padEnd(widths[0] as number)}  ${row[1]}`
      : row
          .map((cell, i) =>
            i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
          )
          .join("  ");
  return [
    title,
    line(columns),
    line(columns.map((_, i) => "-".repeat(widths[i] as number))),
    ...rows.map(line),
  ].join("\n");
}
