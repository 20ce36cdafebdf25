import { create } from "@bufbuild/protobuf";
import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { soev1 } from "@soe/proto";

/**
 * Deadline of a change (put, delete): longer than the controller's wait for the routers' routes
 * (5 s) plus its applies to every installation, so that the controller, not this deadline,
 * decides how a slow installation is reported.
 */
export const CHANGE_TIMEOUT_MS = 15_000;
/** Deadline of a read of the desired or installed state. */
export const READ_TIMEOUT_MS = 5_000;

export type DeploymentClient = Client<typeof soev1.DeploymentService>;

export function createDeploymentClient(transport: Transport): DeploymentClient {
  return createClient(soev1.DeploymentService, transport);
}

/** An entity of the domain by what the REST path names. */
export function entityRef(
  kind: soev1.EntityKind,
  namespace: string,
  name: string,
  packageName = "",
): soev1.EntityRef {
  return create(soev1.EntityRefSchema, { kind, namespace, package: packageName, name });
}

export function actionRef(namespace: string, packageName: string | undefined, name: string) {
  return entityRef(soev1.EntityKind.ACTION, namespace, name, packageName ?? "");
}

export function packageRef(namespace: string, name: string) {
  return entityRef(soev1.EntityKind.PACKAGE, namespace, name);
}

export interface DomainDeploymentOptions {
  readonly client: DeploymentClient;
  readonly changeTimeoutMs?: number;
  readonly readTimeoutMs?: number;
}

/**
 * The controller's DeploymentService as the routes use it: every call with its deadline, the
 * document as the UTF-8 JSON of a checked OpenWhisk document. Failures are ConnectErrors,
 * which the routes turn into OpenWhisk answers (deploy-answers.ts).
 */
export class DomainDeployment {
  readonly #client: DeploymentClient;
  readonly #changeTimeoutMs: number;
  readonly #readTimeoutMs: number;

  constructor(options: DomainDeploymentOptions) {
    this.#client = options.client;
    this.#changeTimeoutMs = options.changeTimeoutMs ?? CHANGE_TIMEOUT_MS;
    this.#readTimeoutMs = options.readTimeoutMs ?? READ_TIMEOUT_MS;
  }

  /** Creates (or, with `overwrite`, replaces) the entity; the document is a checked one. */
  put(ref: soev1.EntityRef, document: object, overwrite: boolean) {
    const bytes = new TextEncoder().encode(JSON.stringify(document));
    return this.#client.putEntity(
      { entity: { ref, document: bytes }, overwrite },
      { timeoutMs: this.#changeTimeoutMs },
    );
  }

  async get(ref: soev1.EntityRef): Promise<soev1.Entity | undefined> {
    const { entity } = await this.#client.getEntity({ ref }, { timeoutMs: this.#readTimeoutMs });
    return entity;
  }

  delete(ref: soev1.EntityRef) {
    return this.#client.deleteEntity({ ref }, { timeoutMs: this.#changeTimeoutMs });
  }

  /** The desired entities of a kind in a namespace (and one package's, for actions). */
  async list(kind: soev1.EntityKind, namespace: string, packageName = ""): Promise<soev1.Entity[]> {
    const { entities } = await this.#client.listEntities(
      { kind, namespace, package: packageName },
      { timeoutMs: this.#readTimeoutMs },
    );
    return entities;
  }

  /** What the installations serving the namespace hold (the union, deployed by the domain or not). */
  async listInstalled(kind: soev1.EntityKind, namespace: string): Promise<soev1.InstalledEntity[]> {
    const { entities } = await this.#client.listInstalledEntities(
      { kind, namespace },
      { timeoutMs: this.#readTimeoutMs },
    );
    return entities;
  }
}
