import type { ActivationStatus, ActivationStatusCode } from "./activation-status.js";

/** Parameters and annotations travel as ordered key/value lists. */
export interface KeyValue {
  readonly key: string;
  readonly value: unknown;
}

export interface ActionLimits {
  readonly timeout?: number;
  readonly memory?: number;
  readonly logs?: number;
  readonly concurrency?: number;
}

export interface ActionExec {
  readonly kind: string;
  readonly code?: string;
  readonly image?: string;
  readonly main?: string;
  readonly binary?: boolean;
  readonly components?: readonly string[];
}

/** `GET .../actions/{name}`: the whole action (`exec.code` omitted with `?code=false`). */
export interface ActionDescription {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly exec: ActionExec;
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly limits: ActionLimits;
  readonly updated?: number;
}

/**
 * One element of `GET .../actions`: no code, no parameters. `namespace` is `ns/pkg` for actions
 * inside a package; the runtime kind is only in the `exec` annotation.
 */
export interface ActionSummary {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly exec?: { readonly binary: boolean };
  readonly annotations: readonly KeyValue[];
  readonly limits?: ActionLimits;
  readonly updated: number;
}

export interface PackageDescription {
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly binding:
    | Readonly<Record<string, never>>
    | { readonly namespace: string; readonly name: string };
  readonly parameters: readonly KeyValue[];
  readonly annotations: readonly KeyValue[];
  readonly updated?: number;
  /** Present on `GET .../packages/{name}`. */
  readonly actions?: readonly {
    readonly name: string;
    readonly version: string;
    readonly annotations: readonly KeyValue[];
  }[];
}

/** `response` of an activation; the internal numeric status code is never part of it. */
export interface ActivationResponse {
  readonly status: ActivationStatus;
  readonly success: boolean;
  readonly result?: unknown;
  readonly size?: number;
}

export interface ActivationRecord {
  readonly activationId: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly subject: string;
  readonly publish: boolean;
  readonly start: number;
  readonly end?: number;
  readonly duration?: number;
  readonly cause?: string;
  readonly response: ActivationResponse;
  readonly logs: readonly string[];
  readonly annotations: readonly KeyValue[];
}

/** An element of `GET .../activations` without `docs=true`. */
export interface ActivationSummary {
  readonly activationId: string;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  readonly publish: boolean;
  readonly annotations: readonly KeyValue[];
  readonly start: number;
  readonly end?: number;
  readonly duration?: number;
  readonly cause?: string;
  readonly statusCode?: ActivationStatusCode;
}

/** Every OpenWhisk error: `code` is the transaction id (also the `X-Request-ID` header), opaque. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Old servers sent a numeric `code`; both count, as for the Go client which needs both keys. */
export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    isObject(value) &&
    typeof value.error === "string" &&
    (typeof value.code === "string" || typeof value.code === "number")
  );
}

export function isActivationRecord(value: unknown): value is ActivationRecord {
  return (
    isObject(value) &&
    typeof value.activationId === "string" &&
    isObject(value.response) &&
    typeof value.response.status === "string"
  );
}

export function isActionSummary(value: unknown): value is ActionSummary {
  return isObject(value) && typeof value.name === "string" && typeof value.namespace === "string";
}
