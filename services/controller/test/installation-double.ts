import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { EdgeController, soev1 } from "@soe/proto";
import { controlAuthInterceptor, createTransport, serve } from "@soe/runtime";

/** One entity as the double holds it. */
export interface HeldEntity {
  readonly ref: soev1.EntityRef;
  readonly document: Uint8Array;
  /** The `soe-digest` annotation; "" for an entity the domain did not deploy. */
  readonly digest: string;
  readonly version: string;
}

export interface InstallationDouble {
  readonly endpoint: string;
  /** Entity path (`action guest/pkg/name`) → what is held. */
  readonly held: Map<string, HeldEntity>;
  /** Every call, `apply action guest/x`, `remove …`, `list ACTION`. */
  readonly calls: string[];
  /** Answers every call with this error when set. */
  failing: ConnectError | undefined;
  close(): Promise<void>;
}

export function entityPath(ref: soev1.EntityRef | undefined): string {
  if (ref === undefined) return "?";
  const kind = soev1.EntityKind[ref.kind]?.toLowerCase();
  return `${kind} ${ref.namespace}/${ref.package === "" ? "" : `${ref.package}/`}${ref.name}`;
}

/**
 * A TEST DOUBLE of the wsk-computer's soe.v1.InstallationService (built concurrently in
 * services/wsk-computer): an OpenWhisk installation held in a Map. Like the real one it needs the
 * control-plane token, tags applied entities with their digest, and, when told where the
 * controller is, announces its actions (as lambdas) before answering an action's ApplyEntity.
 */
export async function startInstallationDouble(options: {
  endpoint?: string;
  namespace?: string;
  labels?: Record<string, string>;
  token?: string;
  /** Controller to announce actions to, as a wsk-computer does. */
  announceTo?: string;
}): Promise<InstallationDouble> {
  const namespace = options.namespace ?? "guest";
  const held = new Map<string, HeldEntity>();
  const calls: string[] = [];
  const double = { held, calls, failing: undefined as ConnectError | undefined };
  const announcer =
    options.announceTo === undefined
      ? undefined
      : createTransport(options.announceTo, options.token ? { token: options.token } : {});
  let announcedEndpoint = "";
  const announce = async () => {
    if (announcer === undefined) return;
    const actions = [...held.values()].filter((e) => e.ref.kind === soev1.EntityKind.ACTION);
    await createClient(EdgeController, announcer).announceComputer({
      edgeServerEndpoint: announcedEndpoint,
      containers: actions.map((a) => ({
        name: a.ref.name,
        processor: "openwhisk",
        lambda: `/${a.ref.namespace}/${a.ref.package === "" ? "" : `${a.ref.package}/`}${a.ref.name}`,
        numWorkers: 1,
      })),
    });
  };
  const check = () => {
    if (double.failing !== undefined) throw double.failing;
  };
  const server = await serve({
    name: "installation-double",
    drainTimeoutMs: 100,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    interceptors: [controlAuthInterceptor({ token: options.token })],
    routes: (router) =>
      router.service(soev1.InstallationService, {
        describeInstallation: () => ({ namespace, labels: options.labels ?? {} }),
        async applyEntity({ entity }) {
          check();
          if (entity?.ref === undefined) throw new ConnectError("no entity", Code.InvalidArgument);
          const path = entityPath(entity.ref);
          calls.push(`apply ${path}`);
          const before = held.get(path);
          const version =
            before === undefined ? "0.0.1" : `0.0.${Number(before.version.split(".")[2]) + 1}`;
          held.set(path, {
            ref: entity.ref,
            document: entity.document,
            digest: entity.digest,
            version,
          });
          if (entity.ref.kind === soev1.EntityKind.ACTION) await announce();
          return { installedVersion: version };
        },
        async removeEntity({ ref }) {
          check();
          const path = entityPath(ref);
          calls.push(`remove ${path}`);
          const existed = held.delete(path);
          if (ref?.kind === soev1.EntityKind.ACTION) await announce();
          return { existed };
        },
        listInstalledEntities({ kind }) {
          check();
          calls.push(`list ${soev1.EntityKind[kind]}`);
          return {
            entities: [...held.values()]
              .filter((e) => e.ref.kind === kind)
              .map((e) =>
                create(soev1.InstalledEntitySchema, {
                  ref: e.ref,
                  digest: e.digest,
                  version: e.version,
                  summary: new TextEncoder().encode(
                    JSON.stringify({ name: e.ref.name, version: e.version }),
                  ),
                }),
              ),
          };
        },
      }),
  });
  announcedEndpoint = server.endpoint;
  return Object.assign(double, {
    endpoint: server.endpoint,
    async close() {
      await server.close();
      announcer?.close();
    },
  });
}

/** An entity the domain did not deploy, put there by someone with the installation's key. */
export function foreignEntity(kind: soev1.EntityKind, name: string, pkg = ""): HeldEntity {
  return {
    ref: create(soev1.EntityRefSchema, { kind, namespace: "guest", package: pkg, name }),
    document: new TextEncoder().encode("{}"),
    digest: "",
    version: "0.0.1",
  };
}
