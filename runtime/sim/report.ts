// What `hydro sim` prints: the verdict over all schedules, and on a divergence the differing
// tuple and the two schedules side by side up to where they part.
// In: an ExploreResult and the topology. Out: human text, or one JSON document (version 1).
// Why this shape: the first lines answer "do all schedules agree?"; the rest is the evidence a
// person needs to see the race (the node that saw messages in another order, when, from whom),
// compact enough to read in a terminal or a CI log.

import { relative } from "node:path";
import type { JsonValue } from "../values.ts";
import type { ExploreResult, RunSummary } from "./explore.ts";
import type { RunResult, ScheduleEntry } from "./simulation.ts";
import type { Topology } from "./topology.ts";

export interface ReportOptions {
  readonly cwd: string;
  /** Print every run's whole schedule too. */
  readonly trace: boolean;
}

/** Entries of common prefix shown before a difference, and entries shown after it. */
const CONTEXT_BEFORE = 3;
const CONTEXT_AFTER = 3;
/** A node's view this short is shown whole. */
const WHOLE_VIEW = 10;
const TUPLES_SHOWN = 5;

export function textReport(result: ExploreResult, topology: Topology, options: ReportOptions): string {
  const lines: string[] = [];
  const schedules = result.runs.length;
  const seeds = result.runs.map((run) => run.seed);
  const what = topology.compare.join(" and ");
  lines.push(`${relative(options.cwd, topology.path) || topology.path}: ${schedules} schedule${schedules === 1 ? "" : "s"} (seed${schedules === 1 ? ` ${seeds[0]}` : `s ${seeds[0]}..${seeds[seeds.length - 1]}`}), comparing ${what}`);
  for (const run of result.runs) lines.push(`  ${summaryLine(run)}`);
  lines.push(...warnings(result));

  if (result.aborted !== null) {
    lines.push(`error: seed ${result.aborted.seed} stopped early: ${result.aborted.aborted}`);
  } else if (schedules === 1) {
    lines.push("", ...outcomeLines(result.reference, topology));
  } else if (result.divergence === null) {
    lines.push(`agree: all ${schedules} schedules end with the same ${what}`);
  } else {
    const { first, second, difference, schedule } = result.divergence;
    lines.push(`diverge: ${result.outcomes.length} different outcomes over ${schedules} schedules`);
    result.outcomes.forEach((outcome, index) => lines.push(`  outcome ${index + 1}: seeds ${seedList(outcome.seeds)}`));
    lines.push("", `first difference, seed ${first.seed} against seed ${second.seed}: ${difference.node} ${difference.aspect === "outputs" ? "output" : "state"} ${difference.collection}`);
    lines.push(...tupleLines(`only with seed ${first.seed}`, difference.onlyInFirst), ...tupleLines(`only with seed ${second.seed}`, difference.onlyInSecond));
    const origin = result.divergence.origin;
    if (origin !== null) {
      const seed = origin.run === "first" ? first.seed : second.seed;
      lines.push(`  ${JSON.stringify(origin.tuple)} was output by ${origin.node} in tick ${origin.tick} at ${origin.time} ms (seed ${seed})`);
    }
    if (schedule === null) {
      lines.push("", "every node received the same messages in the same batches: the difference comes from timer firings or from when things arrived");
    } else {
      lines.push("", `the schedules part at ${schedule.node}: what it received, in order (> marks the first difference)`);
      // When the race is at the node that emitted the differing output, show up to that moment.
      const until = origin !== null && origin.node === schedule.node ? origin.time : null;
      lines.push(`  seed ${first.seed}:`, ...excerpt(schedule.first, schedule.firstIndex, until));
      lines.push(`  seed ${second.seed}:`, ...excerpt(schedule.second, schedule.secondIndex, until));
    }
  }
  if (options.trace) {
    for (const run of result.runs) {
      if (run.run === undefined) continue;
      lines.push("", `schedule of seed ${run.seed}:`, ...run.run.schedule.map((entry) => `  ${formatEntry(entry)}`));
    }
  }
  return lines.join("\n") + "\n";
}

function summaryLine(run: RunSummary): string {
  const s = run.statistics;
  const parts = [`${s.sent} sent`, `${s.delivered} delivered`];
  if (s.dropped > 0) parts.push(`${s.dropped} lost`);
  if (s.duplicated > 0) parts.push(`${s.duplicated} duplicated`);
  parts.push(`${s.ticks} ticks`);
  if (s.failedTicks > 0) parts.push(`${s.failedTicks} failed`);
  return `seed ${run.seed}: ${parts.join(", ")}, last event at ${s.endTime} ms -> outcome ${run.outcome + 1}`;
}

function warnings(result: ExploreResult): string[] {
  const lines: string[] = [];
  const undeliverable = result.runs.filter((run) => run.statistics.undeliverable > 0);
  if (undeliverable.length > 0) {
    const example = result.reference.schedule.find((entry) => entry.kind === "drop" && entry.reason === "unknown address");
    const to = example !== undefined && example.kind === "drop" ? ` (e.g. ${example.channel} to ${JSON.stringify(example.node)})` : "";
    lines.push(`warning: messages to addresses that name no node were lost in ${undeliverable.length} schedule${undeliverable.length === 1 ? "" : "s"}${to}`);
  }
  const failing = result.runs.filter((run) => run.failures > 0);
  if (failing.length > 0) {
    const failure = result.reference.schedule.find((entry) => entry.kind === "failure");
    const example = failure !== undefined && failure.kind === "failure" ? `: ${failure.node} tick ${failure.tick}: ${failure.message}` : "";
    lines.push(`warning: ticks failed in ${failing.length} schedule${failing.length === 1 ? "" : "s"}${example}`);
  }
  const rejected = result.reference.schedule.find((entry) => entry.kind === "drop" && entry.reason === "rejected");
  if (rejected !== undefined && rejected.kind === "drop") {
    lines.push(`warning: ${rejected.node} rejected a ${rejected.channel} message from ${rejected.from}: its program has no such channel, or one with other columns`);
  }
  return lines;
}

function outcomeLines(run: RunResult, topology: Topology): string[] {
  const lines: string[] = [];
  for (const [name, outcome] of run.nodes) {
    lines.push(`${name}${outcome.down ? " (down at the end)" : ""}:`);
    for (const aspect of topology.compare) {
      for (const [collection, tuples] of Object.entries(outcome[aspect])) {
        if (tuples.length === 0) continue;
        lines.push(`  ${aspect === "outputs" ? "output" : "state"} ${collection}: ${tuples.map((tuple) => JSON.stringify(tuple)).join(" ")}`);
      }
    }
  }
  return lines;
}

function tupleLines(label: string, tuples: readonly JsonValue[][]): string[] {
  if (tuples.length === 0) return [`  ${label}: nothing`];
  const shown = tuples.slice(0, TUPLES_SHOWN).map((tuple) => JSON.stringify(tuple)).join(" ");
  return [`  ${label}: ${shown}${tuples.length > TUPLES_SHOWN ? ` … (${tuples.length} tuples)` : ""}`];
}

function excerpt(entries: readonly ScheduleEntry[], index: number, until: number | null): string[] {
  const lines: string[] = [];
  const from = entries.length <= WHOLE_VIEW ? 0 : Math.max(0, index - CONTEXT_BEFORE);
  let through = index + 1 + CONTEXT_AFTER;
  if (until !== null) while (through < entries.length && entries[through]!.time <= until) through++;
  if (from > 0) lines.push(`      … ${from} entr${from === 1 ? "y" : "ies"} as in the other schedule`);
  const to = entries.length <= WHOLE_VIEW ? entries.length : Math.min(entries.length, through);
  for (let i = from; i < to; i++) {
    lines.push(`    ${i === index ? ">" : " "} ${formatEntry(entries[i]!)}`);
  }
  if (index >= entries.length) lines.push("    > (nothing more)");
  else if (to < entries.length) lines.push(`      … ${entries.length - to} more`);
  return lines;
}

/** One schedule line: `  12 ms  tick 3   server1 <- client  action ["server1",1,"apples",2]  #4 sent at 5`. */
export function formatEntry(entry: ScheduleEntry): string {
  const time = `${String(entry.time).padStart(6)} ms`;
  switch (entry.kind) {
    case "deliver":
      return `${time}  tick ${String(entry.tick).padEnd(4)} ${entry.node} <- ${entry.from}  ${entry.channel} ${JSON.stringify(entry.tuple)}  (#${entry.message}, sent at ${entry.sentAt})`;
    case "drop":
      return `${time}  lost (${entry.reason})  ${entry.node} <- ${entry.from}  ${entry.channel} ${JSON.stringify(entry.tuple)}  (#${entry.message})`;
    case "input":
      return `${time}  tick ${String(entry.tick).padEnd(4)} ${entry.node} input ${entry.collections.join(", ")}${entry.dropped ? " (lost: node down)" : ""}`;
    case "timer":
      return `${time}  tick ${String(entry.tick).padEnd(4)} ${entry.node} timer ${entry.collection} #${entry.firing}`;
    case "crash":
      return `${time}  ${entry.node} crashes`;
    case "restart":
      return `${time}  ${entry.node} restarts from its last committed tick`;
    case "failure":
      return `${time}  tick ${String(entry.tick).padEnd(4)} ${entry.node} tick failed: ${entry.message}`;
  }
}

function seedList(seeds: readonly number[]): string {
  const shown = seeds.slice(0, 12).join(", ");
  return seeds.length > 12 ? `${shown}, … (${seeds.length} schedules)` : `${shown} (${seeds.length} schedule${seeds.length === 1 ? "" : "s"})`;
}

// ---------------------------------------------------------------------------------------------
// JSON

export function jsonReport(result: ExploreResult, topology: Topology, options: ReportOptions): string {
  const divergence = result.divergence;
  const document = {
    version: 1,
    topology: relative(options.cwd, topology.path) || topology.path,
    compare: topology.compare,
    schedules: result.runs.length,
    agree: result.aborted === null && divergence === null,
    ...(result.aborted === null ? {} : { error: { seed: result.aborted.seed, message: result.aborted.aborted } }),
    outcomes: result.outcomes.map((outcome) => ({ seeds: outcome.seeds })),
    runs: result.runs.map((run) => ({
      seed: run.seed,
      outcome: run.outcome + 1,
      ...run.statistics,
      ...(run.aborted === undefined ? {} : { aborted: run.aborted }),
      ...(run.run === undefined ? {} : { schedule: run.run.schedule }),
    })),
    final: finalJson(result.reference),
    divergence:
      divergence === null
        ? null
        : {
            seeds: [divergence.first.seed, divergence.second.seed],
            node: divergence.difference.node,
            aspect: divergence.difference.aspect,
            collection: divergence.difference.collection,
            origin: divergence.origin === null ? null : { ...divergence.origin, seed: divergence.origin.run === "first" ? divergence.first.seed : divergence.second.seed },
            onlyInFirst: divergence.difference.onlyInFirst,
            onlyInSecond: divergence.difference.onlyInSecond,
            schedule:
              divergence.schedule === null
                ? null
                : {
                    node: divergence.schedule.node,
                    first: divergence.schedule.first.slice(0, divergence.schedule.firstIndex + 1 + CONTEXT_AFTER),
                    second: divergence.schedule.second.slice(0, divergence.schedule.secondIndex + 1 + CONTEXT_AFTER),
                    firstIndex: divergence.schedule.firstIndex,
                    secondIndex: divergence.schedule.secondIndex,
                  },
          },
  };
  return JSON.stringify(document) + "\n";
}

function finalJson(run: RunResult): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const [name, outcome] of run.nodes) nodes[name] = { outputs: outcome.outputs, state: outcome.state, down: outcome.down };
  return { seed: run.seed, nodes };
}
