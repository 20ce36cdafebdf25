import type { Socket } from "node:net";

const http2Preface = Buffer.from("PRI * HTTP/2.0");

/** Whether the first bytes of a cleartext connection begin the HTTP/2 client preface. */
export function startsHttp2Preface(first: Buffer): boolean {
  const n = Math.min(first.byteLength, http2Preface.byteLength);
  return n > 0 && first.subarray(0, n).equals(http2Preface.subarray(0, n));
}

/**
 * Sorts a cleartext connection by its first bytes: HTTP/2 (prior knowledge, the client preface)
 * or HTTP/1.1. Bytes are gathered until they decide (an HTTP/1.1 `POST` also begins with "P").
 * A connection that does not say enough within `silenceMs` is closed, since neither server has
 * seen it yet and so neither would time it out.
 */
export function sortCleartext(
  socket: Socket,
  silenceMs: number,
  dispatch: (socket: Socket, http2: boolean) => void,
): void {
  // Until a protocol server owns the socket nothing else listens for its errors, and an
  // unhandled 'error' (a client resetting mid-sniff: ECONNRESET) would kill the process.
  const failed = () => socket.destroy();
  socket.on("error", failed);
  const silent = () => socket.destroy();
  socket.setTimeout(silenceMs, silent);
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = seen.byteLength === 0 ? chunk : Buffer.concat([seen, chunk]);
    const http2 = startsHttp2Preface(seen);
    if (http2 && seen.byteLength < http2Preface.byteLength) return;
    socket.off("data", onData);
    socket.off("error", failed);
    socket.setTimeout(0);
    socket.off("timeout", silent);
    socket.pause();
    socket.unshift(seen);
    dispatch(socket, http2);
    // HTTP/1.1 reads the put-back bytes from the stream, so it must flow again; HTTP/2 reads
    // them itself and then the socket's handle directly (resuming would lose them).
    if (!http2) socket.resume();
  };
  socket.on("data", onData);
}
