import { type RunningServer, type Routes, serve } from "@soe/runtime";
import { afterEach } from "vitest";

/** A TextSink that keeps what was written. */
export class Collector {
  text = "";
  write(text: string): boolean {
    this.text += text;
    return true;
  }
  lines(): string[] {
    return this.text.split("\n").filter((line) => line !== "");
  }
}

export function collectors() {
  return { out: new Collector(), err: new Collector() };
}

const running: RunningServer[] = [];

/** Serves fake services on a loopback port, closed after each test. */
export async function serveFake(routes: Routes): Promise<RunningServer> {
  const server = await serve({ name: "fake", endpoint: "127.0.0.1:0", routes });
  running.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** An end-point nothing listens on: a server started and closed at once. */
export async function deadEndpoint(): Promise<string> {
  const server = await serve({ name: "dead", endpoint: "127.0.0.1:0" });
  await server.close();
  return server.endpoint;
}
