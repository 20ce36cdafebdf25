import { Conf, InvalidValue } from "@soe/runtime";
import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTER_CONF, routerSettings } from "./router-conf.js";

const settings = (text: string) => routerSettings(Conf.parse(text).conf);

describe("routerSettings", () => {
  it("reads the defaults", () => {
    expect(settings(DEFAULT_ROUTER_CONF)).toEqual({
      maxPendingClients: 100,
      forwardDelay: { min: 0, max: 0 },
      fake: false,
    });
  });

  it("takes the defaults for absent keys", () => {
    expect(settings("")).toEqual(settings(DEFAULT_ROUTER_CONF));
  });

  it("reads every key", () => {
    expect(
      settings("max-pending-clients=2,min-forward-time=0.5,max-forward-time=1.5,fake=true"),
    ).toEqual({ maxPendingClients: 2, forwardDelay: { min: 0.5, max: 1.5 }, fake: true });
  });

  it("refuses a value of the wrong type", () => {
    expect(() => settings("max-pending-clients=-1")).toThrow(InvalidValue);
    expect(() => settings("min-forward-time=soon")).toThrow(InvalidValue);
  });
});
