// Words for a finding: the message, the seal status, the fix class and a concrete suggestion.
// In: one Finding of a rule, the program, the labels, the declared and hypothetical seals.
// Out: text for people (the diagnostic message, related notes and help) and the fix class for
// machines. Suggestions name real collections and columns of the program — `seal vote on (tx);`,
// `votes_log(...) <= vote(...)` — because a fix the user has to work out is half a fix.

import type { IrCollection, IrEdge, IrProgram, IrRule, NonMonotoneReason } from "../ir.ts";
import type { Finding } from "./findings.ts";
import type { LabelStore } from "./labels.ts";
import type { FixClass } from "./report.ts";
import { sealSuggestion, type SealMap } from "./seals.ts";
import { originKind, originName, type Origin } from "./taint.ts";

export interface ExplainContext {
  readonly program: IrProgram;
  readonly labels: LabelStore;
  readonly declared: SealMap;
  readonly hypothetical: SealMap;
  readonly honourSeals: boolean;
}

export interface Explanation {
  readonly message: string;
  readonly help: string;
  readonly fix: FixClass;
  readonly seal: string | null;
}

export function columnList(collection: IrCollection | undefined, columns: readonly number[] | null): string {
  if (columns === null) return "()";
  return `(${columns.map((c) => collection?.columns[c]?.name ?? `#${c}`).join(", ")})`;
}

function ruleName(program: IrProgram, id: number): string {
  return program.rules[id]?.name ?? `rule ${id}`;
}

export function originText(program: IrProgram, origin: Origin): string {
  const kind = originKind(origin);
  if (kind === "nondet") return `the nondeterministic rule ${ruleName(program, Number(originName(origin)))}`;
  return `${kind} ${originName(origin)}`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function describeReason(reason: NonMonotoneReason, edge: IrEdge, from: IrCollection | undefined): string {
  const text = edge.operatorText;
  switch (reason.kind) {
    case "negation":
      return `${text} can hold now and fail once a late ${edge.from} tuple arrives`;
    case "aggregate":
      return `${text} aggregates ${edge.from} before all of it can have arrived`;
    case "delete":
      return `the delete ${text} depends on which ${edge.from} tuples have arrived`;
    case "upsert":
      return `the upsert ${text} depends on which ${edge.from} tuple arrives last`;
    case "lattice-read": {
      const column = `${edge.from}.${from?.columns[reason.column]?.name ?? `#${reason.column}`}`;
      switch (reason.use) {
        case "against-direction":
          return `${text} tests the lattice value ${column} against its order, so a later merge can turn it false`;
        case "equality":
          return `${text} tests the lattice value ${column} for equality, which a later merge can change`;
        case "join-on-value":
          return `the rule joins on the lattice value ${column} (${text}), which a later merge can change`;
        case "constant":
          return `the constant ${text} in the lattice column ${column} matches a value that a later merge can change`;
        case "copy-to-plain":
          return `${text} copies the lattice value ${column} into a plain value that a later merge makes stale`;
        case "extern":
          return `${text} passes the lattice value ${column} to a function that need not respect its order`;
      }
    }
  }
}

/** Seal status of one channel origin at an edge, and the key a seal would need. */
function sealStatus(context: ExplainContext, edge: IrEdge, origin: Origin): { text: string; suggestion: string | null; sealable: boolean } {
  const channel = originName(origin);
  const schema = context.labels.schema(channel);
  const level = context.labels.input(context.program.rules[edge.rule]!, edge.atom).get(origin);
  const atom = context.program.rules[edge.rule]!.atoms[edge.atom]!;
  const constants = atom.columns.flatMap((p, i) => (p.kind === "match" && p.value.kind === "constant" ? [i] : []));
  // One column is the simplest promise a producer can keep; the first one of the gate is chosen.
  const suggestion = columnList(schema, sealSuggestion(context.hypothetical, edge, channel, constants).slice(0, 1));
  if (level === 2) {
    return { text: `${channel} reaches ${edge.from} as D (after a point of order upstream): no seal can help`, suggestion: null, sealable: false };
  }
  const compatible = context.declared.compatible(edge.from, origin, edge.gate);
  const declaredText = (seed: string): string => {
    const seal = context.program.seals[Number(seed.slice("seal:".length))];
    return seal === undefined ? "()" : columnList(schema, seal.columns);
  };
  if (compatible.length > 0) {
    const key = declaredText(compatible[0]!.seed);
    return context.honourSeals
      ? { text: `${channel} is sealed on ${key}, compatible with the gate`, suggestion: null, sealable: true }
      : { text: `${channel} is sealed on ${key}, compatible with the gate, but the runtime does not honour seals yet (CALM006)`, suggestion: null, sealable: true };
  }
  const reaching = context.declared.of(edge.from, origin);
  if (reaching.length > 0) {
    return { text: `${channel} is sealed on ${declaredText(reaching[0]!.seed)}, which is not within the gate; a compatible key: ${suggestion}`, suggestion, sealable: true };
  }
  const declared = context.program.seals.filter((s) => s.collection === channel);
  if (declared.length > 0) {
    return { text: `the seal of ${channel} on ${columnList(schema, declared[0]!.columns)} does not reach ${edge.from} through unchanged columns; a compatible key: ${suggestion}`, suggestion, sealable: true };
  }
  return { text: `${channel} is not sealed; a compatible key: ${suggestion}`, suggestion, sealable: true };
}

function explainCoordination(finding: Finding, rule: IrRule, context: ExplainContext): Explanation {
  const edge = finding.edge!;
  const from = context.labels.schema(edge.from);
  const reason = edge.reasons[0]!;
  const sources = finding.origins.map((o) => originText(context.program, o));
  const statuses = finding.origins.filter((o) => originKind(o) === "channel").map((o) => ({ origin: o, ...sealStatus(context, edge, o) }));
  const completeSet = edge.reasons.some((r) => r.kind === "aggregate" || r.kind === "negation");
  const sealable = completeSet && statuses.length > 0 && statuses.every((s) => s.sealable);
  const gate = columnList(from, edge.gate);
  const taint = context.labels.input(rule, edge.atom);
  const late = finding.origins.filter((o) => taint.get(o) === 2);
  const fits = statuses.length > 0 && statuses.every((s) => s.sealable && s.suggestion === null);
  const input =
    late.length === finding.origins.length
      ? `${edge.from} is D: it depends on the order of ${list(sources)} already (after a point of order upstream)`
      : fits
        ? `${edge.from} is asynchronous (from ${list(sources)}); its seal fits the gate ${gate}, but the runtime does not honour seals yet`
        : `${edge.from} is asynchronous (from ${list(sources)}) and not sealed on a key within the gate ${gate}`;
  const message = `${rule.name} needs coordination: ${describeReason(reason, edge, from)}; ${input}`;
  const order =
    `order: deliver ${edge.from} in one agreed order before ${rule.name} reads it — a single owner ${gate === "()" ? "of all of it" : `per ${gate}`}, ` +
    `a sequencer, or consensus${reason.kind === "lattice-read" ? "; or read the lattice only in its own direction (a threshold)" : ""}`;
  const seal = statuses.length > 0 ? statuses.map((s) => s.text).join("; ") : null;
  if (!sealable) return { message, help: order, fix: "order", seal };
  const missing = statuses.filter((s) => s.suggestion !== null).map((s) => `\`seal ${originName(s.origin)} on ${s.suggestion};\``);
  const declared = statuses.filter((s) => s.suggestion === null).map((s) => originName(s.origin));
  const parts: string[] = [];
  const wholeStream = statuses.every((s) => s.suggestion === null || s.suggestion === "()");
  const promise = wholeStream ? "punctuates the end of its stream" : "punctuates after its last tuple per key";
  if (missing.length > 0) parts.push(`seal: if every producer ${promise}, declare ${list(missing)}`);
  if (declared.length > 0) parts.push(`seal: the seal${declared.length > 1 ? "s" : ""} of ${list(declared)} already fit${declared.length > 1 ? "" : "s"} the gate`);
  if (!context.honourSeals) parts.push(`The runtime does not honour seals yet (CALM006); until it does, ${order}`);
  return { message, help: parts.join(". "), fix: "seal", seal };
}

export function explain(finding: Finding, rule: IrRule, context: ExplainContext): Explanation {
  const program = context.program;
  const sources = list(finding.origins.map((o) => originText(program, o)));
  const head = context.labels.schema(rule.head);
  switch (finding.code) {
    case "CALM001":
      return explainCoordination(finding, rule, context);
    case "CALM003": {
      const key = columnList(head, head?.key ?? head?.columns.map((_, i) => i) ?? null);
      const message =
        rule.operator === "<+-"
          ? `${rule.name} needs coordination: the upsert into ${rule.head} takes its trigger or value from asynchronous input (${sources}), so which write wins depends on arrival order`
          : `${rule.name} needs coordination: the delete from ${rule.head} races with the inserts of ${list((finding.inserts ?? []).map((i) => ruleName(program, i)))} on asynchronous data (${sources})`;
      const help =
        `order: give each key ${key} of ${rule.head} a single owner, or sequence its writes (a sequencer or consensus); ` +
        `or redesign ${rule.head} as a lattice (lww<T>, max<T>, set<T>) merged with <=`;
      return { message, help, fix: "order", seal: null };
    }
    case "CALM009": {
      if (finding.call !== undefined) {
        return {
          message: `${rule.name} calls ${finding.call.text}, which is nondeterministic: its result differs between runs and replicas`,
          help: `ack: if any outcome is acceptable, annotate the rule @nondet("why"); otherwise let one node decide and send the decision to the others`,
          fix: "ack",
          seal: null,
        };
      }
      const edge = finding.edge!;
      return {
        message: `${rule.name} needs coordination: ${describeReason(edge.reasons[0]!, edge, context.labels.schema(edge.from))}; ${edge.from} is driven by the clock (${sources}), so the result depends on when the timer fires`,
        help: `ack: if a timing-dependent result is intended (a timeout, a heartbeat), annotate the rule @nondet("why"); otherwise let one decider fire the timer and send its decision`,
        fix: "ack",
        seal: null,
      };
    }
    case "CALM004": {
      const self = finding.selfUpdate!;
      const triggers = rule.atoms.filter((a, i) => i !== self.selfAtom && !a.negated).map((a) => a.collection);
      const trigger = triggers[0] ?? "the trigger";
      return {
        message: `${rule.name} is not confluent: ${self.text} updates ${rule.head} once per tick in which ${list(triggers)} (from ${sources}) arrives; it counts ticks, not facts, so batching or duplicated messages change the result`,
        help: `persist: record each ${trigger} by a message id in an idempotent lattice (e.g. a set<T> column merged with <=, or a table) and derive the count from it (size(s), or count into max<int> over the table)`,
        fix: "persist",
        seal: null,
      };
    }
    case "CALM002": {
      const pair = finding.join!;
      const left = rule.atoms[pair.left]!.collection;
      const right = rule.atoms[pair.right]!.collection;
      const perTick = [...new Set([left, right].filter((c) => ["scratch", "channel", "input", "output", "periodic"].includes(context.labels.kind(c) ?? "")))];
      const on = pair.leftColumns.length > 0 ? ` on ${columnList(context.labels.schema(left), pair.leftColumns)}` : " (a cross product)";
      return {
        message: `${rule.name} is not confluent: the join of ${left} and ${right}${on} needs both in one tick, both are asynchronous (from ${sources}) and ${list(perTick)} ${perTick.length > 1 ? "hold" : "holds"} only this tick's tuples`,
        help: `persist: store both sides first (e.g. \`${perTick[0] ?? left}_log(...) <= ${perTick[0] ?? left}(...);\` into a table) and join the tables, so a match no longer needs both in one tick`,
        fix: "persist",
        seal: null,
      };
    }
  }
}
