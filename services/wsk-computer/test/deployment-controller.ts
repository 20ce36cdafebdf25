import { EdgeController, soev1 } from "@soe/proto";
import { controlAuthInterceptor, serve } from "@soe/runtime";

export interface Registration {
  readonly endpoint: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly leaseTtlMs: number;
}

export interface DeploymentController {
  readonly endpoint: string;
  /** Lambdas of the last AnnounceComputer, undefined before the first. */
  lastLambdas(): string[] | undefined;
  readonly registrations: Registration[];
  readonly unregistered: string[];
  close(): Promise<void>;
}

/**
 * A controller for the installation's tests, served by @soe/runtime like the real one: it takes
 * announcements and installation registrations (both behind the token when one is given) and
 * remembers them; the rest of DeploymentService is left unimplemented, as is not needed here.
 */
export async function startDeploymentController(
  options: { token?: string } = {},
): Promise<DeploymentController> {
  let lambdas: string[] | undefined;
  const registrations: Registration[] = [];
  const unregistered: string[] = [];
  const server = await serve({
    name: "deployment-controller",
    routes: (router) => {
      router.service(EdgeController, {
        announceComputer(info) {
          lambdas = info.containers.map((container) => container.lambda);
          return {};
        },
        removeComputer() {
          lambdas = [];
          return {};
        },
      });
      router.service(soev1.DeploymentService, {
        registerInstallation(request) {
          registrations.push({
            endpoint: request.endpoint,
            namespace: request.namespace,
            labels: { ...request.labels },
            leaseTtlMs: request.leaseTtlMs,
          });
          return {};
        },
        unregisterInstallation(request) {
          unregistered.push(request.endpoint);
          return {};
        },
      });
    },
    interceptors: [controlAuthInterceptor({ token: options.token })],
  });
  return {
    endpoint: server.endpoint,
    lastLambdas: () => lambdas,
    registrations,
    unregistered,
    close: () => server.close(),
  };
}
