import type { DescMethod, DescMethodUnary, DescService } from "@bufbuild/protobuf";
import {
  type ConnectRouter,
  createMethodImplSpec,
  createServiceImplSpec,
  type MethodImpl,
  type ServiceImpl,
} from "@connectrpc/connect";
import type { UniversalHandlerOptions } from "@connectrpc/connect/protocol";

/** A unary method the lean gRPC adapter serves itself. */
export interface UnaryRoute {
  readonly procedure: string;
  readonly service: DescService;
  readonly method: DescMethodUnary;
  // biome-ignore lint/suspicious/noExplicitAny: implementations are typed per method at registration
  readonly impl: (request: any, context: any) => unknown;
}

/** Registration of service implementations, shaped like Connect's router so handlers register once. */
export type Routes = (router: ConnectRouter) => void;

/**
 * Passes every registration on to connect-node's router (which serves Connect, gRPC-Web and
 * streaming) and records the unary methods for the lean gRPC path.
 */
export function recordRoutes(
  router: ConnectRouter,
  routes: Routes | undefined,
): Map<string, UnaryRoute> {
  const unary = new Map<string, UnaryRoute>();
  const record = (method: DescMethod, impl: unknown) => {
    if (method.methodKind !== "unary" || typeof impl !== "function") return;
    const procedure = `/${method.parent.typeName}/${method.name}`;
    unary.set(procedure, {
      procedure,
      service: method.parent,
      method: method as DescMethodUnary,
      impl: impl as UnaryRoute["impl"],
    });
  };
  const recording: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service<T extends DescService>(
      service: T,
      implementation: Partial<ServiceImpl<T>>,
      handlerOptions?: Partial<UniversalHandlerOptions>,
    ) {
      const spec = createServiceImplSpec(service, implementation);
      for (const m of Object.values(spec.methods)) record(m.method, m.impl);
      router.service(service, implementation, handlerOptions);
      return recording;
    },
    rpc<M extends DescMethod>(
      method: M,
      impl: MethodImpl<M>,
      handlerOptions?: Partial<UniversalHandlerOptions>,
    ) {
      const spec = createMethodImplSpec(method, impl);
      record(spec.method, spec.impl);
      router.rpc(method, impl, handlerOptions);
      return recording;
    },
  };
  routes?.(recording);
  return unary;
}
