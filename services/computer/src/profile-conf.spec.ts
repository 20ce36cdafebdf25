import { describe, expect, it } from "vitest";
import { InvalidConf, NoValue } from "@soe/runtime";
import { profileFileExample } from "./model/profile-file.js";
import { DEFAULT_COMPUTER_CONF, ProfileConfError, profileFromConf } from "./profile-conf.js";

const lambdas = (text: string, readFile?: (path: string) => string) =>
  profileFromConf(text, readFile).profile.containers.map((c) => `${c.lambda.name}×${c.workers}`);

describe("profileFromConf (--conf, reference §5.2)", () => {
  it("defaults to raspberry offering clambda0 (4 workers) and glambda0 (2 workers)", () => {
    expect(lambdas(DEFAULT_COMPUTER_CONF)).toEqual(["clambda0×4", "glambda0×2"]);
    expect(lambdas("type=raspberry")).toEqual(["clambda0×4", "glambda0×2"]);
  });

  it("reads the raspberry keys", () => {
    expect(
      lambdas("type=raspberry,num-cpu-containers=2,num-cpu-workers=1,num-gpu-containers=0"),
    ).toEqual(["clambda1×1", "clambda0×1"]);
  });

  it("reads the intel-server keys, one worker per core by default", () => {
    expect(lambdas("type=intel-server,num-containers=2,num-workers=1")).toEqual([
      "clambda1×1",
      "clambda0×1",
    ]);
    expect(lambdas("type=intel-server")).toEqual(["clambda0×20"]);
  });

  it("reads a profile file from its path", () => {
    const paths: string[] = [];
    const read = (path: string) => {
      paths.push(path);
      return profileFileExample();
    };
    expect(lambdas("type=file,path=/etc/sim.json", read)).toEqual(["clambda0×1"]);
    expect(paths).toEqual(["/etc/sim.json"]);
    expect(() => lambdas("type=file", read)).toThrow(NoValue);
  });

  it("offers no simulated lambda with type=none", () => {
    expect(profileFromConf("type=none").profile).toEqual({ processors: [], containers: [] });
  });

  it("rejects unknown types, a missing type and bad conf strings", () => {
    expect(() => profileFromConf("type=mainframe")).toThrow(ProfileConfError);
    expect(() => profileFromConf("num-workers=2")).toThrow(NoValue);
    expect(() => profileFromConf("type=raspberry,")).not.toThrow();
    expect(() => profileFromConf("type=raspberry,,")).toThrow(InvalidConf);
  });

  it("passes duplicate-key warnings on", () => {
    expect(profileFromConf("type=raspberry,type=intel-server").warnings).toHaveLength(1);
  });
});
