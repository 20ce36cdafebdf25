import { GUEST_KEY } from "@soe/openwhisk";
import type { OpenWhiskMock } from "../src/app.js";
import { createOpenWhiskMock } from "../src/app.js";
import type { OpenWhiskMockOptions } from "../src/mock-options.js";

/** Drives a mock through `app.request`, the way the REST specs check statuses, bodies and headers. */
export const GUEST_AUTH = `Basic ${Buffer.from(GUEST_KEY).toString("base64")}`;
export const ACTIONS = "/api/v1/namespaces/_/actions";
export const ACTIVATIONS = "/api/v1/namespaces/_/activations";

export interface Call {
  body?: string | object;
  headers?: Record<string, string>;
  /** Default: the guest key; null for no Authorization header. */
  auth?: string | null;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the specs read whatever JSON each endpoint answers
  json: any;
  text: string;
}

export async function call(
  mock: OpenWhiskMock,
  method: string,
  path: string,
  options: Call = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== null) headers.authorization = options.auth ?? GUEST_AUTH;
  let body: string | undefined;
  if (typeof options.body === "object") {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  } else body = options.body;
  const response = await mock.app.request(path, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Mocks made by one spec file; close them all in its afterAll. */
export function mockFactory() {
  const made: OpenWhiskMock[] = [];
  return {
    mock(options: OpenWhiskMockOptions = {}): OpenWhiskMock {
      const mock = createOpenWhiskMock({ preload: ["copy", "echo", "fail", "sleep"], ...options });
      made.push(mock);
      return mock;
    },
    closeAll(): void {
      for (const mock of made.splice(0)) mock.close();
    },
  };
}
