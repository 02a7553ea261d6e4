// The dynamic cross-check of the CALM analysis: the runtime is the ground truth it answers to.
// In: every program of the CALM corpus, the examples and test/calm/crosscheck that reads a
// channel, with the analyzer's verdicts (never hard-coded). Out, per program:
// - every rule coordination-free: a fast-check property that delivering the same messages in
//   other orders, batches and with duplicates ends with the same outputs, messages sent and state;
// - some rules not coordination-free: the same property for the collections those rules do not
//   reach, and, for the rules that need coordination or are not confluent, a search for two
//   schedules that end differently in what those rules reach.
// Why the two search spaces: reordering the network alone is what the analysis speaks about;
// a local input racing the network is a second space, where a monotone reader may only see less
// (a get before the put it asks about), so there a divergence counts only when a run sees
// something the fully informed run does not. Seeds are fixed (CROSSCHECK_SEED changes them,
// CROSSCHECK_RUNS the number of runs, CROSSCHECK_VERBOSE=1 prints every divergence found).

import fc from "fast-check";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  agreementProperty,
  canonicalSchedule,
  checkScenario,
  collectionOfKey,
  compareOutcomes,
  describeCheck,
  noteReached,
  plannedSchedule,
  prepareProgram,
  reachedFrom,
  runSchedule,
  scenarioArbitrary,
  searchDivergence,
  type Check,
  type CrosscheckProgram,
  type Outcome,
  type Scenario,
} from "./crosscheck-harness.ts";
import type { JsonValue } from "../runtime/values.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..");
const SOURCES = [join(HERE, "calm", "corpus"), join(ROOT, "examples"), join(HERE, "calm", "crosscheck")];
const BASE_SEED = Number(process.env["CROSSCHECK_SEED"] ?? 20_250_601);
const RUNS = Number(process.env["CROSSCHECK_RUNS"] ?? 100);
const VERBOSE = process.env["CROSSCHECK_VERBOSE"] === "1";

/**
 * Flagged programs whose flagged rules provably cannot end differently on this runtime: the
 * analysis is right by ANALYSIS.md and stricter than the runtime needs. Each reason says why.
 */
const CONSERVATIVE: ReadonlyMap<string, string> = new Map([
  [
    "test/calm/corpus/bool_and_threshold.hydro",
    "a bool_and key holds a tuple only once false is merged in (true is its bottom, LANGUAGE.md §5), so `fine(s) <= healthy(s, b), b` never fires",
  ],
  [
    "test/calm/corpus/bool_or_threshold.hydro",
    "a bool_or key holds a tuple only once true is merged in (false is its bottom, LANGUAGE.md §5), so `calm(z) <= alarm(z, b), b == false` never fires",
  ],
  [
    "test/calm/corpus/delete_channel_no_insert.hydro",
    "only deletes touch the table after tick 0, and deleting fact rows commutes and is idempotent",
  ],
]);

/**
 * Programs the analysis calls coordination-free although the runtime ends differently, where
 * ANALYSIS.md does not say it should flag them, and the analysis says so itself with a CALM005
 * (a claim it cannot verify). Each must keep diverging and keep its CALM005; an entry the
 * analysis starts to flag must be removed.
 */
const KNOWN_GAPS: ReadonlyMap<string, string> = new Map([
  [
    "test/calm/corpus/keyed_insert_channel.hydro",
    "key constraints: two values for one key fail the tick holding both and reject its arrivals, so the batching picks the survivor",
  ],
]);

/**
 * Heads of coordination-free rules that no generated scenario can fill, and why; every other
 * one must hold a tuple in some run, or the agreement would be vacuous.
 */
const UNREACHED: ReadonlyMap<string, { readonly collections: readonly string[]; readonly reason: string }> = new Map([
  ["test/calm/corpus/threshold_size.hydro", { collections: ["crowded"], reason: "size(s) >= 10 needs ten joins in one room, more messages than a scenario holds" }],
  ["test/calm/corpus/bool_or_threshold.hydro", { collections: ["calm"], reason: "see CONSERVATIVE" }],
  ["test/calm/corpus/bool_and_threshold.hydro", { collections: ["fine"], reason: "see CONSERVATIVE" }],
]);

/** What the search for divergences must find among the flagged programs (the list). */
const REQUIRED_DIVERGENT = [
  "test/calm/corpus/cart_disorderly.hydro",
  "test/calm/corpus/two_phase_commit.hydro",
  "test/calm/corpus/negation_channel.hydro",
  "test/calm/corpus/count_plain.hydro",
  "test/calm/corpus/upsert_channel.hydro",
  "test/calm/corpus/kvs_overwrite.hydro",
  "test/calm/corpus/rendezvous.hydro",
];

function hydroFiles(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return hydroFiles(path);
    return name.endsWith(".hydro") ? [path] : [];
  });
}

const programs = SOURCES.flatMap(hydroFiles)
  .map((path) => prepareProgram(path))
  .filter((program): program is CrosscheckProgram => program !== null && program.channels.length > 0);

const nameOf = (program: CrosscheckProgram): string => relative(ROOT, program.path);
const seedOf = (program: CrosscheckProgram): number => {
  let hash = BASE_SEED;
  for (const char of nameOf(program)) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
};
const isFlagged = (verdict: string): boolean => verdict === "needs-coordination" || verdict === "not-confluent";
const rulesWhere = (program: CrosscheckProgram, test: (verdict: string) => boolean) => program.report.rules.filter((rule) => test(rule.verdict));

const free = programs.filter((p) => rulesWhere(p, (v) => v !== "coordination-free").length === 0);
const mixed = programs.filter((p) => rulesWhere(p, (v) => v !== "coordination-free").length > 0);
const flagged = programs.filter((p) => rulesWhere(p, isFlagged).length > 0);

/** The collections a run is compared on, minus everything a rule that is not coordination-free reaches. */
function freePart(program: CrosscheckProgram): Set<string> {
  const reached = reachedFrom(program.ir, rulesWhere(program, (v) => v !== "coordination-free").map((rule) => rule.id));
  const observed = program.ir.collections.filter((c) => ["table", "lattice", "output", "scratch"].includes(c.kind) || program.ir.rules.some((r) => r.head === c.name && r.operator === "<~"));
  return new Set(observed.map((c) => c.name).filter((name) => !reached.has(name)));
}

describe("the harness", () => {
  const program = programs.find((p) => nameOf(p) === "test/calm/corpus/two_phase_commit.hydro");

  it("delivers every message once or twice, keeps local events in order, and ends every schedule with a settle", () => {
    expect(program, "two_phase_commit.hydro is in the corpus").toBeDefined();
    fc.assert(
      fc.property(scenarioArbitrary(program!, ["first", "last", "interleaved"]), (scenario) => {
        for (const schedule of [canonicalSchedule(scenario), plannedSchedule(scenario)]) {
          const delivered = new Map<string, number>();
          const locals: string[] = [];
          for (const step of schedule.steps) {
            if (step.kind !== "tick") continue;
            for (const [name, tuples] of Object.entries(step.arrivals)) {
              for (const tuple of tuples) {
                const text = JSON.stringify([name, tuple]);
                if (program!.channels.some((c) => c.name === name)) delivered.set(text, (delivered.get(text) ?? 0) + 1);
                else locals.push(text);
              }
            }
          }
          const wanted = new Map<string, number>();
          for (const m of scenario.messages) wanted.set(JSON.stringify([m.channel, m.tuple]), (wanted.get(JSON.stringify([m.channel, m.tuple])) ?? 0) + 1);
          for (const [text, count] of wanted) {
            const got = delivered.get(text) ?? 0;
            expect(got, `${text} in\n${JSON.stringify(schedule)}`).toBeGreaterThanOrEqual(count);
            expect(got).toBeLessThanOrEqual(2 * count);
          }
          expect([...delivered.keys()].every((text) => wanted.has(text))).toBe(true);
          expect(locals).toEqual(scenario.locals.flatMap((batch) => Object.entries(batch).flatMap(([name, tuples]) => tuples.map((t) => JSON.stringify([name, t])))));
          expect(schedule.steps.at(-1)).toEqual({ kind: "settle" });
        }
      }),
      { numRuns: 100, seed: BASE_SEED },
    );
  });

  it("finds no difference between a schedule and itself (runs are deterministic)", async () => {
    const Program = await program!.load();
    fc.assert(
      fc.property(scenarioArbitrary(program!, ["first", "last", "interleaved"]), (scenario) => {
        const schedule = plannedSchedule(scenario);
        expect(compareOutcomes(program!, runSchedule(program!, Program, schedule), runSchedule(program!, Program, schedule))).toBeNull();
      }),
      { numRuns: 20, seed: BASE_SEED },
    );
  });

  it("catches a difference: two yes votes in separate ticks give a partial count the canonical run never has", async () => {
    const Program = await program!.load();
    const vote = { channel: "vote", tuple: ["self", 1, "p1", true] };
    const scenario: Scenario = {
      messages: [vote, { channel: "vote", tuple: ["self", 1, "p2", true] }],
      deliveries: [
        { batch: 0, order: 0, duplicate: null },
        { batch: 1, order: 0, duplicate: null },
      ],
      locals: [{ begin: [[1, 2]] }],
      localSlots: [0],
      placement: "first",
    };
    const check = checkScenario(program!, Program, scenario);
    expect(check.difference?.collections.map((d) => d.collection)).toContain("scratch yes_count");
    expect(describeCheck(check)).toMatch(/vote\["self",1,"p2",true\]/);
  });

  it("lets a lattice column sent or output be a lower bound, and in lower-bound mode lets a run see less", () => {
    const quotes = programs.find((p) => nameOf(p) === "test/calm/corpus/taint_lattice_column.hydro");
    expect(quotes, "taint_lattice_column.hydro is in the corpus").toBeDefined();
    const outcome = (quote: JsonValue[][], catalog: JsonValue[][]): Outcome => ({ collections: { "sent quote": quote, "table catalog": catalog }, failures: [], quiet: true });
    const reference = outcome([["self", "lamp", 2]], [["lamp"]]);
    const differs = (other: ReturnType<typeof outcome>, agreement: "same" | "lower-bound") =>
      compareOutcomes(quotes!, reference, other, { agreement })?.collections.map((d) => d.collection) ?? [];
    expect(differs(outcome([["self", "lamp", 0]], [["lamp"]]), "same")).toEqual([]);
    expect(differs(outcome([["self", "lamp", 3]], [["lamp"]]), "same")).toEqual(["sent quote"]);
    expect(differs(outcome([], [["lamp"]]), "same")).toEqual(["sent quote"]);
    expect(differs(outcome([], []), "same")).toEqual(["sent quote", "table catalog"]);
    expect(differs(outcome([], []), "lower-bound")).toEqual([]);
    expect(differs(outcome([["self", "lamp", 2]], [["lamp"], ["desk"]]), "lower-bound")).toEqual(["table catalog"]);
  });
});

/** Runs the agreement property; then checks that the payloads reached every coordination-free rule's head in `part`. */
async function expectAgreement(program: CrosscheckProgram, numRuns: number, focus?: ReadonlySet<string>): Promise<void> {
  const Program = await program.load();
  const seen = new Set<string>();
  const options = { observe: (outcome: Parameters<typeof noteReached>[0]) => noteReached(outcome, seen), ...(focus === undefined ? {} : { focus }) };
  fc.assert(agreementProperty(program, Program, ["first", "last"], options), { numRuns, seed: seedOf(program) });
  const heads = new Set(rulesWhere(program, (v) => v === "coordination-free").map((rule) => program.ir.rules.find((r) => r.id === rule.id)!.head));
  const excused = UNREACHED.get(nameOf(program))?.collections ?? [];
  const unreached = [...heads].filter((head) => (focus === undefined || focus.has(head)) && !seen.has(head) && !excused.includes(head));
  expect(unreached, "coordination-free rules whose head no generated run filled: the agreement says nothing about them").toEqual([]);
}

describe("coordination-free programs: every schedule of the network ends the same", () => {
  it("covers at least 10 programs that read a channel", () => {
    const covered = free.map(nameOf).filter((name) => !KNOWN_GAPS.has(name));
    expect(covered.length, covered.join(", ")).toBeGreaterThanOrEqual(10);
  });

  it("lists as known gaps only programs the analysis still calls coordination-free", () => {
    for (const name of KNOWN_GAPS.keys()) expect(free.map(nameOf), `${name}: remove it from KNOWN_GAPS once the analysis flags it`).toContain(name);
  });

  for (const program of free) {
    const gap = KNOWN_GAPS.get(nameOf(program));
    if (gap !== undefined) {
      it(`${nameOf(program)}: called coordination-free, yet schedules differ — outside ANALYSIS.md: ${gap}`, async () => {
        const Program = await program.load();
        const found = searchDivergence(program, Program, { placements: ["first", "last"], agreement: "same", numRuns: 2 * RUNS, seed: seedOf(program) });
        expect(found.found, "the gap is closed: the runtime agrees in every schedule tried").not.toBeNull();
        expect(program.report.diagnostics.map((d) => d.code), "the analysis marks the claim it cannot verify").toContain("CALM005");
        if (VERBOSE) console.log(`${nameOf(program)} (known gap):\n${describeCheck(found.found!)}`);
      });
      continue;
    }
    it(`${nameOf(program)} (${program.report.rules.length} rules, all coordination-free)`, () => expectAgreement(program, RUNS));
  }
});

describe("mixed programs: what only coordination-free rules reach ends the same", () => {
  for (const program of mixed) {
    const part = freePart(program);
    if (part.size === 0) continue;
    it(`${nameOf(program)}: ${[...part].sort().join(", ")}`, () => expectAgreement(program, Math.ceil(RUNS / 2), part));
  }
});

describe("needs coordination or not confluent: two schedules end differently", () => {
  it("covers the disorderly cart, 2PC vote counting, negation over a channel, a count into a plain column, <+- fed by a channel and a rendezvous", () => {
    const names = flagged.map(nameOf);
    for (const name of REQUIRED_DIVERGENT) expect(names, `${name} is flagged by the analysis`).toContain(name);
    expect(flagged.length).toBeGreaterThanOrEqual(6);
    for (const name of CONSERVATIVE.keys()) expect(programs.map(nameOf), `${name} exists`).toContain(name);
  });

  for (const program of flagged) {
    const rules = rulesWhere(program, isFlagged);
    const summary = rules.map((r) => `${r.name} ${r.verdict} ${r.code}`).join(", ");
    const focus = reachedFrom(program.ir, rules.map((rule) => rule.id));
    const reason = CONSERVATIVE.get(nameOf(program));

    const search = async (): Promise<{ check: Check; space: string } | null> => {
      const Program = await program.load();
      const seed = seedOf(program);
      const numRuns = 2 * RUNS;
      // First the network alone (the space of the property above), then a local event racing it.
      const network = searchDivergence(program, Program, { placements: ["first", "last"], agreement: "same", focus, numRuns, seed });
      if (network.found !== null) return { check: network.found, space: "reordering the network" };
      const racing = searchDivergence(program, Program, { placements: ["interleaved"], agreement: "lower-bound", focus, numRuns, seed });
      return racing.found === null ? null : { check: racing.found, space: "a local input racing the network" };
    };

    if (reason !== undefined) {
      it(`${nameOf(program)}: ${summary} — yet no schedule differs: ${reason}`, async () => {
        const found = await search();
        expect(found, found === null ? "" : `the analysis is not just conservative here:\n${describeCheck(found.check)}`).toBeNull();
      });
      continue;
    }

    it(`${nameOf(program)}: ${summary}`, async () => {
      const found = await search();
      expect(found, `no two schedules of ${2 * RUNS} per space end differently in ${[...focus].join(", ")}`).not.toBeNull();
      const { check, space } = found!;
      if (VERBOSE) console.log(`${nameOf(program)} (${summary}), found by ${space}:\n${describeCheck(check)}`);
      // The difference is where the flagged rules reach, and it is reproducible from the schedules alone.
      for (const difference of check.difference!.collections) expect(focus.has(collectionOfKey(difference.collection))).toBe(true);
      const Program = await program.load();
      const again = compareOutcomes(program, runSchedule(program, Program, check.reference), runSchedule(program, Program, check.other), {
        agreement: check.agreement,
        focus,
      });
      expect(again, describeCheck(check)).toEqual(check.difference);
    });
  }
});
