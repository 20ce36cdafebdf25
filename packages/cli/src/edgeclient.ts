#!/usr/bin/env node
import { createLogger, parseOrExit, stopTracing } from "@soe/runtime";
import { exitCodeOf } from "./cli-io.js";
import { runEdgeClient } from "./edge-client.js";
import { edgeClientProgram, edgeClientSettings } from "./edgeclient-program.js";
import { openOutputFile } from "./output-file.js";

const { values } = parseOrExit(edgeClientProgram);

// Diagnostics on stderr: stdout carries the result lines.
const logger = createLogger({ name: "edgeclient", destination: process.stderr });
// First Ctrl-C (or SIGTERM): stop and print the summary so far; a second one: leave at once.
const interrupt = new AbortController();
const onSignal = () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

process.exitCode = await exitCodeOf("edgeclient", process.stderr, async () => {
  const settings = edgeClientSettings(values);
  const output = await openOutputFile(values.outputFile, values.append, process.stdout);
  try {
    return await runEdgeClient(settings, {
      out: output.sink,
      err: process.stderr,
      logger,
      interrupt: interrupt.signal,
    });
  } finally {
    await output.close();
    // The run's spans go out before the process ends (a no-op with tracing off).
    await stopTracing();
  }
});
// The signal handlers must not keep the process alive once the run is over.
process.off("SIGINT", onSignal);
process.off("SIGTERM", onSignal);
