import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../vitest.shared.js";

// Each e2e file starts a whole domain (nine processes): one file at a time, so two domains never
// compete for the CI machine's two cores, and with room for a domain's start and stop.
export default mergeConfig(
  shared,
  defineConfig({
    test: { fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 },
  }),
);
