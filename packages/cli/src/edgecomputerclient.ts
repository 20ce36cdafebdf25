#!/usr/bin/env node
import { createLogger, parseOrExit } from "@soe/runtime";
import { exitCodeOf } from "./cli-io.js";
import { openOutputFile, STDOUT_PATH } from "./output-file.js";
import { tlsOptionSpecs, transportOptions } from "./transport-options.js";
import { runUtilizationClient } from "./utilization-client.js";

// The reference's edgecomputerclient options (reference §5.4), plus reconnection and a bound.
const { values } = parseOrExit({
  name: "edgecomputerclient",
  version: "0.1.0",
  summary: "Prints the utilization stream of an edge computer (reference §5.4).",
  options: {
    serverEndpoint: {
      type: "string",
      default: "localhost:6476",
      help: "the computer's --utilization-endpoint",
    },
    outputFile: { type: "string", default: STDOUT_PATH, help: "where to print the samples" },
    maxSamples: { type: "integer", help: "stop after this many samples (default: never)" },
    noReconnect: {
      type: "boolean",
      help: "exit when the stream ends or fails, do not re-subscribe",
    },
    ...tlsOptionSpecs,
  },
});

// Diagnostics on stderr: stdout carries the samples.
const logger = createLogger({ name: "edgecomputerclient", destination: process.stderr });
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort());
process.once("SIGTERM", () => interrupt.abort());

process.exitCode = await exitCodeOf("edgecomputerclient", process.stderr, async () => {
  const output = await openOutputFile(values.outputFile, false, process.stdout);
  try {
    return await runUtilizationClient(
      {
        serverEndpoint: values.serverEndpoint,
        maxSamples: values.maxSamples,
        reconnect: !values.noReconnect,
        transport: transportOptions(values, 0),
      },
      { out: output.sink, err: process.stderr, logger, signal: interrupt.signal },
    );
  } finally {
    await output.close();
  }
});
