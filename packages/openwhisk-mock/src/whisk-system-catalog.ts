import type { KeyValue } from "@soe/openwhisk";
import type { EntityStore } from "./entity-store.js";

/** The system namespace whose public packages every OpenWhisk deployment installs. */
export const WHISK_SYSTEM_NAMESPACE = "whisk.system";
export const UTILS_PACKAGE = "utils";

interface CatalogAction {
  readonly code: string;
  readonly description: string;
  readonly parameters?: readonly { name: string; required: boolean; description: string }[];
  readonly sampleInput?: Readonly<Record<string, unknown>>;
  readonly sampleOutput: Readonly<Record<string, unknown>>;
}

/**
 * `/whisk.system/utils` as apache/openwhisk-catalog's packages/utils defines it: the same
 * inputs give the same results, logs and failures (split of a missing payload throws, as
 * theirs does), so clients' own tests of these actions pass against the mock. Written here;
 * `namespace` and `hosturl` are left out because the mock's sandbox has no `__OW_*` environment.
 */
export const utilsActions = {
  echo: {
    description: "Returns the input",
    parameters: [{ name: "payload", required: false, description: "Any JSON entity" }],
    sampleInput: { payload: "Five fuzzy felines" },
    sampleOutput: { payload: "Five fuzzy felines" },
    code: `// Gives back what it was given.
function main(params) {
  return params || {};
}`,
  },
  cat: {
    description: "Concatenates input into a string",
    parameters: [{ name: "lines", required: true, description: "An array of strings or numbers" }],
    sampleInput: { lines: [4, 2, 3] },
    sampleOutput: { lines: [4, 2, 3] },
    code: `// The lines, and the lines joined by newlines as one payload; other fields are dropped.
function main(params) {
  const lines = params.lines || [];
  const result = { lines, payload: lines.join("\\n") };
  console.log("cat: returning " + JSON.stringify(result));
  return result;
}`,
  },
  sort: {
    description: "Sorts an array",
    parameters: [{ name: "lines", required: true, description: "An array of strings" }],
    sampleInput: { lines: [4, 2, 3] },
    sampleOutput: { lines: [2, 3, 4], length: 3 },
    code: `// Array.prototype.sort's default order (string order, so 10 before 9), like the catalog's.
function main(params) {
  const lines = params.lines || [];
  console.log("sort input msg: " + JSON.stringify(params));
  console.log("sort before: " + lines);
  lines.sort();
  console.log("sort after: " + lines);
  return { lines, length: lines.length };
}`,
  },
  head: {
    description: "Extract prefix of an array",
    parameters: [
      { name: "lines", required: true, description: "An array of strings" },
      { name: "num", required: false, description: "The length of the prefix" },
    ],
    sampleInput: { lines: [4, 2, 3], num: 2 },
    sampleOutput: { lines: [4, 2], num: 2 },
    code: `// The first num lines (one when num is missing or 0).
function main(params) {
  const lines = params.lines || [];
  const num = params.num || 1;
  const head = lines.slice(0, num);
  console.log("head get first " + num + " lines of " + lines + ": " + head);
  return { lines: head, num };
}`,
  },
  split: {
    description: "Split a string into an array",
    parameters: [
      { name: "payload", required: true, description: "A string" },
      {
        name: "separator",
        required: false,
        description: "The character, or the regular expression, to use for splitting the string",
      },
    ],
    sampleInput: { payload: "one,two,three", separator: "," },
    sampleOutput: { lines: ["one", "two", "three"], payload: "one,two,three" },
    code: `// Lines of the payload, split at the separator or at line ends; no payload is an error.
function main(params) {
  const separator = params.separator || /\\r?\\n/;
  const text = params.payload.toString();
  const result = { lines: text.split(separator), payload: params.payload };
  console.log("split: returning " + JSON.stringify(result));
  return result;
}`,
  },
  smash: {
    description: "Nests all properties under given property",
    parameters: [
      {
        name: "$fieldName",
        required: true,
        description: "Name of property to nest object under",
      },
    ],
    sampleInput: { a: 1, b: { c: 2, d: 3 }, $fieldName: "p" },
    sampleOutput: { p: { a: 1, b: { c: 2, d: 3 } } },
    code: `// Every other parameter nested under the one named by $fieldName.
function main(params) {
  const field = params.$fieldName;
  if (typeof field !== "string") {
    return { error: "Expected an argument '$fieldName' of type 'string'." };
  }
  const { $fieldName, ...rest } = params;
  return { [field]: rest };
}`,
  },
  date: {
    description: "Current date and time",
    sampleOutput: { date: "2016-03-22T00:59:55.961Z" },
    code: `// The time now; a Date becomes its ISO string in the JSON result.
function main() {
  const now = new Date();
  console.log("It is now " + now);
  return { date: now };
}`,
  },
} as const satisfies Record<string, CatalogAction>;

export type UtilsActionName = keyof typeof utilsActions;

export const utilsActionNames = Object.keys(utilsActions) as UtilsActionName[];

function actionAnnotations(action: CatalogAction): KeyValue[] {
  const annotations: KeyValue[] = [{ key: "description", value: action.description }];
  if (action.parameters !== undefined)
    annotations.push({ key: "parameters", value: action.parameters });
  if (action.sampleInput !== undefined)
    annotations.push({ key: "sampleInput", value: action.sampleInput });
  annotations.push({ key: "sampleOutput", value: action.sampleOutput });
  return annotations;
}

/**
 * Installs `/whisk.system/utils`, published so that every namespace can read it, invoke its
 * actions by their fully qualified names, bind it and use them in sequences.
 */
export function installWhiskSystemCatalog(store: EntityStore, kind: string): void {
  const pkg = store.putPackage(
    WHISK_SYSTEM_NAMESPACE,
    UTILS_PACKAGE,
    {
      publish: true,
      annotations: [{ key: "description", value: "Building blocks that format and assemble data" }],
    },
    true,
  );
  if (!pkg.ok) throw new Error(`cannot install ${UTILS_PACKAGE}: ${pkg.reason}`);
  for (const name of utilsActionNames) {
    const action: CatalogAction = utilsActions[name];
    const put = store.putAction(
      WHISK_SYSTEM_NAMESPACE,
      UTILS_PACKAGE,
      name,
      { exec: { kind, code: action.code }, annotations: actionAnnotations(action) },
      true,
    );
    if (!put.ok) throw new Error(`cannot install ${UTILS_PACKAGE}/${name}: ${put.reason}`);
  }
}
