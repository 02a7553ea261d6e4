// Helpers for the service tests: in-process nodes on ephemeral loopback ports, an HTTP client,
// a server-sent events reader, a raw peer that speaks the wire protocol by hand, and waiting.

import { connect, type Socket } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { ProgramClass } from "../runtime/load.ts";
import { encodeFrame, FrameDecoder } from "../runtime/service/framing.ts";
import { auth, checkHello, checkWelcome } from "../runtime/service/handshake.ts";
import { ServiceNode, type ServiceConfig } from "../runtime/service/service.ts";
import type { HostPort } from "../runtime/service/address.ts";
import { compileProgram } from "./semantics-harness.ts";

export const SILENT = pino({ level: "silent" });

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/service/${name}`, import.meta.url), "utf8");
}

const classes = new Map<string, Promise<ProgramClass>>();
export function programOf(source: string): Promise<ProgramClass> {
  let program = classes.get(source);
  if (program === undefined) classes.set(source, (program = compileProgram(source)));
  return program;
}

const running = new Set<ServiceNode>();
const directories: string[] = [];

export async function startNode(source: string, config: Partial<Omit<ServiceConfig, "Program">> = {}): Promise<ServiceNode> {
  const node = await ServiceNode.start({
    Program: await programOf(source),
    listen: { host: "127.0.0.1", port: 0 },
    http: { host: "127.0.0.1", port: 0 },
    peers: new Map(),
    logger: SILENT,
    ...config,
  });
  running.add(node);
  return node;
}

export async function stopNode(node: ServiceNode): Promise<void> {
  running.delete(node);
  await node.stop();
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((node) => stopNode(node)));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

export function stateDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "hydro-service-"));
  directories.push(directory);
  return directory;
}

export function hostPort(address: string): HostPort {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

export async function request(node: ServiceNode | string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const address = typeof node === "string" ? node : node.httpAddress!;
  const response = await fetch(`http://${address}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Prometheus text and the like stay text.
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Reads server-sent events from a stream into a list as they come. */
export async function subscribe(address: string, path: string, headers: Record<string, string> = {}): Promise<{ events: { id: string; data: unknown }[]; comments: string[]; close: () => void }> {
  const controller = new AbortController();
  const response = await fetch(`http://${address}${path}`, { headers, signal: controller.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`subscribe: status ${response.status}`);
  const events: { id: string; data: unknown }[] = [];
  const comments: string[] = [];
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments.push(line.slice(1).trim());
            else {
              const colon = line.indexOf(":");
              fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
            }
          }
          if (fields.has("data")) events.push({ id: fields.get("id") ?? "", data: JSON.parse(fields.get("data")!) });
        }
      }
    } catch {
      // Aborted.
    }
  })();
  return { events, comments, close: () => controller.abort() };
}

/** A peer speaking the wire protocol by hand, to send what a real node never would. */
export class RawPeer {
  readonly frames: unknown[] = [];
  private readonly decoder = new FrameDecoder();
  private constructor(readonly socket: Socket) {}

  static async connect(address: string, options: { token?: string | null; from?: string; link?: string } = {}): Promise<RawPeer> {
    const { host, port } = hostPort(address);
    const socket = connect({ host, port });
    const peer = new RawPeer(socket);
    socket.on("data", (chunk: Buffer) => {
      for (const frame of peer.decoder.push(chunk)) if (frame.ok) peer.frames.push(frame.value);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const hello = await eventually(() => peer.frames.shift(), 5_000, "hello");
    const checked = checkHello(hello);
    if (!checked.ok) throw new Error(checked.reason);
    const token = options.token ?? null;
    const answer = auth(token, checked.hello.nonce, options.from ?? "raw", options.link ?? `raw/${Math.random()}`);
    socket.write(encodeFrame(answer));
    const reply = await eventually(() => peer.frames.shift(), 5_000, "welcome");
    const welcome = checkWelcome(token, answer.nonce, checked.hello.nonce, reply);
    if (!welcome.ok) {
      socket.destroy();
      throw new Error(welcome.reason);
    }
    return peer;
  }

  send(value: unknown): void {
    this.socket.write(encodeFrame(value));
  }

  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}
