import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { EdgeRouterConfSchema } from "@soe/proto";
import { MetricsRegistry } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { registerInstallMetrics } from "./install-metrics.js";
import { type TableBatch, type TableSyncSender, VersionMismatch } from "./router-table-sync.js";

const call = { timeoutMs: 1_000, signal: new AbortController().signal };
const held = { epoch: "e", version: 2n };

function batch(lambdas: string[][]): TableBatch {
  return {
    epoch: "e",
    fromVersion: 1n,
    toVersion: 2n,
    snapshot: false,
    partial: false,
    changes: lambdas.map((l) => ({
      destination: "d:1",
      lambdas: l,
      weight: 1,
      final: false,
      remove: false,
    })),
  };
}

async function lines(registry: MetricsRegistry, prefix: string): Promise<string[]> {
  return (await registry.render()).split("\n").filter((l) => l.startsWith(prefix));
}

describe("registerInstallMetrics", () => {
  it("counts table-sync batches by outcome and the entries of those a router took", async () => {
    const registry = new MetricsRegistry();
    const failures: unknown[] = [
      new VersionMismatch(held),
      new ConnectError("down", Code.Unavailable),
    ];
    const sender: TableSyncSender = {
      applyBatch: async () => {
        const failure = failures.shift();
        if (failure !== undefined) throw failure;
        return held;
      },
      getVersion: async () => held,
    };
    const sync = registerInstallMetrics(registry).tableSync(sender);
    await expect(sync.applyBatch("r:1", batch([["f"]]), call)).rejects.toBeInstanceOf(
      VersionMismatch,
    );
    await expect(sync.applyBatch("r:1", batch([["f"]]), call)).rejects.toThrow("down");
    await expect(sync.applyBatch("r:1", batch([["f", "g"], ["h"]]), call)).resolves.toBe(held);
    await expect(sync.getVersion("r:1", call)).resolves.toBe(held);
    expect(await lines(registry, "soe_controller_table_batches_total{")).toEqual([
      'soe_controller_table_batches_total{router="r:1",outcome="version_mismatch"} 1',
      'soe_controller_table_batches_total{router="r:1",outcome="unavailable"} 1',
      'soe_controller_table_batches_total{router="r:1",outcome="ok"} 1',
    ]);
    expect(await lines(registry, "soe_controller_table_pairs_total{")).toEqual([
      'soe_controller_table_pairs_total{router="r:1"} 3',
    ]);
    expect(
      await lines(registry, 'soe_controller_install_duration_seconds_count{call="apply_batch"}'),
    ).toEqual(['soe_controller_install_duration_seconds_count{call="apply_batch"} 3']);
  });

  it("counts Configure calls: ok, refused with an error text, or failed", async () => {
    const registry = new MetricsRegistry();
    const answers = ["OK", "no such lambda", ""];
    const configure = registerInstallMetrics(registry).configure(async () => {
      const answer = answers.shift();
      if (answer === undefined) throw new ConnectError("slow", Code.DeadlineExceeded);
      return answer;
    });
    const conf = create(EdgeRouterConfSchema, { lambda: "f", destination: "d:1" });
    expect(await configure("r:1", conf, call)).toBe("OK");
    expect(await configure("r:1", conf, call)).toBe("no such lambda");
    expect(await configure("r:1", conf, call)).toBe("");
    await expect(configure("r:1", conf, call)).rejects.toThrow("slow");
    expect(await lines(registry, "soe_controller_configure_calls_total{")).toEqual([
      'soe_controller_configure_calls_total{router="r:1",outcome="ok"} 2',
      'soe_controller_configure_calls_total{router="r:1",outcome="refused"} 1',
      'soe_controller_configure_calls_total{router="r:1",outcome="deadline_exceeded"} 1',
    ]);
  });
});
