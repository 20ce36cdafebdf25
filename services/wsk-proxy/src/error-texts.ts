/**
 * Texts of our own, for what only the edge domain can fail at, in OpenWhisk's tone. OpenWhisk's
 * texts, word for word, are `ErrorText` of @soe/openwhisk; the few below it does not carry yet
 * are in `EntityErrorText`.
 */
export const EdgeErrorText = {
  domainTimeout: "The edge domain did not answer in time.",
  clientAborted: "The request was aborted by the client.",
  notImplemented:
    "This operation is not supported by the edge domain: wskproxy serves actions, packages and activations.",
  noController:
    "Deploying needs the edge domain's controller: wskproxy was started without --controller-endpoint.",
  noDeployment:
    "The edge domain's controller does not serve deployments (soe.v1.DeploymentService).",
  triggersNotDeployed:
    "Triggers are not deployed through the edge domain: create them on each OpenWhisk installation.",
  rulesNotDeployed:
    "Rules are not deployed through the edge domain: create them on each OpenWhisk installation.",
  notManaged:
    "The entity was not deployed through the edge domain: it was installed on an OpenWhisk of the domain directly, and is removed there.",
} as const;

/** OpenWhisk's texts for entity changes (apache/openwhisk `Messages.scala`, `Actions.scala`), word for word. */
export const EntityErrorText = {
  bindingDoesNotExist: "Binding references a package that does not exist.",
  packageCannotBecomeBinding: "Resource is a package and cannot be converted into a binding.",
  bindingCannotReferenceBinding: "Cannot bind to another package binding.",
  notAllowedOnBinding: "Operation not permitted on package binding.",
  execUndefined: "exec undefined",
} as const;

/**
 * A change the domain kept but could not apply everywhere yet: the reconciler retries, so the
 * client learns it is not served everywhere without being told it failed.
 */
export function partiallyApplied(
  verb: "applied" | "removed",
  done: number,
  targeted: number,
  failures: readonly string[],
): string {
  const where = verb === "applied" ? "on" : "from";
  const head = `The entity was ${verb} ${where} ${done} of ${targeted} installations; the domain keeps retrying the others.`;
  return failures.length === 0 ? head : `${head} ${failures.join("; ")}`;
}
