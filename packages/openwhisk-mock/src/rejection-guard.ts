/**
 * Node reports an unhandled rejection from *any* vm context to the whole process, and by default
 * crashes it. Action code must not take the server down, so rejections whose promise belongs to
 * an activation's context go to that activation (the Node.js runtime would crash there, so it
 * becomes a developer error); every other rejection keeps Node's default behaviour.
 */
type OnRejection = (reason: unknown) => void;

const owners = new Map<object, OnRejection>();
/** Contexts of finished activations: their late rejections are dropped, not fatal. */
const retired = new WeakSet<object>();
let holders = 0;

function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  const realm = Object.getPrototypeOf(promise) as object | null;
  if (realm !== null) {
    const owner = owners.get(realm);
    if (owner !== undefined) {
      owner(reason);
      return;
    }
    if (retired.has(realm)) return;
  }
  // Ours is the only listener: without it Node would have thrown, so throw.
  if (process.listenerCount("unhandledRejection") === 1) throw reason;
}

/** Held by each ActionRunner while it lives, so late rejections never find the process unguarded. */
export function holdRejectionGuard(): () => void {
  if (holders === 0) process.on("unhandledRejection", onUnhandledRejection);
  holders += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders -= 1;
    if (holders === 0) process.off("unhandledRejection", onUnhandledRejection);
  };
}

/** Routes rejections of promises made by one context (identified by its `Promise.prototype`). */
export function watchContextRejections(
  promisePrototype: object,
  onRejection: OnRejection,
): () => void {
  owners.set(promisePrototype, onRejection);
  return () => {
    owners.delete(promisePrototype);
    retired.add(promisePrototype);
  };
}
