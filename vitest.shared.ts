import { defineConfig } from "vitest/config";

// Tests import workspace packages from their TypeScript sources (the "@soe/source" export
// condition), so a test run never depends on a stale dist/ of another package.
export default defineConfig({
  resolve: { conditions: ["@soe/source"] },
  ssr: { resolve: { conditions: ["@soe/source"] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
