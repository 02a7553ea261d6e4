// One outgoing link: this node's messages to one destination address, in order, until each is
// acknowledged. In: committed sends (sequence, channel, tuple) and the peer's acknowledgements.
// Out: frames on a TCP connection that is opened, authenticated (handshake.ts) and reopened
// with exponential backoff whenever it drops; every unacknowledged message is written again,
// in order, on each new connection.
// Why the sender keeps everything until acknowledged: the receiver acknowledges only after the
// tick that consumed a message has committed, so a message is never lost between the two
// nodes; it may be written twice, and the receiver drops the second copy by its id (this link's
// id and the sequence number). Each `msgs` frame also carries the lowest sequence the link
// still holds: everything below it is acknowledged, so the receiver may forget those ids.
// Flow control: frames are written while the socket accepts them, then the link waits for
// `drain`; the node stops running ticks while its unacknowledged messages exceed a bound.

import { connect, type Socket } from "node:net";
import type { Logger } from "pino";
import type { JsonValue } from "../values.ts";
import { isRanges, type LinkDedupState } from "./dedup.ts";
import { encodeFrame, FrameDecoder, frameOf, MAX_FRAME_BYTES, packValue } from "./framing.ts";
import { auth, checkHello, checkWelcome } from "./handshake.ts";
import type { OutboxEntry, Ranges } from "./records.ts";

export type { LinkDedupState };

export interface LinkOptions {
  /** The destination, `host:port`. */
  readonly address: string;
  /** This link's id at the receiver: stable across restarts of a durable node. */
  readonly linkId: string;
  readonly me: string;
  readonly token: string | null;
  readonly logger: Logger;
  readonly maxFrameBytes?: number;
  readonly handshakeTimeoutMs?: number;
  /** Called with what the peer acknowledged (only sequences this link still held). */
  readonly onAcknowledged: (address: string, ranges: Ranges, count: number) => void;
  /** Called when messages are written again after a reconnect. */
  readonly onResent?: (count: number) => void;
  /** Called when a message cannot be sent at all (larger than a frame). */
  readonly onUndeliverable?: (address: string, entry: OutboxEntry) => void;
}

const INITIAL_BACKOFF_MS = 50;
/** Without any acknowledgement for this long, unacknowledged messages are written again. */
const INITIAL_RETRANSMIT_MS = 3_000;
const MAX_RETRANSMIT_MS = 60_000;
const MAX_BACKOFF_MS = 5_000;
const MAX_BATCH = 1024;

type State = "idle" | "connecting" | "handshake" | "open" | "closed";

export class OutboundLink {
  nextSequence = 1;
  private entries: OutboxEntry[] = [];
  /** Index of the oldest unacknowledged entry. */
  private head = 0;
  /** Index of the next entry to write on the current connection. */
  private cursor = 0;
  /** Sequences written to entries and not yet acknowledged (entries may have gaps after a restart). */
  private readonly outstanding = new Set<number>();
  /** The highest sequence ever written: anything at or below it written again is a resend. */
  private highestWritten = 0;
  private state: State = "idle";
  private socket: Socket | null = null;
  private backoff = INITIAL_BACKOFF_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private waitingForDrain = false;
  private readonly maxFrameBytes: number;
  private failures = 0;
  /** When an acknowledgement last made progress (or the connection opened). */
  private lastProgress = Date.now();
  private retransmitAfter = INITIAL_RETRANSMIT_MS;
  private readonly retransmitTimer: NodeJS.Timeout;

  constructor(private readonly options: LinkOptions) {
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    // An acknowledgement can be lost (written on a connection the peer replaced just then):
    // messages written long ago and still unacknowledged are written again, with backoff.
    // The receiver drops the copies, acknowledging those it has consumed.
    this.retransmitTimer = setInterval(() => this.retransmitIfStalled(), 1_000);
    this.retransmitTimer.unref();
  }

  private retransmitIfStalled(): void {
    if (this.state !== "open" || this.cursor <= this.head || this.depth === 0) return;
    if (Date.now() - this.lastProgress < this.retransmitAfter) return;
    this.lastProgress = Date.now();
    this.retransmitAfter = Math.min(this.retransmitAfter * 2, MAX_RETRANSMIT_MS);
    this.cursor = this.head;
    this.pump();
  }

  get address(): string {
    return this.options.address;
  }

  /** Unacknowledged messages. */
  get depth(): number {
    return this.outstanding.size;
  }

  get connected(): boolean {
    return this.state === "open";
  }

  /** The unacknowledged messages, oldest first (for snapshots). */
  outbox(): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (let i = this.head; i < this.entries.length; i++) if (this.outstanding.has(this.entries[i]![0])) out.push(this.entries[i]!);
    return out;
  }

  /** Adds committed messages (sequences already taken from nextSequence) and sends them. */
  add(entries: readonly OutboxEntry[]): void {
    if (this.depth === 0) this.lastProgress = Date.now();
    for (const entry of entries) {
      if (this.outstanding.has(entry[0])) continue;
      this.entries.push(entry);
      this.outstanding.add(entry[0]);
      if (entry[0] >= this.nextSequence) this.nextSequence = entry[0] + 1;
    }
    if (this.state === "idle" || this.state === "closed") this.connectSoon(0);
    else this.pump();
  }

  /** Starts connecting (a link restored with messages to resend). */
  start(): void {
    if (this.state === "idle") this.connectSoon(0);
  }

  close(): void {
    clearInterval(this.retransmitTimer);
    this.state = "closed";
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.destroy();
    this.socket = null;
  }

  private stopped = false;

  stop(): void {
    this.stopped = true;
    this.close();
  }

  private connectSoon(delay: number): void {
    if (this.stopped || this.retryTimer !== null || this.state === "connecting" || this.state === "handshake" || this.state === "open") return;
    this.state = "connecting";
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private open(): void {
    if (this.stopped) return;
    const [host, port] = splitAddress(this.options.address);
    const socket = connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    this.state = "connecting";
    const decoder = new FrameDecoder(this.maxFrameBytes);
    let serverNonce: Uint8Array | null = null;
    let clientNonce: Uint8Array | null = null;
    const timer = setTimeout(() => this.fail(socket, "handshake timed out"), this.options.handshakeTimeoutMs ?? 5_000);
    socket.on("connect", () => {
      // While the peer is down, a connection to a loopback port can be given that very port
      // as its own (TCP simultaneous open): it talks to itself and holds the port the peer
      // must listen on again. Drop it at once.
      if (socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress) {
        this.fail(socket, "connected to itself: the peer is not listening");
        return;
      }
      if (this.socket === socket) this.state = "handshake";
    });
    socket.on("data", (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (this.socket !== socket) return;
        if (!frame.ok) {
          this.fail(socket, frame.reason);
          return;
        }
        if (this.state === "handshake" && serverNonce === null) {
          const hello = checkHello(frame.value);
          if (!hello.ok) return this.fail(socket, hello.reason);
          serverNonce = hello.hello.nonce;
          const answer = auth(this.options.token, serverNonce, this.options.me, this.options.linkId);
          clientNonce = answer.nonce;
          socket.write(encodeFrame(answer));
        } else if (this.state === "handshake") {
          const welcome = checkWelcome(this.options.token, clientNonce!, serverNonce!, frame.value);
          if (!welcome.ok) return this.fail(socket, welcome.reason);
          clearTimeout(timer);
          this.state = "open";
          this.backoff = INITIAL_BACKOFF_MS;
          if (this.failures > 0) this.options.logger.info({ peer: this.options.address }, "connected to peer");
          this.failures = 0;
          this.cursor = this.head;
          this.lastProgress = Date.now();
          this.retransmitAfter = INITIAL_RETRANSMIT_MS;
          this.pump();
        } else {
          this.onFrame(frame.value);
        }
      }
    });
    socket.on("drain", () => {
      if (this.socket !== socket) return;
      this.waitingForDrain = false;
      this.pump();
    });
    socket.on("error", (error) => this.fail(socket, error.message));
    socket.on("close", () => {
      clearTimeout(timer);
      this.fail(socket, "connection closed");
    });
  }

  private fail(socket: Socket, reason: string): void {
    if (this.socket !== socket) return;
    socket.destroy();
    this.socket = null;
    this.waitingForDrain = false;
    if (this.stopped) return;
    this.failures++;
    // The first failure and then every tenth, so a peer that is down does not flood the log.
    if (this.failures === 1 || this.failures % 10 === 0) {
      this.options.logger.warn({ peer: this.options.address, reason, attempts: this.failures }, "link to peer down; retrying");
    }
    this.state = "closed";
    const jitter = 0.8 + Math.random() * 0.4;
    const delay = Math.round(this.backoff * jitter);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.connectSoon(delay);
  }

  private onFrame(value: unknown): void {
    const frame = value as Record<string, unknown> | null;
    if (typeof frame !== "object" || frame === null || frame["t"] !== "ack" || !isRanges(frame["r"])) {
      this.options.logger.warn({ peer: this.options.address }, "malformed frame from peer ignored");
      return;
    }
    this.acknowledge(frame["r"]);
  }

  /** Drops acknowledged messages; reports the ones this link still held. */
  acknowledge(ranges: Ranges): void {
    if (this.head >= this.entries.length) return;
    const first = this.entries[this.head]![0];
    const last = this.entries[this.entries.length - 1]![0];
    const acknowledged: number[] = [];
    for (const [from, to] of ranges) {
      for (let sequence = Math.max(from, first); sequence <= Math.min(to, last); sequence++) {
        if (this.outstanding.delete(sequence)) acknowledged.push(sequence);
      }
    }
    if (acknowledged.length === 0) return;
    this.lastProgress = Date.now();
    this.retransmitAfter = INITIAL_RETRANSMIT_MS;
    while (this.head < this.entries.length && !this.outstanding.has(this.entries[this.head]![0])) this.head++;
    if (this.cursor < this.head) this.cursor = this.head;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.cursor -= this.head;
      this.head = 0;
    }
    this.options.onAcknowledged(this.options.address, collapse(acknowledged), acknowledged.length);
  }

  /** Writes unwritten messages while the socket takes them. */
  private pump(): void {
    const socket = this.socket;
    if (this.state !== "open" || socket === null) return;
    while (!this.waitingForDrain && this.cursor < this.entries.length) {
      const batch: [number, string, JsonValue[]][] = [];
      let resent = 0;
      let end = this.cursor;
      while (end < this.entries.length && batch.length < MAX_BATCH) {
        const entry = this.entries[end++]!;
        if (!this.outstanding.has(entry[0])) continue;
        batch.push(entry);
        if (entry[0] <= this.highestWritten) resent++;
      }
      if (batch.length === 0) {
        this.cursor = end;
        continue;
      }
      const frame = this.frameOf(batch);
      if (frame === null) {
        // A batch over the frame limit: send its first half (down to one message) alone.
        const taken = this.largestFittingPrefix(batch);
        if (taken === 0) {
          const entry = batch[0]!;
          this.options.logger.error({ peer: this.options.address, channel: entry[1], sequence: entry[0] }, "message larger than a frame dropped");
          this.options.onUndeliverable?.(this.options.address, entry);
          this.acknowledge([[entry[0], entry[0]]]);
          continue;
        }
        batch.length = taken;
        end = this.entries.indexOf(batch[taken - 1]!, this.cursor) + 1;
      }
      const bytes = frame ?? this.frameOf(batch)!;
      this.cursor = end;
      const last = batch[batch.length - 1]![0];
      if (last > this.highestWritten) this.highestWritten = last;
      if (resent > 0) this.options.onResent?.(Math.min(resent, batch.length));
      if (!socket.write(bytes)) this.waitingForDrain = true;
    }
  }

  private frameOf(batch: readonly OutboxEntry[]): Buffer | null {
    const low = this.entries[this.head]?.[0] ?? batch[0]![0];
    const payload = packValue({ t: "msgs", low, m: batch });
    return payload.length > this.maxFrameBytes ? null : frameOf(payload);
  }

  private largestFittingPrefix(batch: readonly OutboxEntry[]): number {
    let count = batch.length;
    while (count > 0) {
      count = Math.floor(count / 2);
      if (count > 0 && this.frameOf(batch.slice(0, count)) !== null) return count;
    }
    return 0;
  }
}

/** Sorted sequences as ranges. */
function collapse(sequences: number[]): Ranges {
  sequences.sort((a, b) => a - b);
  const ranges: Ranges = [];
  for (const sequence of sequences) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && sequence === last[1] + 1) last[1] = sequence;
    else ranges.push([sequence, sequence]);
  }
  return ranges;
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  return [host, Number(address.slice(colon + 1))];
}
