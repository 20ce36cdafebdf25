/**
 * Actions the mock can create at start (`--preload`), written for this project. `copy` is the
 * action of the reference's OpenWhisk walkthrough: `{"input": "hello"}` gives `{"payload": "hello"}`.
 */
export const sampleActions = {
  copy: `function main(params) {
  return { payload: params.input || "" };
}`,
  echo: `function main(params) {
  return params;
}`,
  fail: `function main(params) {
  return { error: params.message || "this action always fails" };
}`,
  crash: `function main(params) {
  throw new Error(params.message || "this action always crashes");
}`,
  sleep: `async function main(params) {
  const ms = Number(params.ms) || 0;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { slept: ms };
}`,
  log: `function main(params) {
  for (const [key, value] of Object.entries(params)) console.log(key + "=" + JSON.stringify(value));
  console.error("logged " + Object.keys(params).length + " parameters");
  return { logged: Object.keys(params).length };
}`,
} as const satisfies Record<string, string>;

export type SampleActionName = keyof typeof sampleActions;

export const sampleActionNames = Object.keys(sampleActions) as SampleActionName[];

export function isSampleActionName(name: string): name is SampleActionName {
  return Object.hasOwn(sampleActions, name);
}
