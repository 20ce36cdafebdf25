/** The controller's error texts, kept word for word: clients and people match on them. */
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
