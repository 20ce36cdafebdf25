#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { createLogger, onShutdown, parseOrExit } from "@soe/runtime";
import { parseAuthFile } from "./auth-file.js";
import { sampleActionNames } from "./sample-actions.js";
import { startOpenWhiskMock } from "./server.js";

const { values } = parseOrExit({
  name: "openwhisk-mock",
  version: "0.1.0",
  summary:
    "A lean OpenWhisk for dev and tests: actions, packages, nodejs actions in node:vm, activations.",
  options: {
    host: {
      type: "string",
      default: "127.0.0.1",
      help: "address to listen on; keep it loopback, the mock runs whatever code it is given",
    },
    port: { type: "integer", default: 3233, help: "port to listen on (OpenWhisk standalone's)" },
    preload: {
      type: "string",
      help: `sample actions to create in every namespace, comma-separated: ${sampleActionNames.join(", ")}`,
    },
    authFile: {
      type: "string",
      help: "file of 'namespace uuid:key' lines (default: OpenWhisk's guest key for 'guest')",
    },
  },
});

const logger = createLogger({ name: "openwhisk-mock" });
try {
  const preload = (values.preload ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const keys =
    values.authFile === undefined
      ? undefined
      : parseAuthFile(readFileSync(values.authFile, "utf8"));
  const mock = await startOpenWhiskMock({ host: values.host, port: values.port, preload, keys });
  logger.info(
    { url: mock.url, namespaces: Object.keys(keys ?? { guest: true }), preload },
    "OpenWhisk mock listening",
  );
  onShutdown(logger, () => mock.close());
} catch (err) {
  logger.fatal({ err }, "OpenWhisk mock cannot start");
  process.exitCode = 1;
}
