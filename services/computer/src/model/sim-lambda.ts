/**
 * Reference §5.1: what a simulated lambda needs (operations and memory, from the size of its
 * input) and what it answers (its input, or a constant).
 */
export type Requirements =
  | {
      readonly kind: "proportional";
      readonly opCoeff: number;
      readonly opOffset: number;
      readonly memCoeff: number;
      readonly memOffset: number;
    }
  | { readonly kind: "fixed"; readonly ops: number; readonly mem: number };

export type OutputSpec =
  | { readonly kind: "copy-input" }
  | { readonly kind: "fixed"; readonly value: string };

export interface SimLambdaSpec {
  readonly name: string;
  readonly requirements: Requirements;
  readonly output: OutputSpec;
}

export interface TaskNeeds {
  /** Operations to execute. */
  readonly ops: number;
  /** Memory held while active, bytes. */
  readonly mem: number;
}

/**
 * Requirements of one invocation. L is the input's length in bytes (the reference measures a
 * std::string, i.e. UTF-8 bytes); `datain` is ignored, as in the reference.
 * Proportional: `ops = max(0, round(opOffset + opCoeff·L))`, `mem = max(0, round(memOffset + memCoeff·L))`.
 */
export function taskNeeds(requirements: Requirements, input: string): TaskNeeds {
  if (requirements.kind === "fixed") return { ops: requirements.ops, mem: requirements.mem };
  const length = Buffer.byteLength(input, "utf8");
  const { opCoeff, opOffset, memCoeff, memOffset } = requirements;
  // `+ 0` turns the -0 that Math.round gives for (-0.5, 0) into 0.
  return {
    ops: Math.max(0, Math.round(opOffset + opCoeff * length)) + 0,
    mem: Math.max(0, Math.round(memOffset + memCoeff * length)) + 0,
  };
}

/** The output of one invocation (reference §5.1: computed when the task is submitted). */
export function taskOutput(output: OutputSpec, input: string): string {
  return output.kind === "copy-input" ? input : output.value;
}
