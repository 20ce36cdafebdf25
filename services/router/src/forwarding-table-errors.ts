import { formatCppFloat } from "@soe/reference";

// The four error types of the reference's forwarding table (reference §3.1), with its messages;
// the forwarding-table server returns them as "Error: <message>" in Return.msg.

export class InvalidWeight extends Error {
  override readonly name = "InvalidWeight";
  constructor(readonly weight: number) {
    super(`Invalid weight '${formatCppFloat(weight)}', must be > 0`);
  }
}

export class InvalidDestination extends Error {
  override readonly name = "InvalidDestination";
  constructor(
    readonly destination: string,
    readonly weight: number,
  ) {
    super(`Invalid destination towards '${destination}' with weight ${formatCppFloat(weight)}`);
  }
}

export class InvalidWeightFactor extends Error {
  override readonly name = "InvalidWeightFactor";
  constructor(readonly factor: number) {
    super("Invalid weight factor");
  }
}

/** No entry for the lambda, or no such destination in it. Its text becomes a RunLambda retcode. */
export class NoDestinations extends Error {
  override readonly name = "NoDestinations";
  constructor(readonly destination?: string) {
    super(
      destination === undefined
        ? "No destinations found for the entry"
        : `No destinations found for the entry: ${destination}`,
    );
  }
}
