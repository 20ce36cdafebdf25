/**
 * How a bench child (echo server, hop) talks to the bench: the upstream end-point comes as the
 * first argument, the listening port goes out as the first line on stdout. Children import it as
 * `@soe/bench/child`, so a process under test loads nothing else of the harness.
 */

export function upstreamFromArgs(): string {
  const upstream = process.argv[2];
  if (upstream === undefined || !/^[\w.-]+:\d+$/.test(upstream)) {
    throw new Error(`usage: ${process.argv[1]} <upstream host:port> (got ${String(upstream)})`);
  }
  return upstream;
}

/**
 * Reports the port, then ends with the parent: stdin is a pipe from the bench, so its end means
 * the bench is gone, even if it was killed with SIGKILL and could not stop its children itself.
 */
export function announceListening(port: number): void {
  process.stdout.write(`${port}\n`);
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}
