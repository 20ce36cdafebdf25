/** `--store etcd://[user:password@]host:port[,host:port…][/prefix]`, parsed. */
export interface EtcdStoreAddress {
  /** `http://host:port` per member, as etcd3's `hosts` takes them. */
  readonly hosts: readonly string[];
  /** Every key of the controller's state lives under it (default `/soe/v1/`). */
  readonly prefix: string;
  readonly auth?: { readonly username: string; readonly password: string };
  /** The address without its credentials: the only form that may be logged. */
  readonly display: string;
}

export class InvalidStoreUrl extends Error {
  override readonly name = "InvalidStoreUrl";
}

export const DEFAULT_ETCD_PREFIX = "/soe/v1/";

/**
 * Parses `--store`. Only etcd is a store besides the default file (`--state-file`). Errors never
 * repeat the value: it may hold a password.
 */
export function parseStoreUrl(url: string): EtcdStoreAddress {
  const match = /^etcd:\/\/(?:([^@/]*)@)?([^/]+)(\/.*)?$/.exec(url);
  if (match === null) {
    throw new InvalidStoreUrl(
      "invalid --store: expected etcd://[user:password@]host:port[,host:port…][/prefix]",
    );
  }
  const [, credentials, members = "", path] = match;
  const hosts = members.split(",").map((member) => {
    const m = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(member.trim());
    const port = Number(m?.[2]);
    if (m === null || !(port >= 1 && port <= 65_535)) {
      throw new InvalidStoreUrl(
        `invalid --store: member '${member.trim()}' is not host:port (etcd://host:port,host:port)`,
      );
    }
    return `http://${m[1]}:${port}`;
  });
  let auth: EtcdStoreAddress["auth"];
  if (credentials !== undefined) {
    const colon = credentials.indexOf(":");
    if (colon <= 0)
      throw new InvalidStoreUrl("invalid --store: credentials must be user:password@");
    auth = {
      username: decodeURIComponent(credentials.slice(0, colon)),
      password: decodeURIComponent(credentials.slice(colon + 1)),
    };
  }
  const prefix = path === undefined || path === "/" ? DEFAULT_ETCD_PREFIX : withSlash(path);
  const display = `etcd://${auth === undefined ? "" : `${auth.username}:***@`}${members}${prefix === DEFAULT_ETCD_PREFIX ? "" : prefix}`;
  return { hosts, prefix, display, ...(auth === undefined ? {} : { auth }) };
}

function withSlash(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}
