import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root: `src/` and `dist/` both sit one level below `e2e/`. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every binary of the project (DESIGN §7): its package directory and its entry point's name. */
const BINARIES = {
  edgecontroller: { dir: "services/controller", entry: "main" },
  edgerouter: { dir: "services/router", entry: "main" },
  edgecomputer: { dir: "services/computer", entry: "main" },
  edgecomputerwsk: { dir: "services/wsk-computer", entry: "main" },
  wskproxy: { dir: "services/wsk-proxy", entry: "main" },
  edgeconsole: { dir: "services/console", entry: "main" },
  "openwhisk-mock": { dir: "packages/openwhisk-mock", entry: "main" },
  edgeclient: { dir: "packages/cli", entry: "edgeclient" },
  forwardingtableclient: { dir: "packages/cli", entry: "forwardingtableclient" },
  edgecomputerclient: { dir: "packages/cli", entry: "edgecomputerclient" },
} as const;

export type BinaryName = keyof typeof BINARIES;

/**
 * How the launcher runs the binaries: `dist` (default) runs the built bin wrappers, exactly what
 * `pnpm exec <bin>` runs after `pnpm build`; `source` runs `src/*.ts` through tsx with the
 * workspace's `@soe/source` condition, for a service whose build is broken or being edited.
 */
export type RunFrom = "dist" | "source";

/** `SOE_E2E_FROM=source` switches every binary to its sources. */
export function runFromEnv(env: NodeJS.ProcessEnv = process.env): RunFrom {
  return env.SOE_E2E_FROM === "source" ? "source" : "dist";
}

/** The node arguments that start `binary` (to be run with `process.execPath`, cwd REPO_ROOT). */
export function commandOf(binary: BinaryName, from: RunFrom): string[] {
  const { dir, entry } = BINARIES[binary];
  if (from === "source") {
    const tsx = import.meta.resolve("tsx");
    return ["--conditions=@soe/source", "--import", tsx, `${REPO_ROOT}${dir}/src/${entry}.ts`];
  }
  const built = `${REPO_ROOT}${dir}/dist/${entry}.js`;
  // The bin wrapper only imports dist/: say what is missing rather than a bare module error.
  if (!existsSync(built)) {
    throw new Error(`${binary} is not built (${built} is missing): run 'pnpm build' first`);
  }
  return [`${REPO_ROOT}${dir}/bin/${binary}.js`];
}
