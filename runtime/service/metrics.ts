// The metrics of a running node, in the Prometheus text exposition format (`GET /metrics`).
// In: counts and timings reported by the service as it runs; gauges read when scraped.
// Out: the text: `# HELP` and `# TYPE` lines, then samples, histograms with cumulative `le`
// buckets, `_sum` and `_count`.
// Why written here rather than taken from a library: a handful of counters, gauges and one
// kind of histogram is all a node reports, and the format is a few lines of text.

export type Labels = Readonly<Record<string, string>>;

interface Metric {
  readonly name: string;
  readonly help: string;
  render(lines: string[]): void;
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(amount = 1, labels: Labels = {}): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + amount);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${numberText(value)}`);
  }
}

/** A gauge read at scrape time: one sample, or one per label set. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number | readonly (readonly [Labels, number])[],
  ) {}

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`);
    const value = this.read();
    if (typeof value === "number") lines.push(`${this.name} ${numberText(value)}`);
    else for (const [labels, sample] of value) lines.push(`${this.name}${labelText(labels)} ${numberText(sample)}`);
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]!++;
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (let i = 0; i < this.buckets.length; i++) lines.push(`${this.name}_bucket{le="${numberText(this.buckets[i]!)}"} ${this.counts[i]}`);
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${numberText(this.sum)}`, `${this.name}_count ${this.count}`);
  }
}

/** Seconds, from 100 µs to 10 s: ticks and commits. */
export const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Registry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  gauge(name: string, help: string, read: () => number | readonly (readonly [Labels, number])[]): Gauge {
    return this.add(new Gauge(name, help, read));
  }

  histogram(name: string, help: string, buckets: readonly number[] = DURATION_BUCKETS): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  private add<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  render(): string {
    const lines: string[] = [];
    for (const metric of this.metrics) metric.render(lines);
    return `${lines.join("\n")}\n`;
  }
}

/** The metrics every node reports. */
export function serviceMetrics(registry: Registry) {
  return {
    ticks: registry.counter("hydro_ticks_total", "Ticks run (failed ones included)."),
    failedTicks: registry.counter("hydro_ticks_failed_total", "Ticks that failed and were rolled back."),
    tickDuration: registry.histogram("hydro_tick_duration_seconds", "Time to evaluate a tick, without its commit."),
    commitDuration: registry.histogram("hydro_commit_duration_seconds", "Time to make a tick durable (log write and sync)."),
    received: registry.counter("hydro_messages_received_total", "Channel messages received from peers and taken into ticks."),
    duplicates: registry.counter("hydro_messages_duplicate_total", "Channel messages received again and dropped (already consumed or queued)."),
    rejected: registry.counter("hydro_messages_rejected_total", "Channel messages or frames rejected as malformed, unknown or mistyped."),
    sent: registry.counter("hydro_messages_sent_total", "Channel messages committed for sending to peers."),
    acknowledged: registry.counter("hydro_messages_acknowledged_total", "Sent messages acknowledged by their receivers."),
    undeliverable: registry.counter("hydro_messages_undeliverable_total", "Channel messages to addresses that name no known node, dropped."),
    resent: registry.counter("hydro_messages_resent_total", "Messages written again to a peer after a reconnect."),
    httpRequests: registry.counter("hydro_http_requests_total", "HTTP requests answered, by status code."),
    snapshots: registry.counter("hydro_snapshots_total", "Snapshots written (log compactions)."),
  };
}

export type ServiceMetrics = ReturnType<typeof serviceMetrics>;

export interface GaugeSources {
  readonly inboxDepth: () => number;
  readonly postedWaiting: () => number;
  readonly outboxDepths: () => readonly (readonly [Labels, number])[];
  readonly stateTuples: () => number;
  readonly lastTick: () => number;
  readonly logBytes: () => number;
  readonly linksConnected: () => number;
}

/** The gauges every node reports, read when scraped. */
export function serviceGauges(registry: Registry, sources: GaugeSources): void {
  registry.gauge("hydro_inbox_depth", "Channel messages received and waiting for a tick.", sources.inboxDepth);
  registry.gauge("hydro_posted_tuples_waiting", "Tuples posted over HTTP and waiting for a tick.", sources.postedWaiting);
  registry.gauge("hydro_outbox_depth", "Sent messages not yet acknowledged, per destination.", sources.outboxDepths);
  registry.gauge("hydro_state_tuples", "Tuples held by tables and lattices.", sources.stateTuples);
  registry.gauge("hydro_last_tick", "The number of the last tick run.", sources.lastTick);
  registry.gauge("hydro_log_bytes", "Bytes in the current log of the state directory.", sources.logBytes);
  registry.gauge("hydro_peer_links_connected", "Outgoing links with an open, authenticated connection.", sources.linksConnected);
  registry.gauge("process_resident_memory_bytes", "Resident memory of this process.", () => process.memoryUsage.rss());
  registry.gauge("nodejs_heap_used_bytes", "V8 heap in use.", () => process.memoryUsage().heapUsed);
}
