// A node as a service: one program, its tick loop, peers over TCP, HTTP, durable state.
// In: a compiled program class and the service configuration (addresses, peers, state
// directory, token, limits). Out: a running node; `stop()` ends it cleanly.
// The loop: arrivals (channel messages from peers, HTTP posts, periodic firings) gather in
// queues; whenever any are waiting or the program has pending work, one tick takes all that
// came together (up to a batch bound), runs, and commits. Ticks are serial. A commit appends
// the tick's record to the log and syncs it (with --state) before anything of the tick is
// visible outside: HTTP answers, server-sent events, messages to peers, acknowledgements of
// the messages it consumed, and state reads all wait for it. Then the sends join their links'
// outboxes (link.ts) and the consumed messages are acknowledged to their senders.
// Exactly-once effects over at-least-once links: a message carries its link id and sequence;
// it is dropped when already consumed (dedup.ts) or already waiting for a tick.

import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { columnTypes } from "../arrivals.ts";
import type { ProgramClass } from "../load.ts";
import type { TickResult } from "../program.ts";
import type { CollectionSchema } from "../schema.ts";
import type { Type } from "../../compiler/types.ts";
import { decodeTuple, type JsonValue } from "../values.ts";
import { formatHostPort, isLoopback, resolveDestination, type HostPort } from "./address.ts";
import { withChangeCapture, type CapturingNode, type TuplesByName } from "./changes.ts";
import { Deduplicator, toRanges } from "./dedup.ts";
import { MAX_FRAME_BYTES } from "./framing.ts";
import { startHttp, MAX_REQUEST_BYTES, type HttpService, type ServiceApi } from "./http.ts";
import { OutboundLink } from "./link.ts";
import { Registry, serviceMetrics, type ServiceMetrics } from "./metrics.ts";
import type { OutboxEntry, Ranges, ServiceState, TickRecord } from "./records.ts";
import { PeerServer } from "./server.ts";
import { newIncarnation, StateStore } from "./store.ts";

export interface ServiceLimits {
  /** Largest peer frame, in bytes. */
  readonly maxFrameBytes: number;
  /** Largest HTTP request body, in bytes. */
  readonly maxRequestBytes: number;
  /** Messages (and posted tuples) waiting for a tick before peers are paused and posts refused. */
  readonly maxInbox: number;
  /** Unacknowledged sent messages before the node stops running ticks. */
  readonly maxOutbox: number;
  /** Channel messages taken into one tick at most. */
  readonly maxBatch: number;
  /** Log size that triggers a snapshot and a new log. */
  readonly compactBytes: number;
  /** Interval of SSE heartbeat comments. */
  readonly heartbeatMs: number;
  readonly handshakeTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServiceLimits = {
  maxFrameBytes: MAX_FRAME_BYTES,
  maxRequestBytes: MAX_REQUEST_BYTES,
  maxInbox: 100_000,
  maxOutbox: 100_000,
  maxBatch: 10_000,
  compactBytes: 64 * 1024 * 1024,
  heartbeatMs: 15_000,
  handshakeTimeoutMs: 5_000,
};

export interface ServiceConfig {
  readonly Program: ProgramClass;
  readonly listen: HostPort;
  readonly http?: HostPort;
  readonly peers: ReadonlyMap<string, HostPort>;
  /** This node's name (me()); default its listen address as `host:port`. */
  readonly me?: string;
  readonly stateDirectory?: string;
  readonly token?: string;
  readonly logger: Logger;
  readonly limits?: Partial<ServiceLimits>;
}

interface InboxItem {
  readonly link: string;
  readonly sequence: number;
  readonly channel: string;
  readonly tuple: JsonValue[];
}

interface Post {
  readonly input: string;
  readonly tuples: JsonValue[][];
  readonly resolve: (result: TickResult) => void;
}

type OutputListener = (tick: number, tuples: readonly JsonValue[][]) => void;


export class ServiceNode {
  readonly metrics: ServiceMetrics;
  private readonly registry = new Registry();
  private readonly limits: ServiceLimits;
  private readonly logger: Logger;
  private node!: CapturingNode;
  private me = "";
  private store: StateStore | null = null;
  private incarnation = newIncarnation();
  private dedup = new Deduplicator();
  private readonly links = new Map<string, OutboundLink>();
  private readonly peerServer: PeerServer;
  private http: HttpService | null = null;
  private listenAddress: HostPort | null = null;
  private readonly channels = new Map<string, { collection: CollectionSchema; types: Type[] }>();

  private inbox: InboxItem[] = [];
  private inboxHead = 0;
  /** Per link, the sequences received and waiting for their tick to commit. */
  private readonly inflight = new Map<string, Set<number>>();
  private posts: Post[] = [];
  private postedTuples = 0;
  private firings = new Map<string, number[]>();
  /** Per periodic: firings so far (the next firing's n), and firings taken into committed ticks. */
  private readonly periodicCounts = new Map<string, number>();
  private readonly periodicTaken = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly outputListeners = new Map<string, Set<OutputListener>>();
  private readonly readers: (() => void)[] = [];

  private needsFirstTick = true;
  private tickScheduled = false;
  private running = false;
  private stopping = false;
  private markReady!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));
  private idle: Promise<void> = Promise.resolve();

  private constructor(private readonly config: ServiceConfig) {
    this.limits = { ...DEFAULT_LIMITS, ...config.limits };
    this.logger = config.logger;
    this.metrics = serviceMetrics(this.registry);
    this.peerServer = new PeerServer({
      token: config.token ?? null,
      logger: this.logger,
      maxFrameBytes: this.limits.maxFrameBytes,
      handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
      handler: {
        ready: this.ready,
        me: () => this.me,
        onMessages: (link, from, messages, low) => this.receive(link, from, messages, low),
        onRejectedFrame: (from, reason) => {
          this.metrics.rejected.inc();
          this.logger.warn({ peer: from, reason }, "frame from peer rejected");
        },
      },
    });
  }

  /** Binds, recovers the durable state, starts peers, HTTP and timers, and runs what is pending. */
  static async start(config: ServiceConfig): Promise<ServiceNode> {
    const service = new ServiceNode(config);
    try {
      await service.begin();
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  }

  /** The bound peer address, `host:port`. */
  get address(): string {
    return formatHostPort(this.listenAddress!);
  }

  /** The bound HTTP address, `host:port`, when serving HTTP. */
  get httpAddress(): string | null {
    return this.http === null ? null : formatHostPort(this.http.address);
  }

  get name(): string {
    return this.me;
  }

  private async begin(): Promise<void> {
    const { config } = this;
    this.listenAddress = await this.peerServer.listen(config.listen);
    this.me = config.me ?? formatHostPort(this.listenAddress);
    const Capturing = withChangeCapture(config.Program);
    this.node = new Capturing({ me: this.me });
    for (const collection of this.node.schema.collections) if (collection.kind === "channel") this.channels.set(collection.name, { collection, types: columnTypes(collection) });

    if (config.stateDirectory !== undefined) {
      const { store, recovery } = await StateStore.open(config.stateDirectory, this.node.schema);
      this.store = store;
      if (recovery.node !== null) {
        this.node.restore(recovery.node);
        this.needsFirstTick = false;
      }
      this.adopt(recovery.service);
      this.logger.info(
        { tick: this.node.tickNumber, fromSnapshot: recovery.fromSnapshot, records: recovery.records, discardedBytes: recovery.discardedBytes },
        "recovered durable state",
      );
    }
    this.markReady();

    if (config.http !== undefined) {
      this.http = await startHttp(config.http, this.api(), {
        token: config.token ?? null,
        logger: this.logger,
        maxRequestBytes: this.limits.maxRequestBytes,
        heartbeatMs: this.limits.heartbeatMs,
      });
    }
    if (config.token === undefined) {
      for (const [what, address] of [["peer", config.listen], ["http", config.http]] as const) {
        if (address !== undefined && !isLoopback(address.host)) {
          this.logger.warn({ [what]: formatHostPort(address) }, "listening beyond this machine without a token: anyone who can reach it can use it");
        }
      }
    }
    for (const collection of this.node.schema.collections) {
      if (collection.kind !== "periodic" || collection.periodMs === null) continue;
      const name = collection.name;
      const timer = setInterval(() => {
        const count = this.periodicCounts.get(name) ?? 0;
        this.periodicCounts.set(name, count + 1);
        let fired = this.firings.get(name);
        if (fired === undefined) this.firings.set(name, (fired = []));
        fired.push(count);
        this.scheduleTick();
      }, Math.max(1, collection.periodMs));
      this.timers.push(timer);
    }
    // Connect to every named peer now, so the first messages do not wait for a handshake.
    for (const address of this.config.peers.values()) {
      const text = formatHostPort(address);
      if (text !== this.address) this.link(text);
    }
    for (const link of this.links.values()) link.start();
    this.scheduleTick();
  }

  /** Takes the service state recovered from the store. */
  private adopt(state: ServiceState): void {
    this.incarnation = state.incarnation;
    this.dedup = Deduplicator.fromJson(state.dedup);
    for (const [name, count] of Object.entries(state.periodic)) {
      this.periodicCounts.set(name, count);
      this.periodicTaken.set(name, count);
    }
    for (const [address, link] of Object.entries(state.links)) {
      const outbound = this.link(address);
      outbound.nextSequence = link.nextSequence;
      if (link.outbox.length > 0) outbound.add(link.outbox);
    }
  }

  private serviceState(): ServiceState {
    const links: Record<string, { nextSequence: number; outbox: OutboxEntry[] }> = {};
    for (const [address, link] of this.links) links[address] = { nextSequence: link.nextSequence, outbox: link.outbox() };
    return { incarnation: this.incarnation, links, dedup: this.dedup.toJson(), periodic: Object.fromEntries(this.periodicTaken) };
  }

  private link(address: string): OutboundLink {
    let link = this.links.get(address);
    if (link === undefined) {
      link = new OutboundLink({
        address,
        // Not the node name: a node restarted under another --me must keep its links (and their dedup).
        linkId: `${this.incarnation}/${address}`,
        me: this.me,
        token: this.config.token ?? null,
        logger: this.logger,
        maxFrameBytes: this.limits.maxFrameBytes,
        handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
        onAcknowledged: (to, ranges, count) => this.acknowledged(to, ranges, count),
        onResent: (count) => this.metrics.resent.inc(count),
        onUndeliverable: () => this.metrics.undeliverable.inc(),
      });
      this.links.set(address, link);
    }
    return link;
  }

  private acknowledged(to: string, ranges: Ranges, count: number): void {
    this.metrics.acknowledged.inc(count);
    this.store?.appendAck(to, ranges);
    this.scheduleTick();
  }

  private outboxDepth(): number {
    let depth = 0;
    for (const link of this.links.values()) depth += link.depth;
    return depth;
  }

  private get inboxDepth(): number {
    return this.inbox.length - this.inboxHead;
  }

  // -------------------------------------------------------------------------------------------
  // Arrivals

  private receive(link: string, from: string, messages: readonly unknown[], low: number | undefined): void {
    if (this.stopping) return;
    if (low !== undefined && low > 1) this.dedup.advanceFloor(link, low - 1);
    const acknowledgeNow: number[] = [];
    let waiting = this.inflight.get(link);
    if (waiting === undefined) this.inflight.set(link, (waiting = new Set()));
    for (const message of messages) {
      if (!Array.isArray(message) || message.length !== 3 || !Number.isSafeInteger(message[0]) || message[0] < 1) {
        this.reject(from, "malformed message (expected [sequence, channel, tuple])");
        continue;
      }
      const [sequence, channel, tuple] = message as [number, unknown, unknown];
      if (this.dedup.isConsumed(link, sequence)) {
        this.metrics.duplicates.inc();
        acknowledgeNow.push(sequence);
        continue;
      }
      if (waiting.has(sequence)) {
        this.metrics.duplicates.inc();
        continue;
      }
      const collection = typeof channel === "string" ? this.channels.get(channel) : undefined;
      const decoded = collection === undefined ? null : decodeTuple(collection.types, tuple);
      if (collection === undefined || decoded === null || !decoded.ok) {
        const reason = collection === undefined ? `unknown channel ${JSON.stringify(channel)}` : `${String(channel)}: ${decoded!.ok ? "" : decoded!.reason}`;
        this.reject(from, reason);
        // Consumed as rejected: the sender may forget it, and a copy is rejected again.
        this.dedup.markConsumed(link, sequence);
        acknowledgeNow.push(sequence);
        continue;
      }
      waiting.add(sequence);
      this.inbox.push({ link, sequence, channel: channel as string, tuple: tuple as JsonValue[] });
    }
    if (acknowledgeNow.length > 0) this.peerServer.acknowledge(link, toRanges(acknowledgeNow));
    if (this.inboxDepth >= this.limits.maxInbox) this.peerServer.pause();
    this.scheduleTick();
  }

  private reject(from: string, reason: string): void {
    this.metrics.rejected.inc();
    this.logger.warn({ peer: from, reason }, "message from peer rejected");
  }

  private submit(input: string, tuples: JsonValue[][]): Promise<TickResult> | null {
    if (this.stopping || this.postedTuples + tuples.length > this.limits.maxInbox) return null;
    return new Promise((resolve) => {
      this.posts.push({ input, tuples, resolve });
      this.postedTuples += tuples.length;
      this.scheduleTick();
    });
  }

  // -------------------------------------------------------------------------------------------
  // The tick loop

  private hasWork(): boolean {
    return this.needsFirstTick || this.inboxDepth > 0 || this.posts.length > 0 || this.firings.size > 0 || this.node.hasPending();
  }

  private scheduleTick(): void {
    if (this.tickScheduled || this.running || this.stopping) return;
    this.tickScheduled = true;
    setImmediate(() => {
      this.tickScheduled = false;
      if (this.running || this.stopping || !this.hasWork()) return;
      if (this.outboxDepth() >= this.limits.maxOutbox) return; // resumed by acknowledgements
      this.running = true;
      this.idle = this.runTick()
        .catch((error: unknown) => {
          // The log could not be written: nothing more can be committed safely.
          this.logger.fatal({ err: error }, "cannot commit to the state directory; stopping");
          process.exitCode = 1;
          void this.stop();
        })
        .finally(() => {
          this.running = false;
          for (const reader of this.readers.splice(0)) reader();
          if (this.inboxDepth < this.limits.maxInbox / 2) this.peerServer.resume();
          this.scheduleTick();
        });
    });
  }

  private async runTick(): Promise<void> {
    const node = this.node;
    const taken = this.inbox.slice(this.inboxHead, this.inboxHead + this.limits.maxBatch);
    this.inboxHead += taken.length;
    if (this.inboxHead === this.inbox.length) {
      this.inbox = [];
      this.inboxHead = 0;
    } else if (this.inboxHead > 65_536) {
      this.inbox = this.inbox.slice(this.inboxHead);
      this.inboxHead = 0;
    }
    const posts = this.posts;
    this.posts = [];
    this.postedTuples = 0;
    const firings = this.firings;
    this.firings = new Map();

    const byChannel = new Map<string, JsonValue[][]>();
    for (const item of taken) {
      let tuples = byChannel.get(item.channel);
      if (tuples === undefined) byChannel.set(item.channel, (tuples = []));
      tuples.push(item.tuple);
    }
    for (const [channel, tuples] of byChannel) node.push(channel, tuples);
    for (const post of posts) node.push(post.input, post.tuples);
    for (const [name, counts] of firings) node.push(name, counts.map((count) => [count]));

    const started = performance.now();
    const result = node.tick();
    this.metrics.tickDuration.observe((performance.now() - started) / 1000);
    this.metrics.ticks.inc();
    this.needsFirstTick = false;
    const changes = node.takeChanges();
    if (result.failed) {
      this.metrics.failedTicks.inc();
      this.logger.warn({ tick: result.tick, error: result.error }, "tick failed");
    }

    const sends: [string, number, string, JsonValue[]][] = [];
    const queued: TuplesByName = {};
    if (!result.failed) {
      for (const message of result.sent) {
        if (message.to === this.me) {
          (queued[message.channel] ??= []).push(message.tuple as JsonValue[]);
          continue;
        }
        const address = resolveDestination(message.to, this.config.peers);
        if (address === null) {
          this.metrics.undeliverable.inc();
          this.logger.warn({ to: message.to, channel: message.channel }, "message to an unknown node dropped (not a peer name, not host:port)");
          continue;
        }
        const link = this.link(address);
        sends.push([address, link.nextSequence++, message.channel, message.tuple as JsonValue[]]);
      }
    }
    const consumedByLink = new Map<string, number[]>();
    for (const item of taken) {
      let sequences = consumedByLink.get(item.link);
      if (sequences === undefined) consumedByLink.set(item.link, (sequences = []));
      sequences.push(item.sequence);
    }
    const consumed: Record<string, Ranges> = {};
    for (const [link, sequences] of consumedByLink) consumed[link] = toRanges(sequences);

    if (this.store !== null) {
      const periodic: Record<string, number> = {};
      for (const [name, counts] of firings) periodic[name] = counts[counts.length - 1]! + 1;
      const record: TickRecord = {
        k: "tick",
        tick: result.tick,
        ...(result.failed ? { failed: true } : {}),
        put: changes.put,
        removed: changes.removed,
        pending: node.pendingOperations(),
        queued,
        sends,
        consumed,
        periodic,
      };
      this.store.appendTick(record);
      const commitStarted = performance.now();
      await this.store.sync();
      this.metrics.commitDuration.observe((performance.now() - commitStarted) / 1000);
    }

    // Committed: the tick's effects may now leave the process.
    for (const [name, counts] of firings) this.periodicTaken.set(name, counts[counts.length - 1]! + 1);
    for (const [link, ranges] of Object.entries(consumed)) {
      const waiting = this.inflight.get(link);
      for (const [from, to] of ranges) {
        for (let sequence = from; sequence <= to; sequence++) {
          this.dedup.markConsumed(link, sequence);
          waiting?.delete(sequence);
        }
      }
      if (waiting?.size === 0) this.inflight.delete(link);
      this.peerServer.acknowledge(link, ranges);
    }
    this.metrics.received.inc(taken.length);
    const byAddress = new Map<string, OutboxEntry[]>();
    for (const [address, sequence, channel, tuple] of sends) {
      let entries = byAddress.get(address);
      if (entries === undefined) byAddress.set(address, (entries = []));
      entries.push([sequence, channel, tuple]);
    }
    for (const [address, entries] of byAddress) this.link(address).add(entries);
    this.metrics.sent.inc(sends.length);
    for (const post of posts) post.resolve(result);
    if (!result.failed) {
      for (const [name, tuples] of Object.entries(result.outputs as Record<string, JsonValue[][]>)) {
        for (const listener of this.outputListeners.get(name) ?? []) listener(result.tick, tuples);
      }
    }
    if (this.store !== null && this.store.logBytes > this.limits.compactBytes) {
      const bytes = await this.store.compact(node.snapshot(), this.serviceState());
      this.metrics.snapshots.inc();
      this.logger.info({ tick: result.tick, bytes }, "snapshot written; log compacted");
    }
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  /** Runs `read` between commits, so it never sees a tick that is not yet durable. */
  private committed<V>(read: () => V): Promise<V> {
    if (!this.running) return Promise.resolve(read());
    return new Promise((resolve) => this.readers.push(() => resolve(read())));
  }

  private api(): ServiceApi {
    return {
      schema: this.node.schema,
      submit: (input, tuples) => this.submit(input, tuples),
      readState: (name) => this.committed(() => this.node.read(name) as JsonValue[][]),
      subscribe: (output, listener) => {
        let listeners = this.outputListeners.get(output);
        if (listeners === undefined) this.outputListeners.set(output, (listeners = new Set()));
        listeners.add(listener);
        return () => listeners!.delete(listener);
      },
      health: () => this.health(),
      metricsText: () => this.metricsText(),
      countRequest: (status) => this.metrics.httpRequests.inc(1, { code: String(status) }),
    };
  }

  health(): Record<string, unknown> {
    const peers: Record<string, string> = {};
    for (const [name, address] of this.config.peers) {
      const link = this.links.get(formatHostPort(address));
      peers[name] = link === undefined ? "idle" : link.connected ? "connected" : "connecting";
    }
    return {
      status: "ok",
      node: this.me,
      module: this.node.schema.moduleName,
      tick: this.node.tickNumber - 1,
      listening: this.address,
      durable: this.store !== null,
      peers,
      inbox: this.inboxDepth,
      outbox: this.outboxDepth(),
    };
  }

  metricsText(): string {
    if (!this.gaugesRegistered) this.registerGauges();
    return this.registry.render();
  }

  private gaugesRegistered = false;

  private registerGauges(): void {
    this.gaugesRegistered = true;
    const registry = this.registry;
    registry.gauge("hydro_inbox_depth", "Channel messages received and waiting for a tick.", () => this.inboxDepth);
    registry.gauge("hydro_posted_tuples_waiting", "Tuples posted over HTTP and waiting for a tick.", () => this.postedTuples);
    registry.gauge("hydro_outbox_depth", "Sent messages not yet acknowledged, per destination.", () =>
      [...this.links].map(([address, link]) => [{ peer: address }, link.depth] as const),
    );
    registry.gauge("hydro_state_tuples", "Tuples held by tables and lattices.", () => this.node.durableSize());
    registry.gauge("hydro_last_tick", "The number of the last tick run.", () => this.node.tickNumber - 1);
    registry.gauge("hydro_log_bytes", "Bytes in the current log of the state directory.", () => this.store?.logBytes ?? 0);
    registry.gauge("hydro_peer_links_connected", "Outgoing links with an open, authenticated connection.", () =>
      [...this.links.values()].filter((link) => link.connected).length,
    );
    registry.gauge("process_resident_memory_bytes", "Resident memory of this process.", () => process.memoryUsage.rss());
    registry.gauge("nodejs_heap_used_bytes", "V8 heap in use.", () => process.memoryUsage().heapUsed);
  }

  // -------------------------------------------------------------------------------------------

  /** Stops taking work, lets a commit under way finish, closes everything. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.idle;
    await this.http?.close();
    for (const link of this.links.values()) link.stop();
    await this.peerServer.close();
    await this.store?.close();
    for (const post of this.posts.splice(0)) {
      post.resolve({ tick: -1, failed: true, error: { message: "the node stopped before the tick that would take these ran", tuples: [] } });
    }
  }
}
