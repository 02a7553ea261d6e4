// The HTTP interface of a node (`--http HOST:PORT`), on node:http.
//   POST /in/<input>        a JSON array of tuples (arrays, or objects keyed by column name);
//                           answered once the tick that took them has committed:
//                           200 {"tick", "outputs", "sent"} (the stdio line's shape),
//                           409 the failed-tick line, 400 {"error": {"message"}} for bad JSON,
//                           an unknown input, a wrong arity or type; 413 over the size limit;
//                           503 when the node's queue is full (retry later)
//   GET  /out/<output>      server-sent events, one per tick that emitted the output (sse.ts)
//   GET  /state/<name>      a JSON array of the collection's tuples, sorted, §6 encoding
//   GET  /health            {"status": "ok", "node", "tick", "peers", …}
//   GET  /metrics           Prometheus text
// With a token every route requires `Authorization: Bearer <token>` (401 otherwise).
// In: requests. Out: responses; the node's work goes through the ServiceApi it is given, so this
// file knows HTTP and the program's schema, never the tick loop.

import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { decodeCollectionArrivals } from "../arrivals.ts";
import type { TickResult } from "../program.ts";
import type { CollectionSchema, ProgramSchema } from "../schema.ts";
import type { JsonValue } from "../values.ts";
import type { HostPort } from "./address.ts";
import { EventStream, HEARTBEAT_MS } from "./sse.ts";

export const MAX_REQUEST_BYTES = 1 << 20;

export interface ServiceApi {
  readonly schema: ProgramSchema;
  /** Queues checked tuples for an input; resolves with the result of the tick that took them, null when the queue is full. */
  submit(input: string, tuples: JsonValue[][]): Promise<TickResult> | null;
  /** A collection's tuples as of the last committed tick. */
  readState(name: string): Promise<JsonValue[][]>;
  subscribe(output: string, listener: (tick: number, tuples: readonly JsonValue[][]) => void): () => void;
  health(): Record<string, unknown>;
  metricsText(): string;
  countRequest(status: number): void;
}

export interface HttpOptions {
  readonly token: string | null;
  readonly logger: Logger;
  readonly maxRequestBytes?: number;
  readonly heartbeatMs?: number;
}

export interface HttpService {
  readonly address: HostPort;
  close(): Promise<void>;
}

/** Turns a request body into positional tuples: arrays as they are, objects by column name. */
export function positionalTuples(collection: CollectionSchema, body: unknown): { ok: true; tuples: unknown[] } | { ok: false; message: string } {
  if (!Array.isArray(body)) return { ok: false, message: `expected a JSON array of tuples for ${collection.name}` };
  const names = collection.columns.map((column) => column.name);
  const tuples: unknown[] = [];
  for (let i = 0; i < body.length; i++) {
    const tuple = body[i];
    if (typeof tuple !== "object" || tuple === null || Array.isArray(tuple)) {
      tuples.push(tuple);
      continue;
    }
    const record = tuple as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !names.includes(key));
    if (unknown.length > 0) return { ok: false, message: `${collection.name}, tuple ${i + 1}: no column ${unknown.map((key) => JSON.stringify(key)).join(", ")} (columns: ${names.join(", ")})` };
    const missing = names.filter((name) => !Object.hasOwn(record, name));
    if (missing.length > 0) return { ok: false, message: `${collection.name}, tuple ${i + 1}: missing column ${missing.join(", ")}` };
    tuples.push(names.map((name) => record[name]));
  }
  return { ok: true, tuples };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

export function startHttp(address: HostPort, api: ServiceApi, options: HttpOptions): Promise<HttpService> {
  const maxBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const expected = options.token === null ? null : digest(`Bearer ${options.token}`);
  const streams = new Set<EventStream>();
  const byName = new Map(api.schema.collections.map((collection) => [collection.name, collection]));

  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    api.countRequest(status);
    const text = typeof body === "string" ? body : `${JSON.stringify(body)}\n`;
    response.writeHead(status, { "content-type": typeof body === "string" ? "text/plain; version=0.0.4; charset=utf-8" : "application/json; charset=utf-8", ...headers });
    response.end(text);
  };
  const error = (response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void =>
    send(response, status, { error: { message } }, headers);

  const authorized = (request: IncomingMessage): boolean => {
    if (expected === null) return true;
    const header = request.headers.authorization;
    return typeof header === "string" && timingSafeEqual(digest(header), expected);
  };

  const readBody = (request: IncomingMessage, response: ServerResponse): Promise<string | null> =>
    new Promise((resolve) => {
      const declared = Number(request.headers["content-length"] ?? "0");
      const tooLarge = (): void => {
        error(response, 413, `request body over ${maxBytes} bytes`, { connection: "close" });
        response.on("finish", () => request.socket.destroy());
        resolve(null);
      };
      if (declared > maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      request.on("data", (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > maxBytes) {
          done = true;
          tooLarge();
          return;
        }
        chunks.push(chunk);
      });
      request.on("end", () => {
        if (!done) resolve(Buffer.concat(chunks).toString("utf8"));
      });
      request.on("error", () => {
        if (!done) resolve(null);
        done = true;
      });
    });

  const postInput = async (name: string, request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const text = await readBody(request, response);
    if (text === null) return;
    const collection = byName.get(name);
    if (collection === undefined || collection.kind !== "input") {
      return error(response, 400, collection === undefined ? `unknown input ${JSON.stringify(name)}` : `${name} is a ${collection.kind}, not an input`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (problem) {
      return error(response, 400, `not JSON: ${(problem as Error).message}`);
    }
    const positional = positionalTuples(collection, body);
    if (!positional.ok) return error(response, 400, positional.message);
    const decoded = decodeCollectionArrivals(collection, positional.tuples);
    if (!decoded.ok) return error(response, 400, decoded.message);
    const pending = api.submit(name, positional.tuples as JsonValue[][]);
    if (pending === null) return error(response, 503, "the node's queue is full; retry later", { "retry-after": "1" });
    const result = await pending;
    if (result.failed) return send(response, 409, result);
    send(response, 200, { tick: result.tick, outputs: result.outputs, sent: result.sent });
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://node");
    const parts = url.pathname.split("/").filter((part) => part !== "");
    const method = request.method ?? "GET";
    if (!authorized(request)) return error(response, 401, "missing or wrong bearer token", { "www-authenticate": 'Bearer realm="hydro"' });
    const only = (allowed: string): boolean => {
      if (method === allowed) return true;
      error(response, 405, `use ${allowed}`, { allow: allowed });
      return false;
    };
    let name: string | undefined;
    try {
      name = parts[1] === undefined ? undefined : decodeURIComponent(parts[1]);
    } catch {
      return error(response, 400, "bad percent-encoding in the path");
    }
    if (parts.length === 1 && parts[0] === "health") return void (only("GET") && send(response, 200, api.health()));
    if (parts.length === 1 && parts[0] === "metrics") return void (only("GET") && send(response, 200, api.metricsText()));
    if (parts.length === 2 && parts[0] === "in") return void (only("POST") && (await postInput(name!, request, response)));
    if (parts.length === 2 && parts[0] === "state") {
      if (!only("GET")) return;
      if (!byName.has(name!)) return error(response, 404, `unknown collection ${JSON.stringify(name)}`);
      return send(response, 200, await api.readState(name!));
    }
    if (parts.length === 2 && parts[0] === "out") {
      if (!only("GET")) return;
      if (byName.get(name!)?.kind !== "output") return error(response, 404, `unknown output ${JSON.stringify(name)}`);
      api.countRequest(200);
      let unsubscribe = (): void => {};
      const stream = new EventStream(response, () => {
        streams.delete(stream);
        unsubscribe();
      }, options.heartbeatMs ?? HEARTBEAT_MS);
      streams.add(stream);
      unsubscribe = api.subscribe(name!, (tick, tuples) => stream.send(tick, name!, tuples));
      return;
    }
    error(response, 404, `no route ${method} ${url.pathname}`);
  };

  const server: Server = createServer((request, response) => {
    route(request, response).catch((problem: unknown) => {
      options.logger.error({ err: problem }, "HTTP handler failed");
      if (!response.headersSent) error(response, 500, "internal error");
      else response.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => {
      server.off("error", reject);
      const bound = server.address();
      if (bound === null || typeof bound === "string") return reject(new Error("no HTTP address"));
      resolve({
        address: { host: address.host, port: bound.port },
        close: () =>
          new Promise<void>((done) => {
            for (const stream of streams) stream.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
