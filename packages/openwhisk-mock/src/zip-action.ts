import { unzipSync } from "fflate";

export type ZipSource =
  | { readonly ok: true; readonly code: string }
  | { readonly ok: false; readonly error: string };

/** The Node.js runtime's refusal of a zip it cannot start from. */
export const NO_ENTRY_TEXT =
  "Zipped actions must contain either package.json or index.js at the root.";

const LOADABLE = /\.(c?js|json)$/;

/** The file `main` of package.json names, as Node resolves `require(".")`. */
function entryOf(files: ReadonlyMap<string, string>): string | undefined {
  const manifest = files.get("package.json");
  if (manifest !== undefined) {
    let main: unknown;
    try {
      main = (JSON.parse(manifest) as { main?: unknown }).main;
    } catch {
      return undefined;
    }
    if (typeof main === "string" && main !== "") return main.startsWith(".") ? main : `./${main}`;
  }
  return files.has("index.js") ? "./index.js" : manifest === undefined ? undefined : "./index.js";
}

/**
 * The CommonJS loader the bundle carries: `require` of relative paths, of `node_modules`
 * packages inside the zip, of JSON files; anything else (Node's own modules) is not there.
 */
const LOADER = `
(function (files, entry) {
  "use strict";
  const cache = Object.create(null);
  const normalize = (path) => {
    const out = [];
    for (const part of path.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") out.pop();
      else out.push(part);
    }
    return out.join("/");
  };
  const has = (name) => Object.prototype.hasOwnProperty.call(files, name);
  const asFile = (base) => {
    for (const name of [base, base + ".js", base + ".cjs", base + ".json"]) if (has(name)) return name;
    return undefined;
  };
  const asDirectory = (base) => {
    const manifest = base + "/package.json";
    if (has(manifest)) {
      const main = JSON.parse(files[manifest]).main;
      if (typeof main === "string" && main !== "") {
        const found = asFile(normalize(base + "/" + main)) || asFile(normalize(base + "/" + main) + "/index");
        if (found) return found;
      }
    }
    return asFile(base + "/index");
  };
  const resolve = (dir, request) => {
    if (request.startsWith("./") || request.startsWith("../") || request === "." || request === "..") {
      const base = normalize(dir + "/" + request);
      return asFile(base) || asDirectory(base);
    }
    let at = dir;
    for (;;) {
      const base = normalize((at === "" ? "" : at + "/") + "node_modules/" + request);
      const found = asFile(base) || asDirectory(base);
      if (found || at === "") return found;
      at = at.includes("/") ? at.slice(0, at.lastIndexOf("/")) : "";
    }
  };
  const load = (name) => {
    if (cache[name]) return cache[name].exports;
    const module = { exports: {} };
    cache[name] = module;
    const file = files[name];
    if (typeof file === "string") {
      module.exports = JSON.parse(file);
      return module.exports;
    }
    const dir = name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : "";
    const require = (request) => {
      const found = resolve(dir, String(request));
      if (found === undefined) {
        const error = new Error("Cannot find module '" + request + "'");
        error.code = "MODULE_NOT_FOUND";
        throw error;
      }
      return load(found);
    };
    file.call(module.exports, module, module.exports, require, "/nodejsAction/" + name, "/nodejsAction/" + dir);
    return module.exports;
  };
  const found = resolve("", entry);
  if (found === undefined) throw new Error("Cannot find module '" + entry + "'");
  return load(found);
})`;

/**
 * Turns a zipped Node.js action (base64) into one script for the mock's runner, loading it as
 * the Node.js runtime does: the entry is package.json's `main`, else index.js, and the action is
 * what that module exports (`main`, or the action's own `main` name). Only `.js`, `.cjs` and
 * `.json` files are loaded; each JavaScript file becomes a CommonJS module function.
 */
export function zipActionSource(base64: string): ZipSource {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(Buffer.from(base64, "base64"));
  } catch (error) {
    return { ok: false, error: `Unable to unzip the action: ${(error as Error).message}` };
  }
  const decoder = new TextDecoder();
  const files = new Map<string, string>();
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith("/") || !LOADABLE.test(name)) continue;
    files.set(name.replace(/^\.\//, ""), decoder.decode(bytes));
  }
  const entry = entryOf(files);
  if (entry === undefined || !(files.has("package.json") || files.has("index.js"))) {
    return { ok: false, error: NO_ENTRY_TEXT };
  }
  const modules = [...files].map(([name, text]) =>
    name.endsWith(".json")
      ? `${JSON.stringify(name)}: ${JSON.stringify(text)}`
      : `${JSON.stringify(name)}: function (module, exports, require, __filename, __dirname) {\n${text}\n}`,
  );
  const code = `module.exports = ${LOADER}({\n${modules.join(",\n")}\n}, ${JSON.stringify(entry)});\n`;
  return { ok: true, code };
}
