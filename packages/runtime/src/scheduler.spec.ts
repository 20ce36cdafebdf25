import { describe, expect, it } from "vitest";
import { backgroundScheduler, timerScheduler } from "./scheduler.js";

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ["timerScheduler", timerScheduler],
  ["backgroundScheduler", backgroundScheduler],
])("%s", (_name, schedule) => {
  it("runs the callback after the delay, in order of due time", async () => {
    const ran: string[] = [];
    schedule(20, () => ran.push("later"));
    schedule(0, () => ran.push("sooner"));
    await settle(60);
    expect(ran).toEqual(["sooner", "later"]);
  });

  it("never runs a cancelled callback", async () => {
    const ran: string[] = [];
    const cancel = schedule(0, () => ran.push("cancelled"));
    schedule(10, () => ran.push("kept"));
    cancel();
    await settle(40);
    expect(ran).toEqual(["kept"]);
  });
});
