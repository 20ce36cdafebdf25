import { MetricsRegistry } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { registerActivationStoreMetrics } from "./activation-store-metrics.js";

describe("registerActivationStoreMetrics", () => {
  it("shows what waits, and counts failures and losses as they grow", () => {
    const registry = new MetricsRegistry();
    const store = { health: { pending: 3, failures: 2, dropped: 0 } };
    registerActivationStoreMetrics(registry, store);
    expect(registry.render()).toContain("wskproxy_activation_store_pending 3\n");
    expect(registry.render()).toContain("wskproxy_activation_store_failures_total 2\n");
    store.health = { pending: 0, failures: 5, dropped: 7 };
    const text = registry.render();
    expect(text).toContain("wskproxy_activation_store_pending 0\n");
    expect(text).toContain("wskproxy_activation_store_failures_total 5\n");
    expect(text).toContain("wskproxy_activation_store_dropped_total 7\n");
  });
});
