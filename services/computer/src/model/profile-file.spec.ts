import { describe, expect, it } from "vitest";
import { ProfileFileError, parseProfileFile, profileFileExample } from "./profile-file.js";
import { buildComputer } from "./profiles.js";

/** A valid file, as the format comment in profile-file.ts documents it. */
const file = () => ({
  version: "1.0",
  processors: [
    { name: "arm", type: "GenericCpu", speed: 4e9, cores: 1, memory: 5e8 },
    { name: "gpu", type: "GenericGpu", speed: 1e10, cores: 2, memory: 1e9 },
  ],
  containers: [
    {
      name: "ccontainer0",
      processor: "arm",
      "num-workers": 2,
      lambda: {
        name: "clambda0",
        requirements: "proportional",
        "output-type": "copy-input",
        "op-coeff": 1e6,
        "op-offset": 4e6,
        "mem-coeff": 100,
        "mem-offset": 0,
      },
    },
    {
      name: "fixed",
      processor: "gpu",
      "num-workers": 1,
      lambda: {
        name: "answer",
        requirements: "fixed",
        ops: 10,
        mem: 0,
        "output-type": "fixed",
        "output-value": "42",
      },
    },
  ],
});

/** Sets (or, with undefined, deletes) the value at `path` inside a parsed JSON object. */
function edit(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe("JSON profile file (reference §5.2)", () => {
  it("reads processors and containers", () => {
    const profile = parseProfileFile(JSON.stringify(file()));
    expect(profile.processors.map((p) => [p.name, p.type, p.speed, p.cores, p.memory])).toEqual([
      ["arm", "GenericCpu", 4e9, 1, 5e8],
      ["gpu", "GenericGpu", 1e10, 2, 1e9],
    ]);
    expect(profile.containers[0]).toEqual({
      name: "ccontainer0",
      processor: "arm",
      workers: 2,
      lambda: {
        name: "clambda0",
        requirements: {
          kind: "proportional",
          opCoeff: 1e6,
          opOffset: 4e6,
          memCoeff: 100,
          memOffset: 0,
        },
        output: { kind: "copy-input" },
      },
    });
    expect(profile.containers[1]?.lambda).toEqual({
      name: "answer",
      requirements: { kind: "fixed", ops: 10, mem: 0 },
      output: { kind: "fixed", value: "42" },
    });
  });

  it("loads its own example: clambda0 at 26 ms for 100 bytes", () => {
    const computer = buildComputer("c", parseProfileFile(profileFileExample()));
    expect(computer.containers.map((c) => [c.name, c.lambda.name, c.workers])).toEqual([
      ["ccontainer0", "clambda0", 1],
    ]);
    expect(computer.estimate("clambda0", "A".repeat(100))).toBeCloseTo(26, 9);
  });

  it.each([
    [["version"]],
    [["processors"]],
    [["processors", 0, "cores"]],
    [["containers", 0, "num-workers"]],
    [["containers", 0, "lambda", "op-coeff"]],
    [["containers", 1, "lambda", "output-value"]],
  ])("says 'Missing key: K' without %j", (path) => {
    const f = file();
    edit(f, path, undefined);
    expect(() => parseProfileFile(JSON.stringify(f))).toThrow(`Missing key: ${path.at(-1)}`);
  });

  it.each([
    [["version"], "2.0", "Unsupported version: 2.0"],
    [
      ["containers", 0, "lambda", "requirements"],
      "quadratic",
      "Unsupported requirements: quadratic",
    ],
    [["containers", 0, "lambda", "output-type"], "random", "Unsupported output-type: random"],
    [["processors", 0, "type"], "Tpu", "Invalid processor type: Tpu"],
  ])("rejects %j = %j", (path, value, message) => {
    const f = file();
    edit(f, path, value);
    expect(() => parseProfileFile(JSON.stringify(f))).toThrow(message);
  });

  it("rejects values of the wrong type and text that is not JSON", () => {
    const f = file();
    edit(f, ["processors", 0, "speed"], "fast");
    expect(() => parseProfileFile(JSON.stringify(f))).toThrow(
      "Invalid value for key speed: expected a number",
    );
    expect(() => parseProfileFile("{")).toThrow(/Invalid JSON profile/);
    expect(() => parseProfileFile("[]")).toThrow(ProfileFileError);
  });
});
