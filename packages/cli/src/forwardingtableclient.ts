#!/usr/bin/env node
import { parseOrExit } from "@soe/runtime";
import { exitCodeOf } from "./cli-io.js";
import { runForwardingTableClient, TABLE_ACTIONS } from "./forwarding-table-client.js";
import { tlsOptionSpecs, tokenOptionSpec, transportOptions } from "./transport-options.js";

// Options and defaults of the reference's forwardingtableclient (reference §8.1).
const { values } = parseOrExit({
  name: "forwardingtableclient",
  version: "0.1.0",
  summary: "Dumps or changes the forwarding tables of an edge router (reference §8.1).",
  options: {
    serverEndpoint: {
      type: "string",
      default: "localhost:6474",
      help: "forwarding-table server (the router's --configuration-endpoint)",
    },
    action: { type: "string", default: "dump", help: `one of: ${TABLE_ACTIONS.join(", ")}` },
    lambda: { type: "string", default: "clambda0", help: "lambda (change and remove)" },
    destination: {
      type: "string",
      default: "localhost:6473",
      help: "destination end-point (change and remove)",
    },
    weight: { type: "number", default: 1, help: "weight (change)" },
    final: { type: "boolean", help: "make the route final (change)" },
    timeout: { type: "number", default: 10, help: "deadline of each call, seconds (0: none)" },
    ...tokenOptionSpec,
    ...tlsOptionSpecs,
  },
});

process.exitCode = await exitCodeOf("forwardingtableclient", process.stderr, () =>
  runForwardingTableClient(
    {
      serverEndpoint: values.serverEndpoint,
      action: values.action,
      lambda: values.lambda,
      destination: values.destination,
      weight: values.weight,
      final: values.final,
      transport: transportOptions(values, values.timeout * 1000),
    },
    { out: process.stdout, err: process.stderr },
  ),
);
