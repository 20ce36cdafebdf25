import { soev1 } from "@soe/proto";
import { describe, expect, it } from "vitest";
import { type DesiredEntity, documentDigest } from "./domain-entity.js";
import { type InstalledRef, planReconcile, type ReconcileStep } from "./reconcile-plan.js";

const { ACTION, PACKAGE } = soev1.EntityKind;

function entity(
  kind: soev1.EntityKind,
  pkg: string,
  name: string,
  doc: object = {},
): DesiredEntity {
  const document = new TextEncoder().encode(JSON.stringify(doc));
  return {
    ref: { kind, namespace: "guest", package: pkg, name },
    document,
    version: "0.0.1",
    digest: documentDigest(document),
    updatedUnixMs: 0,
  };
}
const action = (pkg: string, name: string, doc?: object) => entity(ACTION, pkg, name, doc);
const pkg = (name: string, doc?: object) => entity(PACKAGE, "", name, doc);
const placedBy = (selector: string) => ({
  annotations: [{ key: "soe-placement", value: selector }],
});
const installed = (e: DesiredEntity, digest = e.digest): InstalledRef => ({ ref: e.ref, digest });
const foreign = (kind: soev1.EntityKind, p: string, name: string): InstalledRef => ({
  ref: { kind, namespace: "guest", package: p, name },
  digest: "",
});
const orphan = (
  kind: soev1.EntityKind,
  p: string,
  name: string,
  digest = "d".repeat(64),
): InstalledRef => ({
  ref: { kind, namespace: "guest", package: p, name },
  digest,
});
const zoneA = { namespace: "guest", labels: { zone: "a" } };

function describeStep(step: ReconcileStep): string {
  const ref = step.op === "apply" ? step.entity.ref : step.ref;
  const kind = ref.kind === PACKAGE ? "package" : "action";
  return `${step.op} ${kind} ${ref.package === "" ? "" : `${ref.package}/`}${ref.name}`;
}
const plan = (desired: DesiredEntity[], held: InstalledRef[], target = zoneA) =>
  planReconcile({ desired, installation: target, installed: held });
const steps = (desired: DesiredEntity[], held: InstalledRef[], target = zoneA) =>
  plan(desired, held, target).steps.map(describeStep);

describe("reconcile plan", () => {
  it("does nothing when the installation holds every placed entity with its digest", () => {
    const desired = [pkg("p"), action("p", "x"), action("", "y")];
    const result = plan(
      desired,
      desired.map((e) => installed(e)),
    );
    expect(result.steps).toEqual([]);
    expect(result.drift).toEqual([]);
    expect(result.placed).toHaveLength(3);
  });

  it("applies packages, then bindings, then actions, each group by name", () => {
    const desired = [
      action("", "b"),
      action("p", "a"),
      pkg("z-bound", { binding: { namespace: "guest", name: "p" } }),
      pkg("p"),
      action("", "a"),
      pkg("ext", { binding: { namespace: "whisk.system", name: "utils" } }),
    ];
    expect(steps(desired, [])).toEqual([
      "apply package p",
      "apply package ext",
      "apply package z-bound",
      "apply action a",
      "apply action b",
      "apply action p/a",
    ]);
  });

  it("re-applies a stale entity and says how it differs", () => {
    const x = action("", "x");
    const result = plan([x], [installed(x, "0".repeat(64))]);
    expect(result.steps.map(describeStep)).toEqual(["apply action x"]);
    expect(result.drift).toEqual([
      {
        ref: x.ref,
        state: "stale",
        detail: `installed digest 000000000000, desired ${x.digest.slice(0, 12)}`,
      },
    ]);
    expect(plan([x], []).drift).toEqual([
      { ref: x.ref, state: "missing", detail: "version 0.0.1 not installed" },
    ]);
  });

  it("replaces an entity the domain did not deploy when the domain wants that name", () => {
    const x = action("", "x");
    const result = plan([x], [foreign(ACTION, "", "x")]);
    expect(result.steps.map(describeStep)).toEqual(["apply action x"]);
    expect(result.drift[0]).toMatchObject({
      state: "stale",
      detail: "installed without a domain digest",
    });
  });

  it("removes what carries a domain digest but is not desired, actions before packages", () => {
    const held = [
      orphan(PACKAGE, "", "old"),
      orphan(ACTION, "old", "b"),
      orphan(ACTION, "", "a"),
      orphan(PACKAGE, "", "alpha"),
    ];
    expect(steps([], held)).toEqual([
      "remove action a",
      "remove action old/b",
      "remove package alpha",
      "remove package old",
    ]);
    expect(
      plan([], held).drift.every((d) => d.state === "orphaned" && d.detail === "no longer desired"),
    ).toBe(true);
  });

  it("never touches what the domain did not deploy", () => {
    expect(plan([], [foreign(ACTION, "", "mine"), foreign(PACKAGE, "", "p")])).toEqual({
      steps: [],
      drift: [],
      placed: [],
    });
  });

  it("keeps an orphaned package that still holds actions the domain did not deploy", () => {
    const result = plan(
      [],
      [orphan(PACKAGE, "", "p"), orphan(ACTION, "p", "ours"), foreign(ACTION, "p", "theirs")],
    );
    expect(result.steps.map(describeStep)).toEqual(["remove action p/ours"]);
    expect(result.drift).toContainEqual({
      ref: { kind: PACKAGE, namespace: "guest", package: "", name: "p" },
      state: "orphaned",
      detail: "no longer desired; kept: it holds actions the domain did not deploy",
    });
  });

  it("applies where the placement holds and removes where it no longer does", () => {
    const onB = action("", "x", placedBy("zone=b"));
    expect(steps([onB], [])).toEqual([]);
    const result = plan([onB], [installed(action("", "x"))]);
    expect(result.steps.map(describeStep)).toEqual(["remove action x"]);
    expect(result.drift[0]?.detail).toBe("no longer placed here");
    expect(steps([onB], [], { namespace: "guest", labels: { zone: "b" } })).toEqual([
      "apply action x",
    ]);
  });

  it("moves a package's actions with the package", () => {
    const p = pkg("p", placedBy("zone=b"));
    const x = action("p", "x");
    expect(steps([p, x], [installed(pkg("p")), installed(x)])).toEqual([
      "remove action p/x",
      "remove package p",
    ]);
  });

  it("ignores other namespaces and kinds on either side", () => {
    const elsewhere: DesiredEntity = {
      ...action("", "x"),
      ref: { ...action("", "x").ref, namespace: "other" },
    };
    const trigger: InstalledRef = {
      ref: { kind: soev1.EntityKind.TRIGGER, namespace: "guest", package: "", name: "t" },
      digest: "d",
    };
    const otherNs: InstalledRef = { ref: { ...elsewhere.ref }, digest: "d" };
    expect(plan([elsewhere], [trigger, otherNs])).toEqual({ steps: [], drift: [], placed: [] });
  });

  it("applies before it removes", () => {
    expect(steps([action("", "new")], [orphan(ACTION, "", "old")])).toEqual([
      "apply action new",
      "remove action old",
    ]);
  });

  it("places no sequence on an installation: the proxy runs it, and one held is removed", () => {
    const seq = action("", "seq", { exec: { kind: "sequence", components: ["/guest/y"] } });
    const inPackage = action("p", "chain", {
      exec: { kind: "sequence", components: ["/guest/p/x"] },
    });
    const desired = [pkg("p"), action("p", "x"), action("", "y"), seq, inPackage];
    const result = plan(desired, []);
    expect(result.placed.map((e) => e.ref.name)).toEqual(["p", "x", "y"]);
    expect(result.steps.map(describeStep)).toEqual([
      "apply package p",
      "apply action y",
      "apply action p/x",
    ]);
    // One installed with the domain's digest (before sequences were the proxy's) goes away.
    expect(steps(desired, [installed(seq)])).toContain("remove action seq");
  });
});
