/**
 * OpenWhisk's error texts, word for word (openwhisk-api.md §1–§6): the `error` of its
 * `{error, code}` bodies. Clients and people match on them, so they are kept exactly.
 */
export const ErrorText = {
  missingCredentials:
    "The resource requires authentication, which was not supplied with the request",
  invalidCredentials: "The supplied authentication is invalid",
  notAuthorized: "The supplied authentication is not authorized to access this resource.",
  notFound: "The requested resource does not exist.",
  noRoute: "The requested resource could not be found.",
  alreadyExists: "resource already exists",
  otherCollection: "Resource by this name exists but is not in this collection.",
  internal: "There was an internal server error.",
  /** Pekko's default 503 text, which OpenWhisk answers when it has no invoker. */
  unavailable:
    "The server is currently unavailable (because it is overloaded or down for maintenance).",
  unsupportedContentType:
    "The request's Content-Type is not supported. Expected:\napplication/json",
  timeoutParameter: "Timeout must be number of milliseconds up to 60000.",
  countWithDocs: "The parameter 'docs' is not permitted with 'count'.",
  invalidActivationId: "The activation id is not valid.",
} as const;

export function notAuthorizedFor(resource: string): string {
  return `The supplied authentication is not authorized to access '${resource}'.`;
}

export function tooLarge(size: number, limit: number): string {
  return `Request larger than allowed: ${size} > ${limit} bytes.`;
}

export function malformedContent(detail: string): string {
  return `The request content was malformed:\n${detail}`;
}

export function malformedQuery(parameter: string, detail: string): string {
  return `The query parameter '${parameter}' was malformed:\n${detail}`;
}

export function activationIdLength(length: number): string {
  return `Activation id length is ${length} but must be 32.`;
}

export function packageNotEmpty(count: number): string {
  const entities = count === 1 ? "1 entity" : `${count} entities`;
  return `Package not empty (contains ${entities}). Set force param or delete package contents.`;
}

/** Pekko's 405 text, for a known path and a method it does not serve. */
export function methodNotAllowed(supported: readonly string[]): string {
  return `HTTP method not allowed, supported methods: ${supported.join(", ")}`;
}

export function tooManyConcurrent(count: number, allowed: number): string {
  return `Too many concurrent requests in flight (count: ${count}, allowed: ${allowed}).`;
}
