import { describe, expect, expectTypeOf, it } from "vitest";
import {
  defineProgram,
  deprecatedEnvName,
  envName,
  envPrefix,
  formatHelp,
  type OptionValues,
  parseOptions,
} from "./options.js";

const program = defineProgram({
  name: "edgerouter",
  version: "1.2.3",
  summary: "Routes lambda invocations to edge computers.",
  options: {
    serverEndpoint: { type: "string", help: "where to listen", default: "0.0.0.0:6473" },
    serverConf: { type: "string", help: "server configuration" },
    numThreads: { type: "integer", help: "worker threads", default: 4 },
    alpha: { type: "number", help: "smoothing factor", default: 0.5 },
    dry: { type: "boolean", help: "do nothing" },
    controllerEndpoint: { type: "string", help: "the controller", required: true },
    token: { type: "string", help: "control-plane token", secret: true, env: "SOE_TOKEN" },
    seed: { type: "integer", help: "random seed", secret: true },
  },
});

const base = ["--controller-endpoint", "ctl:6475"];

function ok(argv: readonly string[], env: Record<string, string> = {}) {
  const result = parseOptions(program, argv, env);
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result;
}

function error(argv: readonly string[], env: Record<string, string> = {}): string {
  const result = parseOptions(program, argv, env);
  if (result.kind !== "error") throw new Error(`expected error, got ${JSON.stringify(result)}`);
  return result.message;
}

describe("parseOptions", () => {
  it("fills defaults, false for switches and undefined for the rest", () => {
    expect(ok(base).values).toEqual({
      serverEndpoint: "0.0.0.0:6473",
      serverConf: undefined,
      numThreads: 4,
      alpha: 0.5,
      dry: false,
      controllerEndpoint: "ctl:6475",
      token: undefined,
      seed: undefined,
    });
  });

  it("infers value types from the specs", () => {
    const { values } = ok(base);
    expectTypeOf(values.serverEndpoint).toEqualTypeOf<string>();
    expectTypeOf(values.serverConf).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.numThreads).toEqualTypeOf<number>();
    expectTypeOf(values.dry).toEqualTypeOf<boolean>();
    expectTypeOf(values.controllerEndpoint).toEqualTypeOf<string>();
    expectTypeOf(values.seed).toEqualTypeOf<number | undefined>();
    expectTypeOf<OptionValues<{ x: { type: "number"; help: "" } }>>().toEqualTypeOf<{
      x: number | undefined;
    }>();
  });

  it("accepts '--name value' and '--name=value'", () => {
    const { values } = ok([...base, "--num-threads", "8", "--alpha=-0.25", "--server-conf=a=b"]);
    expect(values.numThreads).toBe(8);
    expect(values.alpha).toBe(-0.25);
    expect(values.serverConf).toBe("a=b");
  });

  it("treats booleans as switches that also take =true/false/yes/no/1/0", () => {
    expect(ok([...base, "--dry"]).values.dry).toBe(true);
    for (const [word, value] of [
      ["true", true],
      ["YES", true],
      ["1", true],
      ["False", false],
      ["no", false],
      ["0", false],
    ] as const) {
      expect(ok([...base, `--dry=${word}`]).values.dry).toBe(value);
      expect(ok(base, { SOE_EDGEROUTER_DRY: word }).values.dry).toBe(value);
    }
    expect(error([...base, "--dry=maybe"])).toBe("invalid boolean 'maybe' for option '--dry'");
  });

  it("accepts unambiguous prefixes", () => {
    const { values } = ok(["--controller", "ctl", "--num", "2", "--server-e", "x:1"]);
    expect(values).toMatchObject({
      controllerEndpoint: "ctl",
      numThreads: 2,
      serverEndpoint: "x:1",
    });
  });

  it("names the candidates of an ambiguous prefix", () => {
    expect(error([...base, "--server", "x"])).toBe(
      "option '--server' is ambiguous: --server-conf, --server-endpoint",
    );
  });

  it("prefers an exact match over longer names", () => {
    const p = defineProgram({
      name: "p",
      version: "0",
      summary: "",
      options: {
        server: { type: "string", help: "" },
        serverEndpoint: { type: "string", help: "" },
      },
    });
    const result = parseOptions(p, ["--server", "s"], {});
    expect(result).toEqual({
      kind: "ok",
      values: { server: "s", serverEndpoint: undefined },
      positionals: [],
      warnings: [],
    });
  });

  it("rejects unknown options and missing values", () => {
    expect(error([...base, "--bogus"])).toBe("unknown option '--bogus'");
    expect(error([...base, "-x"])).toBe("unknown option '-x'");
    expect(error([...base, "--num-threads"])).toBe("option '--num-threads' requires a value");
    expect(error(["--controller-endpoint", "--dry"])).toBe(
      "option '--controller-endpoint' requires a value",
    );
  });

  it("names the option and the value that do not parse", () => {
    expect(error([...base, "--num-threads", "4.5"])).toBe(
      "invalid integer '4.5' for option '--num-threads'",
    );
    expect(error([...base, "--alpha", "fast"])).toBe("invalid number 'fast' for option '--alpha'");
    expect(error(base, { SOE_EDGEROUTER_NUM_THREADS: "x" })).toBe(
      "invalid integer 'x' for option '--num-threads' (from SOE_EDGEROUTER_NUM_THREADS)",
    );
    expect(error(base, { SOE_NUM_THREADS: "x" })).toBe(
      "invalid integer 'x' for option '--num-threads' (from SOE_NUM_THREADS)",
    );
  });

  it("never shows a secret option's value", () => {
    expect(error([...base, "--seed=hunter2"])).toBe("invalid integer for option '--seed'");
    expect(ok([...base, "--token", "hunter2"]).values.token).toBe("hunter2");
  });

  it("requires a value for required options from argv, env or default", () => {
    expect(error([])).toBe(
      "option '--controller-endpoint' is required (or set SOE_EDGEROUTER_CONTROLLER_ENDPOINT)",
    );
    expect(ok([], { SOE_EDGEROUTER_CONTROLLER_ENDPOINT: "env:1" }).values.controllerEndpoint).toBe(
      "env:1",
    );
  });

  it("takes argv over env over default, and the last of repeated options", () => {
    const env = {
      SOE_EDGEROUTER_NUM_THREADS: "6",
      SOE_EDGEROUTER_SERVER_ENDPOINT: "env:1",
      SOE_TOKEN: "t",
    };
    const { values } = ok([...base, "--num-threads=7", "--num-threads=9"], env);
    expect(values.numThreads).toBe(9);
    expect(values.serverEndpoint).toBe("env:1");
    expect(values.token).toBe("t");
    expect(values.alpha).toBe(0.5);
  });

  it("treats an empty environment variable as unset", () => {
    expect(ok(base, { SOE_EDGEROUTER_NUM_THREADS: "" }).values.numThreads).toBe(4);
    expect(ok(base, { SOE_EDGEROUTER_NUM_THREADS: "", SOE_NUM_THREADS: "" }).warnings).toEqual([]);
  });

  it("answers --help, -h, --version and -v even beside errors", () => {
    expect(parseOptions(program, ["--bogus", "--help"], {}).kind).toBe("help");
    expect(parseOptions(program, ["-h"], {}).kind).toBe("help");
    expect(parseOptions(program, ["--he"], {}).kind).toBe("help");
    expect(parseOptions(program, ["-v"], {})).toEqual({
      kind: "version",
      text: "edgerouter 1.2.3",
    });
    expect(parseOptions(program, ["--version"], {}).kind).toBe("version");
  });

  it("rejects positionals unless declared, and ends options at --", () => {
    expect(error([...base, "extra"])).toBe("unexpected argument 'extra'");
    const p = defineProgram({
      name: "p",
      version: "0",
      summary: "",
      options: { dry: { type: "boolean", help: "" } },
      positionals: { name: "file", help: "input files" },
    });
    expect(parseOptions(p, ["a", "--dry", "--", "--help", "-"], {})).toEqual({
      kind: "ok",
      values: { dry: true },
      positionals: ["a", "--help", "-"],
      warnings: [],
    });
  });
});

describe("environment variables per binary", () => {
  // the same options under another binary's name
  const computer = { ...program, name: "edgecomputerwsk" };
  const endpoint = (p: typeof program, env: Record<string, string>) => {
    const result = parseOptions(p, base, env);
    if (result.kind !== "ok") throw new Error(JSON.stringify(result));
    return { value: result.values.serverEndpoint, warnings: result.warnings };
  };

  it("name each variable after its binary: SOE_<BINARY>_<OPTION>", () => {
    expect(envPrefix("edgerouter")).toBe("SOE_EDGEROUTER_");
    expect(envPrefix("openwhisk-mock")).toBe("SOE_OPENWHISK_MOCK_");
    expect(envName("edgecomputerwsk", "wskApiRoot", { type: "string", help: "" })).toBe(
      "SOE_EDGECOMPUTERWSK_WSK_API_ROOT",
    );
  });

  it("set one binary only: another binary's variable changes nothing", () => {
    const env = { SOE_EDGECOMPUTERWSK_SERVER_ENDPOINT: "wsk:1" };
    expect(endpoint(computer, env)).toEqual({ value: "wsk:1", warnings: [] });
    expect(endpoint(program, env)).toEqual({ value: "0.0.0.0:6473", warnings: [] });
  });

  it("still read the shared SOE_<OPTION> name for one release, with a warning naming the new one", () => {
    expect(endpoint(program, { SOE_SERVER_ENDPOINT: "old:1" })).toEqual({
      value: "old:1",
      warnings: [
        "SOE_SERVER_ENDPOINT is deprecated and will be ignored in the next release: set SOE_EDGEROUTER_SERVER_ENDPOINT",
      ],
    });
  });

  it("prefer the binary's own name to the deprecated one, and argv to both", () => {
    const env = { SOE_EDGEROUTER_SERVER_ENDPOINT: "new:1", SOE_SERVER_ENDPOINT: "old:1" };
    expect(endpoint(program, env)).toEqual({ value: "new:1", warnings: [] });
    const argv = parseOptions(program, [...base, "--server-endpoint", "argv:1"], env);
    expect(argv).toMatchObject({ kind: "ok", values: { serverEndpoint: "argv:1" }, warnings: [] });
  });

  it("read an option's own `env` name as is, with no deprecated fallback", () => {
    expect(ok(base, { SOE_TOKEN: "t" })).toMatchObject({ values: { token: "t" }, warnings: [] });
    expect(deprecatedEnvName("token", { type: "string", help: "", env: "SOE_TOKEN" })).toBe(
      undefined,
    );
  });
});

describe("formatHelp", () => {
  it("lists every option with its type, default and variable in aligned columns", () => {
    expect(formatHelp(program)).toBe(
      [
        "Usage: edgerouter [options]",
        "",
        "Routes lambda invocations to edge computers.",
        "",
        "Options:",
        "  --server-endpoint <string>      where to listen (default: 0.0.0.0:6473) [env SOE_EDGEROUTER_SERVER_ENDPOINT]",
        "  --server-conf <string>          server configuration [env SOE_EDGEROUTER_SERVER_CONF]",
        "  --num-threads <integer>         worker threads (default: 4) [env SOE_EDGEROUTER_NUM_THREADS]",
        "  --alpha <number>                smoothing factor (default: 0.5) [env SOE_EDGEROUTER_ALPHA]",
        "  --dry                           do nothing [env SOE_EDGEROUTER_DRY]",
        "  --controller-endpoint <string>  the controller (required) [env SOE_EDGEROUTER_CONTROLLER_ENDPOINT]",
        "  --token <string>                control-plane token (secret) [env SOE_TOKEN]",
        "  --seed <integer>                random seed (secret) [env SOE_EDGEROUTER_SEED]",
        "  -h, --help                      show this help and exit",
        "  -v, --version                   show the version and exit",
      ].join("\n"),
    );
  });

  it("hides a secret option's default", () => {
    const text = formatHelp({
      name: "p",
      version: "0",
      summary: "s",
      options: { wskAuth: { type: "string", help: "auth", default: "guest:key", secret: true } },
    });
    expect(text).toContain("--wsk-auth <string>  auth (secret) [env SOE_P_WSK_AUTH]");
    expect(text).not.toContain("guest:key");
  });

  it("describes declared positionals", () => {
    const text = formatHelp({
      name: "p",
      version: "0",
      summary: "s",
      options: {},
      positionals: { name: "file", help: "input files" },
    });
    expect(text).toContain("Usage: p [options] [--] <file>...");
    expect(text).toContain("Arguments:\n  <file>         input files");
  });
});
