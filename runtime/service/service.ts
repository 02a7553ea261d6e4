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
import { wireTupleOf, type TickResult } from "../program.ts";
import type { JsonValue } from "../values.ts";
import { formatHostPort, isLoopback, resolveDestination, type HostPort } from "./address.ts";
export { DEFAULT_LIMITS, type ServiceConfig, type ServiceLimits } from "./config.ts";
import { withChangeCapture, type CapturingNode, type TuplesByName } from "./changes.ts";
import { Deduplicator, toRanges } from "./dedup.ts";
import { consumedRanges, Inbox } from "./inbox.ts";
import { PeriodicClock } from "./periodic.ts";
import { DEFAULT_LIMITS, type ServiceConfig, type ServiceLimits } from "./config.ts";
import { startHttp, type HttpService, type ServiceApi } from "./http.ts";
import { OutboundLink } from "./link.ts";
import { Registry, serviceGauges, serviceMetrics, type ServiceMetrics } from "./metrics.ts";
import type { OutboxEntry, Ranges, ServiceState, TickRecord } from "./records.ts";
import { PeerServer } from "./server.ts";
import { newIncarnation, StateStore } from "./store.ts";

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
  private readonly links = new Map<string, OutboundLink>();
  private readonly peerServer: PeerServer;
  private http: HttpService | null = null;
  private listenAddress: HostPort | null = null;
  private inbox!: Inbox;
  private posts: Post[] = [];
  private postedTuples = 0;
  private clock!: PeriodicClock;
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
    serviceGauges(this.registry, {
      inboxDepth: () => this.inboxDepth,
      postedWaiting: () => this.postedTuples,
      outboxDepths: () => [...this.links].map(([address, link]) => [{ peer: address }, link.depth] as const),
      stateTuples: () => this.node?.durableSize() ?? 0,
      lastTick: () => (this.node?.tickNumber ?? 0) - 1,
      logBytes: () => this.store?.logBytes ?? 0,
      linksConnected: () => [...this.links.values()].filter((link) => link.connected).length,
    });
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
    this.inbox = new Inbox(this.node.schema);
    this.clock = new PeriodicClock(this.node.schema);

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
    this.clock.start(() => this.scheduleTick());
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
    this.inbox.dedup = Deduplicator.fromJson(state.dedup);
    this.clock.resume(state.periodic);
    for (const [address, link] of Object.entries(state.links)) {
      const outbound = this.link(address);
      outbound.nextSequence = link.nextSequence;
      if (link.outbox.length > 0) outbound.add(link.outbox);
    }
  }

  private serviceState(): ServiceState {
    const links: Record<string, { nextSequence: number; outbox: OutboxEntry[] }> = {};
    for (const [address, link] of this.links) links[address] = { nextSequence: link.nextSequence, outbox: link.outbox() };
    return { incarnation: this.incarnation, links, dedup: this.inbox.dedup.toJson(), periodic: this.clock.counts() };
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
    return this.inbox.depth;
  }

  // -------------------------------------------------------------------------------------------
  // Arrivals

  private receive(link: string, from: string, messages: readonly unknown[], low: number | undefined): void {
    if (this.stopping) return;
    const received = this.inbox.receive(link, messages, low);
    this.metrics.duplicates.inc(received.duplicates);
    for (const reason of received.rejected) this.reject(from, reason);
    if (received.acknowledgeNow.length > 0) this.peerServer.acknowledge(link, toRanges(received.acknowledgeNow));
    if (this.inboxDepth >= this.limits.maxInbox) this.peerServer.pause();
    if (received.accepted > 0) this.scheduleTick();
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
    return this.needsFirstTick || this.inboxDepth > 0 || this.posts.length > 0 || this.clock.hasFirings || this.node.hasPending();
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
    const taken = this.inbox.take(this.limits.maxBatch);
    const posts = this.posts;
    this.posts = [];
    this.postedTuples = 0;
    const firings = this.clock.take();

    const byChannel = new Map<string, JsonValue[][]>();
    for (const item of taken) {
      let tuples = byChannel.get(item.channel);
      if (tuples === undefined) byChannel.set(item.channel, (tuples = []));
      tuples.push(item.tuple);
    }
    for (const [channel, tuples] of byChannel) node.push(channel, tuples);
    for (const post of posts) node.push(post.input, post.tuples);
    for (const [name, tuples] of firings) node.push(name, tuples);

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
          (queued[message.channel] ??= []).push(wireTupleOf(message));
          continue;
        }
        const address = resolveDestination(message.to, this.config.peers);
        if (address === null) {
          this.metrics.undeliverable.inc();
          this.logger.warn({ to: message.to, channel: message.channel }, "message to an unknown node dropped (not a peer name, not host:port)");
          continue;
        }
        const link = this.link(address);
        sends.push([address, link.nextSequence++, message.channel, wireTupleOf(message)]);
      }
    }
    const consumed = consumedRanges(taken);

    if (this.store !== null) {
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
        periodic: this.clock.countsAfter(firings),
      };
      this.store.appendTick(record);
      const commitStarted = performance.now();
      await this.store.sync();
      this.metrics.commitDuration.observe((performance.now() - commitStarted) / 1000);
    }

    // Committed: the tick's effects may now leave the process.
    this.clock.committed(firings);
    this.inbox.committed(consumed);
    for (const [link, ranges] of Object.entries(consumed)) this.peerServer.acknowledge(link, ranges);
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
    return this.registry.render();
  }

  // -------------------------------------------------------------------------------------------

  /** Stops taking work, lets a commit under way finish, closes everything. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.clock?.stop();
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
