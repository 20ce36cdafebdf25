/**
 * Code that runs *inside* an action's vm context (one per activation, or a warm one reused by
 * later activations of the same action version). Everything that touches the action's own
 * values (calling `main`, awaiting it, turning results and errors into text) happens here, inside
 * `runInContext` with a timeout, so a hostile `toString` or an endless microtask loop is caught by
 * the time limit instead of freezing the server. The host receives strings only.
 *
 * The result rules are the Node.js runtime's: `undefined` becomes `{}`; a non-object is "not a
 * dictionary" (developer error); a rejected Promise becomes `{error: <serialized reason>}` (an
 * application error); a synchronous throw is a developer error.
 */
export const HARNESS_SOURCE = `
globalThis.__soeHarness = (function (host) {
  "use strict";
  const describe = (value) => {
    try {
      if (value instanceof Error) return String(value);
      // Errors thrown by host functions (timers, Buffer) come from another realm.
      if (value && typeof value.name === "string" && typeof value.message === "string") {
        return value.name + ": " + value.message;
      }
      if (typeof value === "string") return value;
      const json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch (_) {
      return "unprintable error";
    }
  };
  const serializeReason = (reason) => {
    if (!reason) return {};
    if (!(reason instanceof Error)) return reason;
    const fields = { name: reason.name, message: reason.message, stack: reason.stack };
    for (const key of Object.keys(reason)) fields[key] = reason[key];
    return fields;
  };
  const encode = (value) => {
    try {
      return JSON.stringify(value);
    } catch (_) {
      return undefined;
    }
  };
  const settle = (value) => {
    if (value === undefined) return host.report("result", "{}");
    if (typeof value !== "object" || value === null) {
      return host.report("not-a-dictionary", value === null ? "null" : typeof value);
    }
    const text = encode(value);
    if (text === undefined) return host.report("threw", "the result cannot be serialized to JSON");
    return host.report("result", text);
  };
  // The action's entry point once its code has run: a warm sandbox calls it again.
  let loaded;
  const call = (main, paramsJson) => {
    let returned;
    try {
      returned = main(JSON.parse(paramsJson));
    } catch (error) {
      return host.report("threw", describe(error));
    }
    Promise.resolve(returned).then(settle, (reason) => {
      const text = encode({ error: serializeReason(reason) });
      host.report("result", text === undefined ? '{"error":{}}' : text);
    });
  };
  return {
    run(init, paramsJson) {
      let main;
      try {
        main = init();
      } catch (error) {
        return host.report("init-failed", describe(error));
      }
      if (typeof main !== "function") {
        return host.report("init-failed", "Action entrypoint '" + host.mainName + "' is not a function.");
      }
      loaded = main;
      call(main, paramsJson);
    },
    again(paramsJson) {
      call(loaded, paramsJson);
    },
    uncaught(error) {
      host.report("uncaught", describe(error));
    },
    rejected(reason) {
      host.report("unhandled-rejection", describe(reason));
    },
  };
})(globalThis.__soeHost);
`;

/** Runs the already loaded action of a warm sandbox again, with `__soeParams`. */
export const AGAIN_SOURCE = "globalThis.__soeHarness.again(globalThis.__soeParams);";

/** Enters the context for a host-side callback (a timer firing, a rejection to describe). */
export const ENTRY_SOURCE = `
try {
  globalThis.__soeEntry();
} catch (error) {
  globalThis.__soeHarness.uncaught(error);
}
`;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Lines added before the action's code, so stack traces can point at the action's own lines. */
export const ACTION_PRELUDE_LINES = 4;

/**
 * Wraps an action's code so that `main` (or `exports.main`, or `module.exports`) is found the way
 * the Node.js runtime finds it, and handed to the harness with the parameters.
 */
export function actionSource(code: string, mainName: string): string {
  const main = IDENTIFIER.test(mainName) ? mainName : "main";
  return [
    "__soeHarness.run(function () {",
    "  const module = { exports: {} };",
    "  return (function (module, exports) {",
    "// action code",
    code,
    `;return typeof ${main} === "function" ? ${main} : typeof module.exports.${main} === "function" ? module.exports.${main} : typeof module.exports === "function" ? module.exports : undefined;`,
    "  })(module, module.exports);",
    "}, globalThis.__soeParams);",
  ].join("\n");
}
