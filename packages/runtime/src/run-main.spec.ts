import { describe, expect, it } from "vitest";
import { defineProgram } from "./options.js";
import { exitWithUsageError, type MainIO, parseOrExit } from "./run-main.js";

const program = defineProgram({
  name: "edgecomputer",
  version: "0.1.0",
  summary: "Runs lambdas.",
  options: { numWorkers: { type: "integer", help: "workers", default: 2 } },
});

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fakeIO() {
  const out: string[] = [];
  const err: string[] = [];
  const io: MainIO = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    exit: (code) => {
      throw new Exited(code);
    },
  };
  return { io, out, err };
}

function exitCode(run: () => unknown): number {
  try {
    run();
  } catch (e) {
    if (e instanceof Exited) return e.code;
    throw e;
  }
  throw new Error("did not exit");
}

describe("parseOrExit", () => {
  it("returns the values and positionals", () => {
    const { io, out, err } = fakeIO();
    expect(parseOrExit(program, ["--num-workers=3"], {}, io)).toEqual({
      values: { numWorkers: 3 },
      positionals: [],
    });
    expect(out).toEqual([]);
    expect(err).toEqual([]);
  });

  it("prints help to stdout and exits 0", () => {
    const { io, out, err } = fakeIO();
    expect(exitCode(() => parseOrExit(program, ["--help"], {}, io))).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^Usage: edgecomputer \[options\]\n/);
    expect(err).toEqual([]);
  });

  it("prints the version to stdout and exits 0", () => {
    const { io, out } = fakeIO();
    expect(exitCode(() => parseOrExit(program, ["-v"], {}, io))).toBe(0);
    expect(out).toEqual(["edgecomputer 0.1.0"]);
  });

  it("prints a usage error and a hint to stderr and exits 2", () => {
    const { io, out, err } = fakeIO();
    expect(exitCode(() => parseOrExit(program, ["--bogus"], {}, io))).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(["edgecomputer: unknown option '--bogus'", "Try 'edgecomputer --help'."]);
  });

  it("reads the environment it is given", () => {
    const { io, err } = fakeIO();
    expect(
      parseOrExit(program, [], { SOE_EDGECOMPUTER_NUM_WORKERS: "5" }, io).values.numWorkers,
    ).toBe(5);
    expect(err).toEqual([]);
  });

  it("warns once on stderr for each deprecated variable it reads, naming the new one", () => {
    const { io, out, err } = fakeIO();
    expect(parseOrExit(program, [], { SOE_NUM_WORKERS: "5" }, io).values.numWorkers).toBe(5);
    expect(out).toEqual([]);
    expect(err).toEqual([
      "edgecomputer: warning: SOE_NUM_WORKERS is deprecated and will be ignored in the next release: set SOE_EDGECOMPUTER_NUM_WORKERS",
    ]);
  });
});

describe("exitWithUsageError", () => {
  it("reports a value the program refused like a bad option, and exits 2", () => {
    const { io, out, err } = fakeIO();
    expect(exitCode(() => exitWithUsageError("edgerouter", "Invalid table type: 'x'", io))).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(["edgerouter: Invalid table type: 'x'", "Try 'edgerouter --help'."]);
  });
});
