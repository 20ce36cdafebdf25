/**
 * OpenWhisk's error texts, word for word (openwhisk-api.md §1–§6): clients and people match on
 * them. Texts of our own (the edge domain's failures) say what happened in the same tone.
 */
export const ErrorText = {
  missingCredentials:
    "The resource requires authentication, which was not supplied with the request",
  invalidCredentials: "The supplied authentication is invalid",
  notAuthorized: "The supplied authentication is not authorized to access this resource.",
  notFound: "The requested resource does not exist.",
  noRoute: "The requested resource could not be found.",
  internal: "There was an internal server error.",
  /** Pekko's default 503 text, which OpenWhisk answers when it has no invoker. */
  unavailable:
    "The server is currently unavailable (because it is overloaded or down for maintenance).",
  domainTimeout: "The edge domain did not answer in time.",
  unsupportedContentType:
    "The request's Content-Type is not supported. Expected:\napplication/json",
  timeoutParameter: "Timeout must be number of milliseconds up to 60000.",
  countWithDocs: "The parameter 'docs' is not permitted with 'count'.",
  invalidActivationId: "The activation id is not valid.",
  notImplemented:
    "This operation is not supported by the edge domain: wskproxy serves actions and activations.",
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

export function methodNotAllowed(supported: readonly string[]): string {
  return `HTTP method not allowed, supported methods: ${supported.join(", ")}`;
}

export function tooManyConcurrent(count: number, allowed: number): string {
  return `Too many concurrent requests in flight (count: ${count}, allowed: ${allowed}).`;
}
