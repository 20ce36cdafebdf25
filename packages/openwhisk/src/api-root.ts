export interface ApiRoot {
  /** `http:` or `https:`. */
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  readonly port: number;
  /** Prefix before `/api/v1`, without a trailing slash ("" for most servers). */
  readonly basePath: string;
  /** `scheme://host:port` plus prefix; safe to show (never carries credentials). */
  readonly display: string;
}

const API_V1 = /\/api\/v1\/?$/;

/**
 * Accepts `http://host:3233`, `https://host`, a root ending in `/api/v1`, or a bare `host:port`
 * (which gets `https://`, as both official clients do). Credentials in the URL are refused:
 * the key goes in `auth`, so it can never leak through a URL shown in a message.
 */
export function parseApiRoot(input: string): ApiRoot {
  const trimmed = input.trim();
  if (trimmed.length === 0) throw new TypeError("invalid empty OpenWhisk API root");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`invalid OpenWhisk API root '${trimmed}'`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError("the OpenWhisk API root must not carry credentials; pass them as auth");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`unsupported OpenWhisk API root scheme '${url.protocol}'`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new TypeError("the OpenWhisk API root must not have a query or fragment");
  }
  const basePath = url.pathname.replace(API_V1, "").replace(/\/+$/, "");
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port,
    basePath,
    display: `${url.protocol}//${url.host}${basePath}`,
  };
}
