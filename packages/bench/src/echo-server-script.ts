/**
 * The echo server's entry script, for `ChildProcesses.start`: the TypeScript source when the
 * workspace runs from source (`--conditions=@soe/source`), the compiled file otherwise.
 */
export const echoServerScript = new URL(
  import.meta.url.endsWith(".ts") ? "./echo-server.ts" : "./echo-server.js",
  import.meta.url,
);
