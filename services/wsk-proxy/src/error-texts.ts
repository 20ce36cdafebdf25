/**
 * Texts of our own, for what only the edge domain can fail at, in OpenWhisk's tone. OpenWhisk's
 * texts, word for word, are `ErrorText` of @soe/openwhisk.
 */
export const EdgeErrorText = {
  domainTimeout: "The edge domain did not answer in time.",
  clientAborted: "The request was aborted by the client.",
  notImplemented:
    "This operation is not supported by the edge domain: wskproxy serves actions and activations.",
} as const;
