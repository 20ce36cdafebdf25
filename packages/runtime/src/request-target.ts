/**
 * Whether a request's authority (`Host` or `:authority`) and path form a URL. connect-node and
 * hono build `new URL(path, scheme://authority)` for every request and throw on a bad one
 * (`Host: 127.0.0.1:99999`, `Host: [::1`, a path `//[`), which used to escape as an uncaught
 * exception and kill the process; such requests are answered 400 before anything builds a URL.
 */
export function isValidRequestTarget(
  authority: string | undefined,
  path: string | undefined,
): boolean {
  if (authority === undefined || authority === "" || path === undefined) return false;
  // Only the authority, never userinfo or a path smuggled in through it.
  if (/[/?#@\\\s]/.test(authority)) return false;
  return URL.canParse(path, `http://${authority}`);
}
