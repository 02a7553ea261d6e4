// The kill -9 test under load: ids stream through the pipeline a → b → c (each node with a
// state directory) while nodes are killed with SIGKILL at arbitrary moments and restarted.
// Posting goes on until every kill has happened. Afterwards every id whose POST was answered 200 must be in c's `seen` exactly once (lost:
// answered ids missing; duplicated: ids c received again in a later tick, its `dup` table),
// and nothing may appear that was never posted. Posts cut off by a kill of a have an unknown
// outcome (the tick may or may not have committed): they may appear, at most once.
//   npx tsx bench/load/kill.ts [--ids 5000] [--batch 50] [--kills 6] [--interval-ms 1500]
//                              [--pattern "b;c;a;b,c;a,b,c;c"]   (who is killed, in turn)
// Prints one JSON object; exit 1 when anything was lost or duplicated.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toRanges } from "../../runtime/service/dedup.ts";
import { getJson, postJson, startPipeline, type NodeProcess } from "./cluster.ts";

export interface KillTestOptions {
  readonly ids: number;
  readonly batch: number;
  /** Which nodes to kill, in order (each entry kills those nodes together, then restarts them). */
  readonly kills: readonly (readonly ("a" | "b" | "c")[])[];
  /** Pause between kills, ms. */
  readonly intervalMs: number;
  readonly settleTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface KillTestResult {
  readonly posted: number;
  readonly acknowledged: number;
  readonly unknownOutcome: number;
  readonly seen: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Ranges of the ids lost or duplicated, to tell which kill they followed. */
  readonly lostIds: [number, number][];
  readonly duplicatedIds: [number, number][];
  readonly phantom: number;
  readonly restarts: number;
  readonly seconds: number;
  readonly cleanExitCodes: (number | null)[];
  /** The listening lines of the last starts: `host:port` of the peer and HTTP sockets. */
  readonly addresses: Record<string, { listening: string; http: string }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function healthy(node: NodeProcess): Promise<Record<string, unknown> | null> {
  try {
    if (node.listening === "") return null;
    return (await getJson(node.http, "/health")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function runKillTest(options: KillTestOptions): Promise<KillTestResult> {
  const log = options.log ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), "hydro-kill-"));
  const started = Date.now();
  const nodes = await startPipeline({ stateRoot: root });
  try {
    const acknowledged = new Set<number>();
    const unknown = new Set<number>();
    let next = 1;
    let restarts = 0;
    let killing = true;

    // Posts go on until at least `ids` are posted and every kill has happened, so each kill
    // lands in the middle of the stream.
    const driver = (async () => {
      while (next <= options.ids || killing) {
        const ids = Array.from({ length: options.batch }, (_, i) => next + i);
        next += ids.length;
        const reply = nodes.a.listening === "" ? null : await postJson(nodes.a.http, "/in/inject", ids.map((id) => [id, Date.now()]));
        if (reply !== null && reply.status === 200) for (const id of ids) acknowledged.add(id);
        else {
          for (const id of ids) unknown.add(id);
          // a is down (or restarting): wait for it before going on.
          while ((await healthy(nodes.a)) === null) await sleep(50);
        }
      }
    })();

    const killer = (async () => {
      for (const victims of options.kills) {
        await sleep(options.intervalMs * (0.5 + Math.random()));
        log(`kill -9 ${victims.join(", ")} at id ${next}`);
        await Promise.all(victims.map((name) => nodes[name].kill9()));
        await sleep(Math.random() * 200);
        await Promise.all(victims.map((name) => nodes[name].restart()));
        restarts += victims.length;
        log(`restarted ${victims.join(", ")}`);
      }
      killing = false;
    })();

    await Promise.all([driver, killer]);
    // Settle: every outbox empty and c's `seen` no longer growing.
    const deadline = Date.now() + (options.settleTimeoutMs ?? 60_000);
    let seenCount = -1;
    for (;;) {
      const [a, b] = await Promise.all([healthy(nodes.a), healthy(nodes.b)]);
      const seen = (await getJson(nodes.c.http, "/state/seen")) as [number][];
      const quiet = a?.["outbox"] === 0 && b?.["outbox"] === 0 && seen.length === seenCount;
      seenCount = seen.length;
      if (quiet && seenCount >= acknowledged.size) break;
      if (Date.now() > deadline) break;
      await sleep(250);
    }
    const seen = new Set(((await getJson(nodes.c.http, "/state/seen")) as [number][]).map(([id]) => id));
    const dup = (await getJson(nodes.c.http, "/state/dup")) as [number][];
    const lostIds: number[] = [];
    for (const id of acknowledged) if (!seen.has(id)) lostIds.push(id);
    let phantom = 0;
    for (const id of seen) if (!acknowledged.has(id) && !unknown.has(id)) phantom++;
    const addresses = Object.fromEntries(Object.entries(nodes).map(([name, node]) => [name, { listening: node.listening, http: node.http }]));
    const cleanExitCodes = await Promise.all([nodes.a.stop(), nodes.b.stop(), nodes.c.stop()]);
    return {
      posted: next - 1,
      acknowledged: acknowledged.size,
      unknownOutcome: unknown.size,
      seen: seen.size,
      lost: lostIds.length,
      duplicated: dup.length,
      lostIds: toRanges(lostIds),
      duplicatedIds: toRanges(dup.map(([id]) => id)),
      phantom,
      restarts,
      seconds: (Date.now() - started) / 1000,
      cleanExitCodes,
      addresses,
    };
  } finally {
    await Promise.all(Object.values(nodes).map((node) => node.kill9()));
    rmSync(root, { recursive: true, force: true });
  }
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const killCount = option("kills", 6);
  const patternIndex = process.argv.indexOf("--pattern");
  const pattern = patternIndex < 0 ? "b;c;a;b,c;a,b,c;c" : process.argv[patternIndex + 1]!;
  const rotation = pattern.split(";").map((group) => group.split(",") as ("a" | "b" | "c")[]);
  const result = await runKillTest({
    ids: option("ids", 5000),
    batch: option("batch", 50),
    kills: Array.from({ length: killCount }, (_, i) => rotation[i % rotation.length]!),
    intervalMs: option("interval-ms", 1500),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = result.lost === 0 && result.duplicated === 0 && result.phantom === 0 ? 0 : 1;
}
