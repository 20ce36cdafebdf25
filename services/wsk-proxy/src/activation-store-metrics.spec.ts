import { MetricsRegistry } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { registerActivationStoreMetrics } from "./activation-store-metrics.js";

describe("registerActivationStoreMetrics", () => {
  it("shows what waits, and counts writes, failures and losses as they grow", async () => {
    const registry = new MetricsRegistry();
    const store = { health: { pending: 3, failures: 2, dropped: 0, written: 10 } };
    registerActivationStoreMetrics(registry, store);
    expect(await registry.render()).toContain("wskproxy_activation_store_pending 3\n");
    expect(await registry.render()).toContain("wskproxy_activation_store_failures_total 2\n");
    store.health = { pending: 0, failures: 5, dropped: 7, written: 13 };
    const text = await registry.render();
    expect(text).toContain("wskproxy_activation_store_pending 0\n");
    expect(text).toContain("wskproxy_activation_store_written_total 13\n");
    expect(text).toContain("wskproxy_activation_store_failures_total 5\n");
    expect(text).toContain("wskproxy_activation_store_dropped_total 7\n");
  });
});
