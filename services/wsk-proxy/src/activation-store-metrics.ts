import type { MetricsRegistry } from "@soe/runtime";
import type { ActivationStoreHealth } from "./buffered-activation-store.js";

/**
 * A durable store's health on `/metrics`: what it wrote, what waits to be written, and the
 * failures and losses (issue 11: a database that fails must not fail invocations, so it has to
 * show somewhere). Sampled at scrape time: the store counts, the invocation path pays nothing.
 */
export function registerActivationStoreMetrics(
  registry: MetricsRegistry,
  store: { readonly health: ActivationStoreHealth },
): void {
  const written = registry.counter(
    "wskproxy_activation_store_written_total",
    "Activation records the store's database took.",
  );
  const pending = registry.gauge(
    "wskproxy_activation_store_pending",
    "Activation records waiting to be written to the store.",
  );
  const failures = registry.counter(
    "wskproxy_activation_store_failures_total",
    "Writes the activation store's database refused (each retried).",
  );
  const dropped = registry.counter(
    "wskproxy_activation_store_dropped_total",
    "Activation records lost: too many waiting for a failing database, or put after close.",
  );
  let seen = { written: 0, failures: 0, dropped: 0 };
  registry.collect(() => {
    const health = store.health;
    pending.set(undefined, health.pending);
    written.inc(undefined, health.written - seen.written);
    failures.inc(undefined, health.failures - seen.failures);
    dropped.inc(undefined, health.dropped - seen.dropped);
    seen = { written: health.written, failures: health.failures, dropped: health.dropped };
  });
}
