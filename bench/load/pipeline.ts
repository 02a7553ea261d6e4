// Load benchmark: messages per second through the three-node pipeline a → b → c
// (test/fixtures/service/pipeline.hydro) on loopback, each node a real `hydro run` process.
//   npx tsx bench/load/pipeline.ts [--messages 1000000] [--batch 1000] [--concurrency 4]
//                                  [--rate 0] [--durable] [--warmup 5000]
// The driver posts batches of ids to a's `inject` (each carrying its send time in µs), with
// `concurrency` posts in flight (or paced to `rate` messages per second), and reads c's
// `delivered` output as server-sent events; a message's latency is from its post to its event
// at c, through two network hops and three ticks (three commits with --durable). Reported:
// throughput, latency p50/p99/max, each node's resident memory and heap after the run, and
// checks that c saw every id exactly once. `warmup` messages go through first, unmeasured.
// Not a unit test: run it by hand.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { metric, postJson, startPipeline } from "./cluster.ts";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

const messages = option("messages", 1_000_000);
const batch = option("batch", 1000);
const concurrency = option("concurrency", 4);
const rate = option("rate", 0);
const durable = process.argv.includes("--durable");

const nowMicros = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const root = durable ? mkdtempSync(join(tmpdir(), "hydro-load-")) : undefined;
  process.stderr.write(`starting three nodes${durable ? " with state directories" : ""}…\n`);
  const nodes = await startPipeline(root === undefined ? {} : { stateRoot: root });
  try {
    const latencies = new Float64Array(messages);
    // The worst latency per second of sending time: stalls show as runs of bad seconds.
    const worstBySecond = new Map<number, number>();
    let firstSend = 0;
    const delivered = new Uint8Array(messages + 1);
    let count = 0;
    let duplicates = 0;
    let lastDelivery = 0;
    let warmedUp = 0;

    // Links back off while a peer is still starting: wait until both hops are connected.
    for (const [node, peer] of [[nodes.a, "b"], [nodes.b, "c"]] as const) {
      while (((await (await fetch(`http://${node.http}/health`)).json()) as { peers: Record<string, string> }).peers[peer] !== "connected") await sleep(50);
    }
    const controller = new AbortController();
    const stream = await fetch(`http://${nodes.c.http}/out/delivered`, { signal: controller.signal });
    const reading = (async () => {
      const reader = stream.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split("\n").find((line) => line.startsWith("data: "));
            if (data === undefined) continue;
            const now = nowMicros();
            for (const [id, sentAt] of (JSON.parse(data.slice(6)) as { tuples: [number, number][] }).tuples) {
              if (id <= 0) {
                warmedUp++;
                continue;
              }
              if (delivered[id] === 1) {
                duplicates++;
                continue;
              }
              delivered[id] = 1;
              const latency = (now - sentAt) / 1000;
              latencies[count++] = latency;
              const second = Math.floor((sentAt - firstSend) / 1_000_000);
              if (latency > (worstBySecond.get(second) ?? 0)) worstBySecond.set(second, latency);
            }
            lastDelivery = performance.now();
          }
        }
      } catch {
        // aborted at the end
      }
    })();

    // Warm-up (ids -1 … -warmup, not measured): compiled code paths, connections, first commits.
    const warmup = option("warmup", 5000);
    for (let first = 1; first <= warmup; first += batch) {
      const size = Math.min(batch, warmup - first + 1);
      await postJson(nodes.a.http, "/in/inject", Array.from({ length: size }, (_, i) => [-(first + i), nowMicros()]));
    }
    while (warmedUp < warmup) await sleep(20);

    process.stderr.write(`posting ${messages} messages in batches of ${batch}, ${rate > 0 ? `${rate}/s` : `${concurrency} in flight`}…\n`);
    const started = performance.now();
    firstSend = nowMicros();
    let next = 1;
    let rejected = 0;
    const worker = async (): Promise<void> => {
      while (next <= messages) {
        const first = next;
        const size = Math.min(batch, messages - first + 1);
        next += size;
        if (rate > 0) {
          const due = started + ((first - 1) / rate) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
        }
        const tuples = Array.from({ length: size }, (_, i) => [first + i, nowMicros()]);
        for (;;) {
          const reply = await postJson(nodes.a.http, "/in/inject", tuples);
          if (reply !== null && reply.status === 200) break;
          rejected++;
          await sleep(20); // 503: a's queue is full; back off and retry the same ids
        }
      }
    };
    await Promise.all(Array.from({ length: rate > 0 ? Math.max(concurrency, 16) : concurrency }, worker));
    const posted = performance.now();
    let progress = Date.now();
    while (count + duplicates < messages) {
      await sleep(50);
      if (Date.now() - progress > 5_000) {
        process.stderr.write(`  ${count} of ${messages} delivered\n`);
        progress = Date.now();
      }
      if (performance.now() - Math.max(posted, lastDelivery) > 60_000) {
        process.stderr.write("no delivery for 60 s; giving up\n");
        break;
      }
    }
    const seconds = (Math.max(lastDelivery, posted) - started) / 1000;
    controller.abort();
    await reading;
    const sorted = latencies.subarray(0, count).sort();
    const memory: Record<string, { rssMiB: number; heapMiB: number }> = {};
    for (const [name, node] of Object.entries(nodes)) {
      memory[name] = {
        rssMiB: Math.round((await metric(node.http, "process_resident_memory_bytes")) / 1048576),
        heapMiB: Math.round((await metric(node.http, "nodejs_heap_used_bytes")) / 1048576),
      };
    }
    const result = {
      messages,
      durable,
      batch,
      concurrency: rate > 0 ? null : concurrency,
      rate: rate > 0 ? rate : null,
      delivered: count,
      duplicatesAtDriver: duplicates,
      retriedPosts: rejected,
      seconds: Number(seconds.toFixed(2)),
      messagesPerSecond: Math.round(count / seconds),
      latencyMs: { p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)), max: Number(sorted[sorted.length - 1]?.toFixed(1)) },
      memoryAfter: memory,
      cStateTuples: await metric(nodes.c.http, "hydro_state_tuples"),
      cTicks: await metric(nodes.c.http, "hydro_ticks_total"),
      worstSeconds: [...worstBySecond]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([second, latency]) => ({ second, maxLatencyMs: Number(latency.toFixed(1)) })),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (count !== messages || duplicates > 0) process.exitCode = 1;
    await Promise.all([nodes.a.stop(), nodes.b.stop(), nodes.c.stop()]);
  } finally {
    await Promise.all(Object.values(nodes).map((node) => node.kill9()));
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  }
}

await main();
