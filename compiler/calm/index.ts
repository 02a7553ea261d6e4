// The CALM analysis (ANALYSIS.md): per rule a verdict, per output collection a label.
// In: an IrProgram (rules, edges from edges.ts, seals). Out: a CalmReport — rule reports with
// code, operator, gate, witness path and fix; labels per collection; CALM001–CALM009 diagnostics.
// Pure and fast (a few linear passes and one small fixpoint), so `hydro check`, the graph drawer
// and the future dynamic cross-check can all call it freely.
// Order of work: static rule facts → seal propagation (declared, and hypothetical per column for
// suggestions) → label fixpoint with findings → final findings → verdicts, paths, words.

import { catalog, diagnostic, sortDiagnostics, type Diagnostic, type RelatedLocation } from "../diagnostics.ts";
import type { IrCollection, IrProgram } from "../ir.ts";
import { explain, columnList, originText, type ExplainContext } from "./explain.ts";
import { evaluateRule, type Finding, type FindingCode } from "./findings.ts";
import { channelReach, computeLabels, type LabelStore } from "./labels.ts";
import type { AnalyzeOptions, CalmReport, CollectionReport, RuleReport, Verdict, WitnessReport } from "./report.ts";
import { ruleFacts, type RuleFacts } from "./rule-facts.ts";
import { columnSeeds, declaredSeeds, propagateSeals, type SealMap } from "./seals.ts";
import { asyncOrigins, levelName, type Origin } from "./taint.ts";
import { stepText, Witnesses } from "./witness.ts";

export type { AnalyzeOptions, CalmReport, CalmSummary, CollectionReport, FixClass, RuleReport, Verdict, WitnessReport } from "./report.ts";
export type { FindingCode } from "./findings.ts";
export type { LabelName } from "./taint.ts";

const NEEDS_COORDINATION: ReadonlySet<FindingCode> = new Set(["CALM001", "CALM003", "CALM009"]);

export function analyzeProgram(ir: IrProgram, options: AnalyzeOptions = {}): CalmReport {
  const honourSeals = options.honourSeals ?? false;
  const facts = ruleFacts(ir);
  const reach = channelReach(ir);
  const declared = propagateSeals(ir, facts, reach, declaredSeeds(ir));
  const hypothetical = propagateSeals(ir, facts, reach, columnSeeds(ir));
  const { store, context } = computeLabels(ir, facts, declared, honourSeals);
  const findings = facts.map((f) => evaluateRule(f, context));
  const witnesses = new Witnesses(ir, store);
  const explainContext: ExplainContext = { program: ir, labels: store, declared, hypothetical, honourSeals };
  const isPoint = (id: number): boolean => (findings[id]?.length ?? 0) > 0;

  const diagnostics: Diagnostic[] = [];
  const rules = facts.map((f) => reportRule(f, findings[f.rule.id]!, { ir, store, witnesses, explainContext, isPoint, diagnostics }));
  diagnostics.push(...sealDiagnostics(ir, facts, store, declared, honourSeals));
  diagnostics.push(...externDiagnostics(ir, facts, store));
  diagnostics.push(...keyDiagnostics(ir, facts, store));

  const collections = ir.collections.map((c) => collectionReport(c, store));
  const outputs = collections.filter((c) => c.kind === "output");
  for (const output of outputs) {
    const origins = output.origins.map((o) => originText(ir, o));
    diagnostics.push(
      diagnostic(
        "CALM007",
        output.span,
        `output ${output.name} is ${output.label}${origins.length > 0 ? ` (from ${origins.join(", ")})` : " (local data only)"}`,
      ),
    );
  }

  return {
    rules,
    outputs,
    collections,
    diagnostics: sortDiagnostics(diagnostics),
    summary: {
      rules: rules.length,
      monotone: rules.filter((r) => r.monotone).length,
      coordinationFree: rules.filter((r) => r.verdict === "coordination-free").length,
      needsCoordination: rules.filter((r) => r.verdict === "needs-coordination").length,
      notConfluent: rules.filter((r) => r.verdict === "not-confluent").length,
      acknowledged: rules.filter((r) => r.verdict === "acknowledged").length,
    },
  };
}

interface ReportContext {
  readonly ir: IrProgram;
  readonly store: LabelStore;
  readonly witnesses: Witnesses;
  readonly explainContext: ExplainContext;
  readonly isPoint: (id: number) => boolean;
  readonly diagnostics: Diagnostic[];
}

function reportRule(f: RuleFacts, found: readonly Finding[], context: ReportContext): RuleReport {
  const rule = f.rule;
  const acknowledgement = rule.acknowledged.coordinated ?? rule.acknowledged.nondet ?? null;
  const annotation = rule.acknowledged.coordinated !== undefined ? "@coordinated" : "@nondet";
  const base = {
    id: rule.id,
    name: rule.name,
    span: rule.span,
    line: rule.span.line,
    column: rule.span.column,
    op: rule.operator,
    monotone: f.monotone,
    headLabel: levelName(context.store.columns(rule.head, null)),
    acknowledgement,
  };
  const primary = found[0];
  if (primary === undefined) {
    if (acknowledgement !== null) {
      context.diagnostics.push(
        diagnostic("CALM005", rule.span, `${rule.name} is acknowledged with ${annotation}("${acknowledgement}"), but the analysis finds no coordination point or nondeterminism here to acknowledge`, {
          help: `remove the ${annotation} annotation, or keep it as documentation of a claim the analysis cannot verify`,
        }),
      );
    }
    const upstream = context.witnesses.pointsUpstream(rule.id, context.isPoint).map((id) => context.ir.rules[id]!.name);
    return {
      ...base,
      verdict: "coordination-free",
      code: null,
      codes: [],
      operator: null,
      gate: null,
      gateCollection: null,
      fix: null,
      path: [],
      witnesses: [],
      downstreamOf: upstream,
      reason: freeReason(f, context, upstream),
      seal: null,
      message: null,
      help: null,
      diagnostic: null,
    };
  }

  const explanation = explain(primary, rule, context.explainContext);
  const witnesses: WitnessReport[] = [];
  for (const origin of primary.origins) {
    const steps = context.witnesses.path(origin, rule.id);
    if (steps !== null) witnesses.push({ origin, steps: steps.map(stepText), spans: steps.map((s) => s.span) });
  }
  witnesses.sort((a, b) => a.steps.length - b.steps.length || a.origin.localeCompare(b.origin));
  const verdict: Verdict = acknowledgement !== null ? "acknowledged" : NEEDS_COORDINATION.has(primary.code) ? "needs-coordination" : "not-confluent";
  const codes = [...new Set(found.map((x) => x.code))];
  const gateCollection = primary.gateCollection;
  const gateSchema = gateCollection === null ? undefined : context.store.schema(gateCollection);
  const gate = primary.gate === null ? null : primary.gate.map((c) => gateSchema?.columns[c]?.name ?? `#${c}`);

  let reported: Diagnostic;
  if (verdict === "acknowledged") {
    const kind = NEEDS_COORDINATION.has(primary.code) ? "needs coordination" : "is not confluent";
    reported = diagnostic("CALM008", rule.span, `${rule.name} ${kind} (${primary.code}: ${catalog[primary.code].title}), acknowledged with ${annotation}("${acknowledgement}")`);
  } else {
    const related: RelatedLocation[] = witnesses.map((w) => ({
      message: `witness path: ${w.steps.join(" -> ")} [${primary.operator}]`,
      span: w.spans[0],
    }));
    if (explanation.seal !== null) related.push({ message: `seal: ${explanation.seal}` });
    for (const other of codes.slice(1)) related.push({ message: `also ${other}: ${catalog[other].title}` });
    if (primary.inserts !== undefined) {
      for (const id of primary.inserts) related.push({ message: `races with ${context.ir.rules[id]!.name}`, span: context.ir.rules[id]!.span });
    }
    reported = diagnostic(primary.code, primary.span, explanation.message, { related, help: explanation.help });
  }
  context.diagnostics.push(reported);

  return {
    ...base,
    verdict,
    code: primary.code,
    codes,
    operator: primary.operator,
    gate,
    gateCollection,
    fix: explanation.fix,
    path: witnesses[0]?.steps ?? [rule.name + ` (line ${rule.span.line})`],
    witnesses,
    downstreamOf: [],
    reason: null,
    seal: explanation.seal,
    message: explanation.message,
    help: explanation.help,
    diagnostic: reported,
  };
}

/** Why a rule without findings is coordination-free. */
function freeReason(f: RuleFacts, context: ReportContext, upstream: readonly string[]): string {
  const downstream = upstream.length > 0 ? `downstream of ${upstream.join(", ")}` : null;
  if (f.monotone) return downstream ?? "monotone";
  const inputs = f.edges.filter((e) => !e.monotone).map((e) => context.store.input(f.rule, e.atom));
  if (inputs.every((t) => t.size === 0)) return "local";
  const sealed = f.edges.flatMap((e) => {
    if (e.monotone) return [];
    const taint = context.store.input(f.rule, e.atom);
    return asyncOrigins(taint).flatMap((o) => context.explainContext.declared.compatible(e.from, o, e.gate).map((k) => columnList(context.store.schema(e.from), k.columns)));
  });
  if (sealed.length > 0) return `sealed on ${[...new Set(sealed)].join(", ")}`;
  return downstream ?? "local";
}

function collectionReport(collection: IrCollection, store: LabelStore): CollectionReport {
  const everything = store.columns(collection.name, null);
  return {
    name: collection.name,
    kind: collection.kind,
    span: collection.span,
    label: levelName(everything),
    columns: collection.columns.map((c, i) => ({ name: c.name, label: levelName(store.columns(collection.name, [i])) })),
    origins: [...everything.keys()].sort(),
  };
}

/** CALM006 for each seal: which gates it reaches and whether it is compatible with them. */
function sealDiagnostics(ir: IrProgram, facts: readonly RuleFacts[], store: LabelStore, declared: SealMap, honourSeals: boolean): Diagnostic[] {
  return ir.seals.map((seal, index) => {
    const channel = store.schema(seal.collection);
    const key = `seal ${seal.collection} on ${columnList(channel, seal.columns)}`;
    const notHonoured = "the runtime does not honour seals yet, so it gives no protection";
    if (channel === undefined || channel.kind !== "channel") {
      return diagnostic("CALM006", seal.span, `${key}: ${seal.collection} is not a channel; only channels can be sealed`);
    }
    const origin: Origin = `channel:${seal.collection}`;
    const compatible = new Set<string>();
    const incompatible: string[] = [];
    for (const f of facts) {
      const gates: { collection: string; gate: readonly number[] | null }[] = f.edges
        .filter((e) => !e.monotone && store.input(f.rule, e.atom).has(origin))
        .map((e) => ({ collection: e.from, gate: e.gate }));
      for (const pair of f.joins) {
        for (const [atom, columns] of [[pair.left, pair.leftColumns], [pair.right, pair.rightColumns]] as const) {
          const collection = f.rule.atoms[atom]!.collection;
          if (store.columns(collection, null).has(origin)) gates.push({ collection, gate: columns });
        }
      }
      for (const g of gates) {
        const keys = declared.of(g.collection, origin).filter((k) => k.seed === `seal:${index}`);
        if (keys.length === 0) continue;
        if (keys.some((k) => g.gate !== null && k.columns.every((c) => g.gate!.includes(c)))) compatible.add(f.rule.name);
        else incompatible.push(`${f.rule.name} (gate ${columnList(store.schema(g.collection), g.gate)} of ${g.collection})`);
      }
    }
    if (compatible.size > 0) {
      if (honourSeals) return null;
      return diagnostic("CALM006", seal.span, `${key} is compatible with the gate of ${[...compatible].join(", ")}, but ${notHonoured}: those rules still need coordination`, {
        help: "keep the seal if its producers punctuate; until the runtime honours seals, coordinate those rules (order) or acknowledge them",
      });
    }
    const suffix = honourSeals ? "" : `; besides, ${notHonoured}`;
    if (incompatible.length > 0) {
      return diagnostic("CALM006", seal.span, `${key} is incompatible with every gate it reaches: ${incompatible.join(", ")}${suffix}`, {
        help: "a seal on K helps a gate G only when K ⊆ G: seal on columns the non-monotone operator groups or matches by",
      });
    }
    return diagnostic("CALM006", seal.span, `${key} is not used: no non-monotone operator or join reads ${seal.collection}'s data through unchanged columns${suffix}`, {
      help: "remove the seal, or check that the sealed columns reach the operator unchanged",
    });
  }).filter((d): d is Diagnostic => d !== null);
}

/**
 * CALM005: a `key(...)` on a table that monotone inserts fill from asynchronous data. ANALYSIS.md
 * does not judge key constraints, yet two values for one key fail the tick that holds both, so
 * which value survives depends on batching: the key is a claim about producers that the
 * analysis cannot verify.
 */
function keyDiagnostics(ir: IrProgram, facts: readonly RuleFacts[], store: LabelStore): Diagnostic[] {
  const reported = new Set<string>();
  const result: Diagnostic[] = [];
  for (const f of facts) {
    const head = f.head;
    if (f.rule.operator !== "<=" && f.rule.operator !== "<+") continue;
    if (head === undefined || head.kind !== "table" || head.key === null || head.key.length >= head.columns.length) continue;
    if (reported.has(head.name)) continue;
    const origins = new Set<Origin>();
    f.rule.atoms.forEach((_, i) => asyncOrigins(store.input(f.rule, i)).forEach((o) => origins.add(o)));
    if (origins.size === 0) continue;
    reported.add(head.name);
    const key = columnList(head, head.key);
    result.push(
      diagnostic("CALM005", f.rule.span, `${head.name} declares key${key} and ${f.rule.name} fills it from asynchronous data (${[...origins].sort().map((o) => originText(ir, o)).join(", ")}): two values for one key fail the tick that holds both, so which one survives depends on timing; the analysis cannot verify that producers never disagree`, {
        help: `give each key a single writer (\`<+-\` from one owner), or make the value a lattice column (lww<T>, max<T>) so that values merge instead of conflicting`,
      }),
    );
  }
  return result;
}

/** CALM005: an extern trusted to be pure and deterministic, applied to asynchronous data. */
function externDiagnostics(ir: IrProgram, facts: readonly RuleFacts[], store: LabelStore): Diagnostic[] {
  const reported = new Set<string>();
  const result: Diagnostic[] = [];
  for (const f of facts) {
    if (f.externCalls.length === 0) continue;
    const tainted = f.rule.atoms.some((_, i) => asyncOrigins(store.input(f.rule, i)).length > 0);
    if (!tainted) continue;
    for (const call of f.externCalls) {
      if (reported.has(call.function)) continue;
      reported.add(call.function);
      result.push(
        diagnostic("CALM005", call.span, `extern fn ${call.function} is trusted to be pure and deterministic (it is not marked @nondet); the analysis cannot verify this, and ${f.rule.name} applies it to asynchronous data`, {
          help: `declare it @nondet("why") if it reads a clock, randomness or mutable state`,
        }),
      );
    }
  }
  return result;
}

