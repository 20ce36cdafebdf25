import {
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { LambdaRequestSchema, LambdaResponseSchema } from "@soe/proto";
import { decodeUnaryEnvelope, encodeEnvelope } from "../src/grpc-envelope.js";

/** Answers one request stream, once its body has been read. */
export type RawHandler = (
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  body: Buffer,
) => void;

export interface RawH2Server {
  /** `host:port` */
  readonly endpoint: string;
  /** `http://host:port`, as node:http2's connect takes it. */
  readonly authority: string;
  /** The request headers of every stream, in order. */
  readonly streams: IncomingHttpHeaders[];
  /** The server's side of every connection. */
  readonly sessions: ServerHttp2Session[];
  close(): Promise<void>;
}

/**
 * A bare node:http2 server on a loopback port 0, for holding clients to the protocol byte by
 * byte (what a stock server would never send, it can).
 */
export async function startRawH2Server(handler: RawHandler): Promise<RawH2Server> {
  const server: Http2Server = createServer();
  const streams: IncomingHttpHeaders[] = [];
  const sessions: ServerHttp2Session[] = [];
  server.on("session", (session) => sessions.push(session));
  server.on("stream", (stream, headers) => {
    streams.push(headers);
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => handler(stream, headers, Buffer.concat(chunks)));
    stream.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const endpoint = `127.0.0.1:${address.port}`;
  return {
    endpoint,
    authority: `http://${endpoint}`,
    streams,
    sessions,
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers RunLambda with the input upper-cased, a response header and a trailer. */
export const lambdaEcho: RawHandler = (stream, _headers, body) => {
  const request = fromBinary(LambdaRequestSchema, decodeUnaryEnvelope(body));
  stream.respond(
    { ":status": 200, "content-type": "application/grpc+proto", "x-resp": "h" },
    { waitForTrailers: true },
  );
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "x-trail": "t" }));
  const response = create(LambdaResponseSchema, {
    retcode: "OK",
    output: request.input.toUpperCase(),
  });
  stream.end(encodeEnvelope(toBinary(LambdaResponseSchema, response)));
};
