import { OpenWhiskHttpError, OpenWhiskUnreachableError } from "@soe/openwhisk";
import type { ActionSummary } from "@soe/openwhisk";
import { describe, expect, it } from "vitest";
import {
  ActionLister,
  type ActionView,
  lambdasOf,
  publicLambdasOf,
  viewChange,
} from "./action-lister.js";

const listed = (actions: string[]): ActionView => ({ reachable: true, actions });
const down = (reason = "refused"): ActionView => ({ reachable: false, reason });

function summary(namespace: string, name: string): ActionSummary {
  return { namespace, name, version: "0.0.1", publish: false, annotations: [], updated: 1 };
}

describe("viewChange", () => {
  it("reports the first listing as a change, even an empty one", () => {
    expect(viewChange(undefined, listed([]))).toEqual({
      before: undefined,
      after: listed([]),
      added: [],
      removed: [],
    });
    expect(viewChange(undefined, listed(["/g/a"]))?.added).toEqual(["/g/a"]);
  });

  it("ignores a listing with the same names", () => {
    expect(viewChange(listed(["/g/a", "/g/b"]), listed(["/g/a", "/g/b"]))).toBeUndefined();
  });

  it("reports added and removed names", () => {
    const change = viewChange(listed(["/g/a", "/g/b"]), listed(["/g/b", "/g/c"]));
    expect(change?.added).toEqual(["/g/c"]);
    expect(change?.removed).toEqual(["/g/a"]);
  });

  it("reports losing and regaining the server, but not a second failure", () => {
    expect(viewChange(listed(["/g/a"]), down())?.removed).toEqual(["/g/a"]);
    expect(viewChange(down("refused"), down("timed out"))).toBeUndefined();
    expect(viewChange(down(), listed(["/g/a"]))?.added).toEqual(["/g/a"]);
    expect(viewChange(down(), listed([]))).toMatchObject({ added: [], removed: [] });
  });

  it("offers no lambdas while the server cannot be listed", () => {
    expect(lambdasOf(down())).toEqual([]);
    expect(lambdasOf(undefined)).toEqual([]);
    expect(lambdasOf(listed(["/g/a"]))).toEqual(["/g/a"]);
  });
});

describe("ActionLister", () => {
  it("names actions with their namespace and package, sorted", async () => {
    const calls: unknown[] = [];
    const lister = new ActionLister(
      {
        listActions: async (namespace, options) => {
          calls.push([namespace, options]);
          return [summary("guest/pkg", "act"), summary("guest", "copy"), summary("guest", "b")];
        },
        listEntities: async (collection, namespace, options) => {
          calls.push([collection, namespace, options]);
          return [{ namespace: "guest", name: "pkg", binding: false }];
        },
      },
      { pageSize: 50, timeoutMs: 1000 },
    );
    expect(await lister.list()).toEqual(listed(["/guest/b", "/guest/copy", "/guest/pkg/act"]));
    expect(calls).toEqual([
      ["_", { limit: 50, timeoutMs: 1000 }],
      ["packages", "_", { limit: 50, timeoutMs: 1000 }],
    ]);
  });

  it("turns a failed listing into an unreachable view, and remembers each view", async () => {
    let fail = false;
    const lister = new ActionLister({
      listActions: async () => {
        if (fail)
          throw new OpenWhiskUnreachableError("GET", "http://ow/api/v1", new Error("ECONNREFUSED"));
        return [summary("guest", "copy")];
      },
      listEntities: async () => [],
    });
    expect((await lister.refresh())?.added).toEqual(["/guest/copy"]);
    expect(await lister.refresh()).toBeUndefined();
    fail = true;
    const change = await lister.refresh();
    expect(change?.removed).toEqual(["/guest/copy"]);
    expect(lister.current).toEqual({
      reachable: false,
      reason: "OpenWhisk GET http://ow/api/v1 is unreachable: ECONNREFUSED",
    });
  });

  it("announces the actions of bindings under the binding's name, own and foreign", async () => {
    const listings: unknown[] = [];
    const lister = new ActionLister({
      listActions: async (namespace, options) => {
        listings.push([namespace, options?.packageName]);
        if (namespace === "_") return [summary("guest/p", "a"), summary("guest", "top")];
        if (namespace === "whisk.system" && options?.packageName === "utils") {
          return [summary("whisk.system/utils", "echo")];
        }
        throw new OpenWhiskHttpError("GET", "http://ow/api/v1", 403, {
          error: "The supplied authentication is not authorized to access 'secret/p'.",
          code: "t",
        });
      },
      listEntities: async () => [
        { namespace: "guest", name: "p", binding: false },
        { namespace: "guest", name: "mine", binding: { namespace: "guest", name: "p" } },
        { namespace: "guest", name: "u", binding: { namespace: "whisk.system", name: "utils" } },
        { namespace: "guest", name: "closed", binding: { namespace: "secret", name: "p" } },
      ],
    });
    expect(await lister.list()).toEqual(
      listed(["/guest/mine/a", "/guest/p/a", "/guest/top", "/guest/u/echo"]),
    );
    // Bindings to our own packages are read from the one listing; only foreign ones cost a call.
    expect(listings).toEqual([
      ["_", undefined],
      ["whisk.system", "utils"],
      ["secret", "p"],
    ]);
  });

  it("lists no packages when told to leave bindings out", async () => {
    const lister = new ActionLister(
      {
        listActions: async () => [summary("guest", "copy")],
        listEntities: async () => {
          throw new Error("packages listed");
        },
      },
      { bindings: false },
    );
    expect(await lister.list()).toEqual(listed(["/guest/copy"]));
  });

  it("takes a failed package listing as a failed listing", async () => {
    const lister = new ActionLister({
      listActions: async () => [summary("guest", "copy")],
      listEntities: async () => {
        throw new OpenWhiskUnreachableError("GET", "http://ow/api/v1", new Error("ECONNRESET"));
      },
    });
    expect(await lister.list()).toMatchObject({ reachable: false });
  });
});

describe("ActionLister with public namespaces", () => {
  const pkg = (namespace: string, name: string, publish: boolean, binding: unknown = false) => ({
    namespace,
    name,
    publish,
    binding,
  });
  const client = {
    listActions: async (namespace: string, options?: { packageName?: string }) => {
      if (namespace === "whisk.system") {
        if (options?.packageName === "utils") {
          return [summary("whisk.system/utils", "sort"), summary("whisk.system/utils", "echo")];
        }
        throw new Error(`unexpected listing of whisk.system/${options?.packageName}`);
      }
      if (namespace === "broken")
        throw new OpenWhiskUnreachableError("GET", "http://ow", new Error("down"));
      return [summary("guest/shared", "hello"), summary("guest/mine", "secret")];
    },
    listEntities: async (_collection: string, namespace?: string) => {
      if (namespace === "whisk.system") {
        return [
          pkg("whisk.system", "utils", true),
          pkg("whisk.system", "hidden", false),
          pkg("whisk.system", "bound", true, { namespace: "x", name: "y" }),
        ];
      }
      return [pkg("guest", "shared", true), pkg("guest", "mine", false)];
    },
  };

  it("announces other namespaces' published packages' actions, and marks them public", async () => {
    const lister = new ActionLister(client, { publicNamespaces: ["whisk.system", "broken"] });
    const view = await lister.list();
    expect(lambdasOf(view)).toEqual([
      "/guest/mine/secret",
      "/guest/shared/hello",
      "/whisk.system/utils/echo",
      "/whisk.system/utils/sort",
    ]);
    expect(publicLambdasOf(view)).toEqual([
      "/guest/shared/hello",
      "/whisk.system/utils/echo",
      "/whisk.system/utils/sort",
    ]);
  });

  it("re-announces when only what is public changes", () => {
    const before: ActionView = { reachable: true, actions: ["/g/p/a"] };
    const after: ActionView = { reachable: true, actions: ["/g/p/a"], public: ["/g/p/a"] };
    expect(viewChange(before, after)).toMatchObject({ added: [], removed: [] });
    expect(viewChange(after, after)).toBeUndefined();
  });
});
