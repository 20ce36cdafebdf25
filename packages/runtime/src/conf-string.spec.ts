import { describe, expect, it } from "vitest";
import { Conf, InvalidConf, InvalidValue, NoValue } from "./conf-string.js";

const parse = (text: string) => Conf.parse(text).conf;

describe("Conf.parse", () => {
  // reference §0.1, support Test/testconf.cpp test_from_list
  it.each(["", "k=1,j=2,mickey=pluto,k e y=v a l u e", "k=1,j=2,mickey=pluto,k e y=v a l u e,"])(
    "accepts %j",
    (text) => {
      expect(() => Conf.parse(text)).not.toThrow();
    },
  );

  it.each([
    "key=",
    "=value",
    "=",
    "key=value,,",
    ",key=value",
    "key==value",
    ",",
    "a=b=c",
    "novalue",
  ])("rejects %j as a syntax error", (text) => {
    expect(() => Conf.parse(text)).toThrow(InvalidConf);
  });

  it("keeps keys and values verbatim, spaces included", () => {
    const conf = parse("type=grpc, persistence=0.05,k e y=v a l u e");
    expect(conf.keys()).toEqual(["type", " persistence", "k e y"]);
    expect(conf.get(" persistence")).toBe("0.05");
    expect(conf.has("persistence")).toBe(false);
    expect(conf.get("k e y")).toBe("v a l u e");
  });

  it("keeps the first value of a duplicate key and reports a warning", () => {
    const { conf, warnings } = Conf.parse("type=random,alpha=1,type=round-robin");
    expect(conf.get("type")).toBe("random");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("type");
    expect(conf.toString()).toBe("type=random,alpha=1");
  });

  it("reports no warnings for a clean string", () => {
    expect(Conf.parse("type=trivial,period=10,stat=mean").warnings).toEqual([]);
  });
});

describe("Conf getters", () => {
  it("returns an empty string from the plain accessor when a key is absent", () => {
    expect(parse("key=value").get("non-key")).toBe("");
  });

  it("throws 'No value found for key: K' from the typed getters", () => {
    const conf = parse("");
    for (const get of [
      () => conf.getString("key"),
      () => conf.getDouble("key"),
      () => conf.getInt("key"),
      () => conf.getUint("key"),
      () => conf.getBool("key"),
    ]) {
      expect(get).toThrow(NoValue);
      expect(get).toThrow("No value found for key: key");
    }
  });

  // support Test/testconf.cpp test_double / test_int / test_uint
  it("converts doubles", () => {
    expect(parse("key=3.14").getDouble("key")).toBeCloseTo(3.14);
    expect(parse("key=1").getDouble("key")).toBe(1);
    expect(parse("key=1e-3").getDouble("key")).toBe(0.001);
    expect(() => parse("key=aaa").getDouble("key")).toThrow(InvalidValue);
    expect(() => parse("key=3x").getDouble("key")).toThrow(InvalidValue);
  });

  it("converts ints by truncation", () => {
    expect(parse("key=-1").getInt("key")).toBe(-1);
    expect(parse("key=1").getInt("key")).toBe(1);
    expect(parse("key=3.14").getInt("key")).toBe(3);
    expect(parse("key=0.0").getInt("key")).toBe(0);
    expect(() => parse("key=aaa").getInt("key")).toThrow(InvalidValue);
  });

  it("converts unsigned ints, rejecting negative results only", () => {
    expect(parse("key=1").getUint("key")).toBe(1);
    expect(parse("key=3.14").getUint("key")).toBe(3);
    expect(parse("key=0.0").getUint("key")).toBe(0);
    expect(Object.is(parse("key=-0.1").getUint("key"), 0)).toBe(true);
    expect(parse("key=-0.99999").getUint("key")).toBe(0);
    expect(() => parse("key=-1").getUint("key")).toThrow(InvalidValue);
    expect(() => parse("key=aaa").getUint("key")).toThrow(InvalidValue);
  });

  // support Test/testconf.cpp test_bool
  it.each(["1", "true", "True", "TRUE", "yes", "Yes", "YES"])("reads %j as true", (value) => {
    expect(parse(`key=${value}`).getBool("key")).toBe(true);
  });

  it.each(["0", "false", "False", "FALSE", "no", "No", "NO"])("reads %j as false", (value) => {
    expect(parse(`key=${value}`).getBool("key")).toBe(false);
  });

  it.each(["x", "yessir", "nossir", "2", "-1", "0.0", "1.0", "3.14e0"])(
    "rejects %j as a boolean",
    (value) => {
      expect(() => parse(`key=${value}`).getBool("key")).toThrow(InvalidValue);
    },
  );

  it("builds a conf from an object", () => {
    expect(Conf.of({ type: "async", alpha: "0.5" }).getDouble("alpha")).toBe(0.5);
  });
});
