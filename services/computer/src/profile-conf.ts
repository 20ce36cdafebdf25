import { readFileSync } from "node:fs";
import { Conf } from "@soe/runtime";
import { parseProfileFile } from "./model/profile-file.js";
import {
  type ComputerProfile,
  EMPTY_PROFILE,
  intelServerProfile,
  raspberryProfile,
} from "./model/profiles.js";

/** Reference §5.2/§5.6 default of `--conf`. */
export const DEFAULT_COMPUTER_CONF =
  "type=raspberry,num-cpu-containers=1,num-cpu-workers=4,num-gpu-containers=1,num-gpu-workers=2";

export class ProfileConfError extends Error {
  override readonly name = "ProfileConfError";
}

/**
 * The profile a `--conf` string names (reference §5.2): `type=raspberry` (keys
 * num-cpu-containers, num-cpu-workers, num-gpu-containers, num-gpu-workers), `type=intel-server`
 * (num-containers, num-workers), `type=file,path=P` (the JSON file), or our `type=none` (no
 * simulated lambda, for a computer running only `--functions`). Keys left out take the defaults
 * of the reference's default conf; intel-server defaults to one container with one worker per
 * core, as the reference gives no default. Warnings (duplicate keys) are for the caller to log.
 */
export function profileFromConf(
  text: string,
  readFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
): { profile: ComputerProfile; warnings: string[] } {
  const { conf, warnings } = Conf.parse(text);
  const uint = (key: string, fallback: number) => (conf.has(key) ? conf.getUint(key) : fallback);
  const type = conf.getString("type");
  switch (type) {
    case "raspberry":
      return {
        profile: raspberryProfile({
          cpuContainers: uint("num-cpu-containers", 1),
          cpuWorkers: uint("num-cpu-workers", 4),
          gpuContainers: uint("num-gpu-containers", 1),
          gpuWorkers: uint("num-gpu-workers", 2),
        }),
        warnings,
      };
    case "intel-server":
      return {
        profile: intelServerProfile({
          containers: uint("num-containers", 1),
          workers: uint("num-workers", 20),
        }),
        warnings,
      };
    case "file":
      return { profile: parseProfileFile(readFile(conf.getString("path"))), warnings };
    case "none":
      return { profile: EMPTY_PROFILE, warnings };
    default:
      throw new ProfileConfError(`Invalid computer configuration type: ${type}`);
  }
}
