export { formatCppFloat } from "./float-format.js";
export { mulberry32, type Rng } from "./seeded-random.js";
export { formatTable, formatTableDump, type TableRow } from "./table-dump.js";
