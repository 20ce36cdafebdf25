import { type ActionName, DEFAULT_NAMESPACE, mustParseActionName } from "./action-name.js";
import { parseApiRoot } from "./api-root.js";
import {
  type ActionSummary,
  type ActivationRecord,
  isActionSummary,
  isActivationRecord,
  isErrorBody,
} from "./api-types.js";
import { basicAuthorization } from "./auth.js";
import { OpenWhiskHttpError, OpenWhiskProtocolError } from "./errors.js";
import { type ExchangeResponse, HttpExchange } from "./http-exchange.js";
import { classifyInvokeResponse, type InvokeOutcome } from "./invoke-outcome.js";
import { MAX_PAGE_SIZE, walkPages } from "./pagination.js";

export interface OpenWhiskClientOptions {
  /** `http://127.0.0.1:3233`, `https://host`, or either ending in `/api/v1`. */
  readonly apiRoot: string;
  /** `uuid:key`, or its base64 encoding (as the reference's `--wsk-auth` takes it). */
  readonly auth: string;
  /** Skip TLS certificate verification. Off unless asked: the reference never verified. */
  readonly insecure?: boolean;
  /**
   * Deadline of each call, connect to last byte. The default outlasts OpenWhisk's 60 s blocking
   * wait, so a slow blocking invocation turns into the server's 202 rather than our timeout.
   */
  readonly timeoutMs?: number;
  readonly maxSockets?: number;
  /** Responses above this are refused (activation records with logs can be large). */
  readonly maxResponseBytes?: number;
}

export interface InvokeOptions {
  /** Wait for the activation to finish; default false, as in OpenWhisk. */
  readonly blocking?: boolean;
  /** With `blocking`, answer only the action's result. */
  readonly result?: boolean;
  /** Client-side deadline of this call, overriding the client's. */
  readonly timeoutMs?: number;
  /** The server's blocking wait (`timeout` query parameter), 1..60000 ms; the server's default is 60000. */
  readonly waitMs?: number;
  /** Extra request headers (W3C `traceparent`/`tracestate` of the caller's span). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ListActionsOptions {
  /** Only the actions of this package (`GET .../actions/{pkg}/`); default every action. */
  readonly packageName?: string;
  /** Page size, 1..200 (default 200, OpenWhisk's maximum). All pages are fetched. */
  readonly limit?: number;
  /** Refuse (OpenWhiskProtocolError) listings longer than this; default 100000. */
  readonly maxItems?: number;
  readonly timeoutMs?: number;
}

export interface CallOptions {
  readonly timeoutMs?: number;
}

/** The entity collections of a namespace the client manages. */
export type EntityCollection = "actions" | "packages" | "triggers" | "rules";

/**
 * Which entity: `packageName` only for actions (`/actions/{pkg}/{name}`). The namespace may be
 * `_`, which OpenWhisk resolves to the key's own.
 */
export interface EntityAddress {
  readonly namespace: string;
  readonly packageName?: string | undefined;
  readonly name: string;
}

/** An entity as OpenWhisk answers it (`GET`, `PUT`, `DELETE`, or an element of a listing). */
export type EntityJson = Readonly<Record<string, unknown>>;

export interface ListEntitiesOptions {
  /** Page size, 1..200 (default 200). All pages are fetched. */
  readonly limit?: number;
  /** Refuse (OpenWhiskProtocolError) listings longer than this; default 100000. */
  readonly maxItems?: number;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 70_000;
const DEFAULT_MAX_SOCKETS = 64;
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const IDLE_SOCKET_MS = 15_000;
const ACTIVATION_ID_HEADER = "x-openwhisk-activation-id";

function segment(value: string): string {
  return encodeURIComponent(value);
}

function actionPath(name: ActionName): string {
  const pkg = name.packageName === undefined ? "" : `${segment(name.packageName)}/`;
  return `/api/v1/namespaces/${segment(name.namespace)}/actions/${pkg}${segment(name.name)}`;
}

function entityUrlPath(collection: EntityCollection, address: EntityAddress): string {
  if (address.packageName !== undefined && collection !== "actions") {
    throw new TypeError(`only actions live in packages, not ${collection}`);
  }
  const pkg = address.packageName === undefined ? "" : `${segment(address.packageName)}/`;
  return `/api/v1/namespaces/${segment(address.namespace)}/${collection}/${pkg}${segment(address.name)}`;
}

function isJsonObject(value: unknown): value is EntityJson {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNamedEntity(value: unknown): value is EntityJson {
  return (
    isJsonObject(value) && typeof value.name === "string" && typeof value.namespace === "string"
  );
}

function headerValue(response: ExchangeResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The OpenWhisk REST calls our services make: invoke, list actions, read activations, and
 * create, read, replace, delete and list entities (actions, packages, triggers, rules).
 */
export class OpenWhiskClient {
  readonly apiRoot: string;
  readonly #exchange: HttpExchange;
  readonly #timeoutMs: number;

  constructor(options: OpenWhiskClientOptions) {
    const root = parseApiRoot(options.apiRoot);
    this.apiRoot = root.display;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#exchange = new HttpExchange({
      root,
      authorization: basicAuthorization(options.auth),
      insecure: options.insecure === true,
      maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      idleSocketMs: IDLE_SOCKET_MS,
    });
  }

  /**
   * Invokes an action. Resolves with the outcome for 200, 202, and for 502/500 that carry an
   * activation (the action failed, OpenWhisk worked); rejects with {@link OpenWhiskHttpError}
   * for every other status.
   */
  async invoke(
    name: string | ActionName,
    params: Readonly<Record<string, unknown>> = {},
    options: InvokeOptions = {},
  ): Promise<InvokeOutcome> {
    const action = typeof name === "string" ? mustParseActionName(name) : name;
    const blocking = options.blocking === true;
    const result = blocking && options.result === true;
    // Both flags always go out, as the wsk CLI sends them: explicit beats server defaults.
    let query = `?blocking=${blocking}&result=${result}`;
    if (options.waitMs !== undefined) query += `&timeout=${options.waitMs}`;
    const path = actionPath(action) + query;
    const response = await this.#exchange.send({
      method: "POST",
      path,
      body: params,
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    });
    const url = this.#exchange.displayUrl(path);
    if (response.jsonError !== undefined && response.status < 300) {
      throw new OpenWhiskProtocolError(
        "POST",
        url,
        `body is not JSON: ${response.jsonError}`,
        response.status,
      );
    }
    const classified = classifyInvokeResponse({
      status: response.status,
      activationIdHeader: headerValue(response, ACTIVATION_ID_HEADER),
      json: response.json,
      resultRequested: result,
    });
    if (classified.ok) return classified.outcome;
    if (classified.failure === "protocol") {
      throw new OpenWhiskProtocolError("POST", url, classified.reason, response.status);
    }
    throw new OpenWhiskHttpError(
      "POST",
      url,
      response.status,
      classified.errorBody,
      headerValue(response, "x-request-id"),
    );
  }

  /**
   * Every action of a namespace (including those inside its packages), fetched page by page
   * until a short page.
   */
  async listActions(
    namespace: string = DEFAULT_NAMESPACE,
    options: ListActionsOptions = {},
  ): Promise<ActionSummary[]> {
    const pageSize = options.limit ?? MAX_PAGE_SIZE;
    const maxItems = options.maxItems ?? 100_000;
    // A package's actions are listed below it with a trailing slash, as the wsk CLI does.
    const base =
      options.packageName === undefined
        ? `/api/v1/namespaces/${segment(namespace)}/actions`
        : `/api/v1/namespaces/${segment(namespace)}/actions/${segment(options.packageName)}/`;
    const walked = await walkPages<ActionSummary>({
      pageSize,
      maxItems,
      keyOf: (action) => `${action.namespace}/${action.name}`,
      fetchPage: async (skip, limit) => {
        const path = `${base}?limit=${limit}&skip=${skip}`;
        const json = await this.#getJson(path, options.timeoutMs);
        if (!Array.isArray(json) || !json.every(isActionSummary)) {
          const url = this.#exchange.displayUrl(path);
          throw new OpenWhiskProtocolError("GET", url, "action list is not an array of actions");
        }
        return json;
      },
    });
    if (walked.truncated) {
      const url = this.#exchange.displayUrl(base);
      throw new OpenWhiskProtocolError("GET", url, `more than ${maxItems} actions listed`);
    }
    return walked.items;
  }

  /**
   * Creates or replaces an entity (`PUT ...?overwrite=true`) with `document` as the body (exec,
   * parameters, annotations, limits, publish, binding...), and resolves with the entity as
   * OpenWhisk stored it (its `version` included). Any other status than 200 rejects with
   * {@link OpenWhiskHttpError} carrying the status and OpenWhisk's error text.
   */
  async putEntity(
    collection: EntityCollection,
    address: EntityAddress,
    document: EntityJson,
    options: CallOptions = {},
  ): Promise<EntityJson> {
    const path = `${entityUrlPath(collection, address)}?overwrite=true`;
    return this.#entityJson("PUT", path, document, options.timeoutMs);
  }

  /** The entity (actions with their code); 404 as {@link OpenWhiskHttpError}. */
  async getEntity(
    collection: EntityCollection,
    address: EntityAddress,
    options: CallOptions = {},
  ): Promise<EntityJson> {
    return this.#entityJson(
      "GET",
      entityUrlPath(collection, address),
      undefined,
      options.timeoutMs,
    );
  }

  /**
   * Deletes an entity and resolves with what was deleted; an absent one rejects with
   * {@link OpenWhiskHttpError} 404, a package that still holds actions with 409.
   */
  async deleteEntity(
    collection: EntityCollection,
    address: EntityAddress,
    options: CallOptions = {},
  ): Promise<EntityJson> {
    const path = entityUrlPath(collection, address);
    return this.#entityJson("DELETE", path, undefined, options.timeoutMs);
  }

  /**
   * Every entity of a collection in a namespace, page by page, as listed (summaries: no code,
   * no parameters). Actions come with those inside packages, as {@link listActions} gives them.
   */
  async listEntities(
    collection: EntityCollection,
    namespace: string = DEFAULT_NAMESPACE,
    options: ListEntitiesOptions = {},
  ): Promise<EntityJson[]> {
    const pageSize = options.limit ?? MAX_PAGE_SIZE;
    const maxItems = options.maxItems ?? 100_000;
    const base = `/api/v1/namespaces/${segment(namespace)}/${collection}`;
    const walked = await walkPages<EntityJson>({
      pageSize,
      maxItems,
      keyOf: (entity) => `${String(entity.namespace)}/${String(entity.name)}`,
      fetchPage: async (skip, limit) => {
        const path = `${base}?limit=${limit}&skip=${skip}`;
        const json = await this.#getJson(path, options.timeoutMs);
        if (!Array.isArray(json) || !json.every(isNamedEntity)) {
          const url = this.#exchange.displayUrl(path);
          throw new OpenWhiskProtocolError(
            "GET",
            url,
            `${collection} list is not an array of entities`,
          );
        }
        return json;
      },
    });
    if (walked.truncated) {
      const url = this.#exchange.displayUrl(base);
      throw new OpenWhiskProtocolError("GET", url, `more than ${maxItems} ${collection} listed`);
    }
    return walked.items;
  }

  /** The namespaces of the key (`GET /api/v1/namespaces`): one, the key's own, on OpenWhisk. */
  async listNamespaces(options: CallOptions = {}): Promise<string[]> {
    const path = "/api/v1/namespaces";
    const json = await this.#getJson(path, options.timeoutMs);
    if (!Array.isArray(json) || !json.every((n) => typeof n === "string")) {
      const url = this.#exchange.displayUrl(path);
      throw new OpenWhiskProtocolError("GET", url, "namespace list is not an array of names", 200);
    }
    return json;
  }

  /** The activation record; 404 (as OpenWhiskHttpError) until the activation has finished. */
  async getActivation(
    namespace: string,
    activationId: string,
    options: CallOptions = {},
  ): Promise<ActivationRecord> {
    const path = `/api/v1/namespaces/${segment(namespace)}/activations/${segment(activationId)}`;
    const json = await this.#getJson(path, options.timeoutMs);
    if (!isActivationRecord(json)) {
      const url = this.#exchange.displayUrl(path);
      throw new OpenWhiskProtocolError("GET", url, "not an activation record", 200);
    }
    return json;
  }

  /** Closes pooled sockets. The client must not be used afterwards. */
  close(): void {
    this.#exchange.close();
  }

  toString(): string {
    return `OpenWhiskClient(${this.apiRoot})`;
  }

  #getJson(path: string, timeoutMs: number | undefined): Promise<unknown> {
    return this.#json("GET", path, undefined, timeoutMs);
  }

  async #entityJson(
    method: "GET" | "PUT" | "DELETE",
    path: string,
    body: EntityJson | undefined,
    timeoutMs: number | undefined,
  ): Promise<EntityJson> {
    const json = await this.#json(method, path, body, timeoutMs);
    if (!isJsonObject(json)) {
      const url = this.#exchange.displayUrl(path);
      throw new OpenWhiskProtocolError(method, url, "the entity is not a JSON object", 200);
    }
    return json;
  }

  /** One exchange whose only success is 200 with a JSON body. */
  async #json(
    method: "GET" | "PUT" | "DELETE",
    path: string,
    body: unknown,
    timeoutMs: number | undefined,
  ): Promise<unknown> {
    const response = await this.#exchange.send({
      method,
      path,
      ...(body === undefined ? {} : { body }),
      timeoutMs: timeoutMs ?? this.#timeoutMs,
    });
    const url = this.#exchange.displayUrl(path);
    if (response.status !== 200) {
      const errorBody = isErrorBody(response.json) ? response.json : undefined;
      throw new OpenWhiskHttpError(
        method,
        url,
        response.status,
        errorBody,
        headerValue(response, "x-request-id"),
      );
    }
    if (response.json === undefined) {
      const reason =
        response.jsonError === undefined ? "empty body" : `body is not JSON: ${response.jsonError}`;
      throw new OpenWhiskProtocolError(method, url, reason, response.status);
    }
    return response.json;
  }
}
