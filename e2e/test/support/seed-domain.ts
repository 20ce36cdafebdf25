import { type SeedScenario, type SeedScenarioOptions, startSeedScenario } from "../../src/index.js";
import { afterAll, afterEach, beforeAll } from "vitest";

/**
 * One seed scenario per test file, on free ports: started before the file's tests, stopped
 * after them. When a test fails, the last lines of every process go to stderr with it: that is
 * where the reason usually is. `E2E_LOGS=1` streams every line as it comes instead.
 */
export function useSeedScenario(options: Omit<SeedScenarioOptions, "ports">): () => SeedScenario {
  let scenario: SeedScenario | undefined;
  const live = process.env.E2E_LOGS === "1";
  beforeAll(async () => {
    scenario = await startSeedScenario(
      { ports: "free", ...options },
      live ? { onLine: (name, line) => process.stderr.write(`[${name}] ${line}\n`) } : {},
    );
  }, 60_000);
  afterAll(async () => {
    await scenario?.stop();
  }, 60_000);
  afterEach((context) => {
    if (!live && context.task.result?.state === "fail" && scenario !== undefined) {
      process.stderr.write(
        `--- last lines of each process ---\n${scenario.supervisor.tail.format()}\n`,
      );
    }
  });
  return () => {
    if (scenario === undefined) throw new Error("the seed scenario did not start");
    return scenario;
  };
}
