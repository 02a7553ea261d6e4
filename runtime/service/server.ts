// The listening side of the peer protocol: accepts connections from other nodes, runs the
// handshake (handshake.ts), and hands each authenticated link's message batches to the node.
// In: TCP connections on `--listen`. Out: calls to the handler with (link, sender, messages,
// lowest unacknowledged sequence); acknowledgement frames written back on a link's newest
// connection; pausing and resuming every connection for backpressure.
// Why the node and not this file validates messages: only the node knows the program's
// channels and column types; this file only guarantees that a batch came whole, in order, from
// a peer that proved it holds the token.

import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from "./framing.ts";
import { checkAuth, hello, newNonce, welcome } from "./handshake.ts";
import type { HostPort } from "./address.ts";
import type { Ranges } from "./records.ts";

export interface PeerHandler {
  /** Resolves once the node has recovered its state: no connection is greeted before. */
  readonly ready: Promise<void>;
  me(): string;
  onMessages(link: string, from: string, messages: readonly unknown[], low: number | undefined): void;
  /** A frame that could not be taken (counted and logged by the node). */
  onRejectedFrame(from: string, reason: string): void;
}

export interface PeerServerOptions {
  readonly token: string | null;
  readonly logger: Logger;
  readonly handler: PeerHandler;
  readonly maxFrameBytes?: number;
  readonly handshakeTimeoutMs?: number;
  readonly maxConnections?: number;
}

interface Connection {
  readonly socket: Socket;
  link: string | null;
  from: string;
}

export class PeerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly byLink = new Map<string, Connection>();
  private paused = false;

  constructor(private readonly options: PeerServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = options.maxConnections ?? 1024;
  }

  listen(address: HostPort): Promise<HostPort> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(address.port, address.host, () => {
        this.server.off("error", reject);
        const bound = this.server.address();
        if (bound === null || typeof bound === "string") return reject(new Error("no TCP address"));
        resolve({ host: address.host, port: bound.port });
      });
    });
  }

  /** Sends an acknowledgement on the link's current connection; false when it has none. */
  acknowledge(link: string, ranges: Ranges): boolean {
    const connection = this.byLink.get(link);
    if (connection === undefined || connection.socket.destroyed) return false;
    connection.socket.write(encodeFrame({ t: "ack", r: ranges }));
    return true;
  }

  /** Stops reading from every peer (the node's inbox is full). */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const connection of this.connections) connection.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const connection of this.connections) connection.socket.resume();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Authenticated links with a live connection. */
  get linkCount(): number {
    return this.byLink.size;
  }

  close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const { logger, handler, token } = this.options;
    const connection: Connection = { socket, link: null, from: `${socket.remoteAddress}:${socket.remotePort}` };
    this.connections.add(connection);
    socket.setNoDelay(true);
    if (this.paused) socket.pause();
    const decoder = new FrameDecoder(this.options.maxFrameBytes ?? MAX_FRAME_BYTES);
    const nonce = newNonce();
    let greeted = false;
    const timer = setTimeout(() => {
      if (connection.link === null) {
        logger.warn({ remote: connection.from }, "peer handshake timed out");
        socket.destroy();
      }
    }, this.options.handshakeTimeoutMs ?? 5_000);
    const early: Buffer[] = [];
    let earlyBytes = 0;

    const onFrames = (chunk: Buffer): void => {
      for (const frame of decoder.push(chunk)) {
        if (socket.destroyed) return;
        if (!frame.ok) {
          handler.onRejectedFrame(connection.from, frame.reason);
          if (decoder.broken !== null) socket.destroy();
          continue;
        }
        if (connection.link === null) {
          const checked = checkAuth(token, nonce, frame.value);
          if (!checked.ok) {
            logger.warn({ remote: connection.from, reason: checked.reason }, "peer refused");
            socket.end(encodeFrame({ t: "denied", reason: checked.reason }));
            return;
          }
          clearTimeout(timer);
          connection.link = checked.auth.link;
          connection.from = checked.auth.from;
          const previous = this.byLink.get(checked.auth.link);
          if (previous !== undefined && previous !== connection) previous.socket.destroy();
          this.byLink.set(checked.auth.link, connection);
          socket.write(encodeFrame(welcome(token, checked.auth.nonce, nonce)));
          continue;
        }
        const value = frame.value as Record<string, unknown> | null;
        if (typeof value !== "object" || value === null || value["t"] !== "msgs" || !Array.isArray(value["m"])) {
          handler.onRejectedFrame(connection.from, "expected a msgs frame");
          continue;
        }
        const low = value["low"];
        handler.onMessages(connection.link, connection.from, value["m"], Number.isSafeInteger(low) ? (low as number) : undefined);
      }
    };

    socket.on("data", (chunk: Buffer) => {
      if (greeted) return onFrames(chunk);
      // Nothing is expected before the hello; a peer that sends much anyway is cut off.
      earlyBytes += chunk.length;
      if (earlyBytes > (this.options.maxFrameBytes ?? MAX_FRAME_BYTES)) socket.destroy();
      else early.push(chunk);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      clearTimeout(timer);
      this.connections.delete(connection);
      if (connection.link !== null && this.byLink.get(connection.link) === connection) this.byLink.delete(connection.link);
    });
    void handler.ready.then(() => {
      if (socket.destroyed) return;
      greeted = true;
      socket.write(encodeFrame(hello(handler.me(), nonce)));
      for (const chunk of early.splice(0)) onFrames(chunk);
    });
  }
}
