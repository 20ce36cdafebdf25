import { ErrorText, KeyRing, newActivationId } from "@soe/openwhisk";
import { Hono } from "hono";
import { ActionRunner } from "./action-runner.js";
import { ActivationStore } from "./activation-store.js";
import { NODEJS_KIND } from "./entity-content.js";
import { EntityStore } from "./entity-store.js";
import { Invoker } from "./invoker.js";
import { authenticate } from "./middleware/authenticate.js";
import { transaction } from "./middleware/transaction.js";
import type { MockEnv } from "./mock-env.js";
import {
  type OpenWhiskMockOptions,
  type ResolvedMockOptions,
  resolveMockOptions,
} from "./mock-options.js";
import { errorResponse } from "./responses.js";
import { registerActionRoutes } from "./routes/action-routes.js";
import { registerActivationRoutes } from "./routes/activation-routes.js";
import { registerInfoRoutes } from "./routes/info-routes.js";
import { registerPackageRoutes } from "./routes/package-routes.js";
import { registerTriggerRuleRoutes } from "./routes/trigger-rule-routes.js";
import { isSampleActionName, sampleActionNames, sampleActions } from "./sample-actions.js";
import { TriggerRuleStore } from "./trigger-rule-store.js";
import { installWhiskSystemCatalog } from "./whisk-system-catalog.js";

export interface OpenWhiskMock {
  readonly app: Hono<MockEnv>;
  readonly entities: EntityStore;
  readonly triggersAndRules: TriggerRuleStore;
  readonly activations: ActivationStore;
  readonly options: ResolvedMockOptions;
  /** Activations running right now. */
  running(): number;
  /** Ends running activations and releases process hooks; call when the server stops. */
  close(): void;
}

function preload(entities: EntityStore, options: ResolvedMockOptions): void {
  for (const name of options.preload) {
    if (!isSampleActionName(name)) {
      throw new RangeError(
        `unknown sample action '${name}'; known: ${sampleActionNames.join(", ")}`,
      );
    }
    for (const namespace of options.keys.keys()) {
      entities.putAction(
        namespace,
        undefined,
        name,
        { exec: { kind: "nodejs:20", code: sampleActions[name] } },
        true,
      );
    }
  }
}

/** The mock OpenWhisk as a hono app, with the stores behind it (tests read them directly). */
export function createOpenWhiskMock(input: OpenWhiskMockOptions = {}): OpenWhiskMock {
  const options = resolveMockOptions(input);
  // The mock has always taken any namespace name from its keys; the proxy checks them.
  const keys = new KeyRing(options.keys, { checkNamespaceNames: false });
  const entities = new EntityStore(options.clock, {
    concurrency: 1,
    logs: 10,
    memory: 256,
    timeout: options.actionTimeLimitMs,
  });
  // Like a deployed OpenWhisk's catalog: there whatever the keys, public to every namespace.
  installWhiskSystemCatalog(entities, NODEJS_KIND);
  preload(entities, options);
  const triggersAndRules = new TriggerRuleStore(
    options.clock,
    (action) => entities.resolveComponent(`/${action.path}/${action.name}`) !== undefined,
  );
  const activations = new ActivationStore(options.maxActivations);
  const runner = new ActionRunner({
    clock: options.clock,
    maxResultBytes: options.maxResultBytes,
    maxLogBytes: options.maxLogBytes,
  });
  const invoker = new Invoker(runner, activations, options.clock, newActivationId, (component) =>
    entities.resolveComponent(component),
  );

  const app = new Hono<MockEnv>();
  app.use("*", transaction);
  app.use("/api/v1/namespaces", authenticate(keys));
  app.use("/api/v1/namespaces/*", authenticate(keys));
  registerInfoRoutes(app);
  registerActionRoutes(app, { store: entities, invoker, options });
  registerPackageRoutes(app, { store: entities, options });
  registerTriggerRuleRoutes(app, { store: triggersAndRules, options });
  registerActivationRoutes(app, { store: activations });
  app.notFound((c) => errorResponse(c, 404, ErrorText.noRoute));
  // Mounted under serve()'s root app, whose own not-found would answer first.
  app.all("*", (c) => errorResponse(c, 404, ErrorText.noRoute));
  app.onError((_error, c) => errorResponse(c, 500, ErrorText.internal));

  const close = () => runner.close();
  input.signal?.addEventListener("abort", close, { once: true });
  return {
    app,
    entities,
    triggersAndRules,
    activations,
    options,
    running: () => runner.running,
    close,
  };
}

/**
 * Just the hono app. Running activations and the process hook of the action runner are
 * released when `options.signal` aborts; {@link createOpenWhiskMock} gives a `close()` instead.
 */
export function createOpenWhiskApp(options: OpenWhiskMockOptions = {}): Hono<MockEnv> {
  return createOpenWhiskMock(options).app;
}
