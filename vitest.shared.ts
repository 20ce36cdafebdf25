import { basename, dirname } from "node:path";
import { defineConfig } from "vitest/config";

// CI collects one JSON report per package to print the closing "N passed, N failed" line.
const jsonDir = process.env.VITEST_JSON_DIR;

// Tests import workspace packages from their TypeScript sources (the "@soe/source" export
// condition), so a test run never depends on a stale dist/ of another package.
export default defineConfig({
  resolve: { conditions: ["@soe/source"] },
  ssr: { resolve: { conditions: ["@soe/source"] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    ...(jsonDir === undefined
      ? {}
      : {
          reporters: ["default", "json"],
          outputFile: { json: `${jsonDir}/${basename(dirname(process.cwd()))}-${basename(process.cwd())}.json` },
        }),
  },
});
