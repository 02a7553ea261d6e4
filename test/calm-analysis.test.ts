// analyzeProgram (compiler/calm): labels, seals, witness paths, acknowledgements, diagnostics and
// the properties the check relies on (purity, determinism, speed). The per-case verdicts of
// ANALYSIS.md §1/§3 live in the corpus (calm-corpus.test.ts); these tests pin the machinery.

import { describe, expect, it } from "vitest";
import { analyzeProgram, type AnalyzeOptions, type CalmReport, type RuleReport } from "../compiler/calm/index.ts";
import { memoryHost } from "../compiler/host.ts";
import { compileSourceToIr } from "../compiler/index.ts";
import type { IrProgram } from "../compiler/ir.ts";
import { makeSource } from "../compiler/source.ts";

const PATH = "/calm/program.hydro";

function compile(text: string): IrProgram {
  const result = compileSourceToIr(makeSource(PATH, text), memoryHost({ [PATH]: text, "/calm/f.ts": "export const f = (x: number) => x;" }));
  if (result.ir === null) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.span.line}: ${d.message}`).join("\n"));
  return result.ir;
}

function analyze(text: string, options: AnalyzeOptions = {}): CalmReport {
  return analyzeProgram(compile(text), options);
}

function rule(report: CalmReport, name: string): RuleReport {
  const found = report.rules.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no rule ${name}`);
  return found;
}

const SEALED_VOTES = `
channel vote(@coordinator: addr, tx: int, voter: string);
seal vote on (tx);
table votes(tx: int, voter: string);
scratch tally(tx: int, n: int);
votes(t, v) <= vote(_, t, v);
tally(t, count(v)) <= votes(t, v);
`;

describe("seals", () => {
  it("give no protection while the runtime does not honour them (CALM006 on every seal)", () => {
    const report = analyze(SEALED_VOTES);
    expect(rule(report, "tally#1")).toMatchObject({ verdict: "needs-coordination", code: "CALM001", fix: "seal" });
    expect(rule(report, "tally#1").seal).toContain("sealed on (tx), compatible with the gate, but the runtime does not honour seals yet");
    const calm006 = report.diagnostics.filter((d) => d.code === "CALM006");
    expect(calm006).toHaveLength(1);
    expect(calm006[0]!.severity).toBe("warning");
    expect(calm006[0]!.message).toContain("compatible with the gate of tally#1");
  });

  it("make a compatible aggregate a sealed evaluation once honoured", () => {
    const report = analyze(SEALED_VOTES, { honourSeals: true });
    expect(rule(report, "tally#1")).toMatchObject({ verdict: "coordination-free", code: null, reason: "sealed on (tx)" });
    expect(report.collections.find((c) => c.name === "tally")!.label).toBe("A");
    expect(report.diagnostics.filter((d) => d.code === "CALM006")).toEqual([]);
  });

  it("do not help an incompatible gate even when honoured", () => {
    const report = analyze(SEALED_VOTES.replace("seal vote on (tx)", "seal vote on (voter)"), { honourSeals: true });
    expect(rule(report, "tally#1").verdict).toBe("needs-coordination");
    expect(report.diagnostics.find((d) => d.code === "CALM006")!.message).toContain("incompatible with every gate");
  });

  it("pass through <~ into another channel on columns copied unchanged", () => {
    const text = `
      channel vote(@to: addr, tx: int, voter: string);
      seal vote on (tx);
      channel forwarded(@to: addr, tx: int, voter: string);
      table votes(tx: int, voter: string);
      scratch tally(tx: int, n: int);
      forwarded("coordinator", t, v) <~ vote(_, t, v);
      votes(t, v) <= forwarded(_, t, v);
      tally(t, count(v)) <= votes(t, v);`;
    expect(rule(analyze(text, { honourSeals: true }), "tally#1").verdict).toBe("coordination-free");
    const lost = text.replace(`forwarded("coordinator", t, v) <~ vote(_, t, v);`, `forwarded("coordinator", t + 1, v) <~ vote(_, t, v);`);
    expect(rule(analyze(lost, { honourSeals: true }), "tally#1").verdict).toBe("needs-coordination");
  });

  it("through a join need every tainted input sealed on equated columns", () => {
    const text = (secondSeal: string) => `
      channel a(@to: addr, k: int, x: int);
      channel b(@to: addr, k: int, y: int);
      seal a on (k);
      ${secondSeal}
      table la(k: int, x: int);
      table lb(k: int, y: int);
      table both(k: int, x: int, y: int);
      scratch n(k: int, c: int);
      la(k, x) <= a(_, k, x);
      lb(k, y) <= b(_, k, y);
      both(k, x, y) <= la(k, x), lb(k, y);
      n(k, count(x)) <= both(k, x, _);`;
    expect(rule(analyze(text("seal b on (k);"), { honourSeals: true }), "n#1").verdict).toBe("coordination-free");
    expect(rule(analyze(text(""), { honourSeals: true }), "n#1").verdict).toBe("needs-coordination");
  });

  it("through recursion keep only what every step preserves", () => {
    const text = (step: string) => `
      channel edge_msg(@to: addr, a: int, b: int);
      seal edge_msg on (a);
      table link(a: int, b: int);
      table reach(a: int, b: int);
      scratch fanout(a: int, n: int);
      link(a, b) <= edge_msg(_, a, b);
      reach(a, b) <= link(a, b);
      ${step}
      fanout(a, count(b)) <= reach(a, b);`;
    // Each step keeps the sealed column in place (and joins only on it)…
    const keeps = analyze(text("reach(a, c) <= reach(a, b), link(a, c), b != c;"), { honourSeals: true });
    // …or moves another column into it: the seal on `a` no longer says anything about reach.a.
    const drops = analyze(text("reach(b, c) <= reach(a, b), link(a, c);"), { honourSeals: true });
    // A step joining on a column other than the seal key is a join whose input is not sealed on the output's key.
    const transitive = analyze(text("reach(a, c) <= reach(a, b), link(b, c);"), { honourSeals: true });
    expect(rule(keeps, "fanout#1").verdict).toBe("coordination-free");
    expect(rule(drops, "fanout#1").verdict).toBe("needs-coordination");
    expect(rule(transitive, "fanout#1").verdict).toBe("needs-coordination");
  });

  it("let an unsealed per-tick request only trigger a sealed evaluation (the checkout)", () => {
    const text = `
      channel action_msg(@server: addr, session: int, item: string, qty: int);
      channel checkout_msg(@server: addr, session: int, client: addr);
      seal action_msg on (session);
      table action_log(session: int, item: string, qty: int);
      table receipt(session: int, item: string, qty: int);
      action_log(s, i, q) <= action_msg(_, s, i, q);
      receipt(s, i, sum(q)) <= checkout_msg(_, s, _), action_log(s, i, q);`;
    expect(rule(analyze(text, { honourSeals: true }), "receipt#1").verdict).toBe("coordination-free");
    expect(rule(analyze(text), "receipt#1").verdict).toBe("needs-coordination");
    // Using a column of the request in the head makes it more than a trigger.
    const uses = text.replace("table receipt(session: int, item: string, qty: int);", "table receipt(client: addr, session: int, item: string, qty: int);")
      .replace("receipt(s, i, sum(q)) <= checkout_msg(_, s, _), action_log(s, i, q);", "receipt(c, s, i, sum(q)) <= checkout_msg(_, s, c), action_log(s, i, q);");
    expect(rule(analyze(uses, { honourSeals: true }), "receipt#1").verdict).toBe("needs-coordination");
  });
});

describe("labels", () => {
  it("are per column when taint arrives only through a lattice column", () => {
    const report = analyze(`
      channel bid(@to: addr, price: int);
      table catalog(item: string);
      lattice high: max<int>;
      lattice price(item: string; amount: max<int>);
      high(p) <= bid(_, p);
      price(i, p) <= catalog(i), high(p);`);
    const price = report.collections.find((c) => c.name === "price")!;
    expect(price.columns).toEqual([
      { name: "item", label: "Bot" },
      { name: "amount", label: "A" },
    ]);
    expect(price.label).toBe("A");
  });

  it("cover every column when the tainted atom also decides which tuples exist", () => {
    const report = analyze(`
      channel bid(@to: addr, item: string, price: int);
      lattice high(item: string; price: max<int>);
      high(i, p) <= bid(_, i, p);`);
    expect(report.collections.find((c) => c.name === "high")!.columns.map((c) => c.label)).toEqual(["A", "A"]);
  });

  it("stay A through persistence, and become D after a point of order (absorbing downstream)", () => {
    const report = analyze(`
      channel m(@to: addr, x: int);
      table log(x: int);
      scratch n(c: int);
      table copy(c: int);
      table copy2(c: int);
      log(x) <= m(_, x);
      n(count(x)) <= log(x);
      copy(c) <= n(c);
      copy2(c) <= copy(c);`);
    const labels = Object.fromEntries(report.collections.map((c) => [c.name, c.label]));
    expect(labels).toMatchObject({ m: "A", log: "A", n: "D", copy: "D", copy2: "D" });
    expect(rule(report, "copy2#1")).toMatchObject({ verdict: "coordination-free", downstreamOf: ["n#1"], reason: "downstream of n#1" });
  });

  it("a non-monotone rule over D from a nondeterministic rule only is downstream, not a new point", () => {
    const report = analyze(`
      input e(x: int);
      table stamped(x: int, at: int);
      scratch latest(at: int);
      stamped(x, now()) <= e(x);
      latest(max(t)) <= stamped(_, t);`);
    expect(rule(report, "stamped#1").code).toBe("CALM009");
    expect(rule(report, "latest#1")).toMatchObject({ verdict: "coordination-free", downstreamOf: ["stamped#1"] });
  });

  it("reports a label per output collection as CALM007", () => {
    const report = analyze(`
      input say(t: string);
      channel hear(@to: addr, t: string);
      output a(t: string);
      output b(t: string);
      a(t) <= say(t);
      b(t) <= hear(_, t);`);
    expect(report.outputs.map((o) => [o.name, o.label])).toEqual([
      ["a", "Bot"],
      ["b", "A"],
    ]);
    const notes = report.diagnostics.filter((d) => d.code === "CALM007").map((d) => d.message);
    expect(notes).toEqual(["output a is Bot (local data only)", "output b is A (from channel hear)"]);
  });
});

describe("findings", () => {
  it("name the rule, operator, gate, witness path and a concrete fix", () => {
    const report = analyze(`
      channel vote(@coordinator: addr, tx: int, voter: string);
      table votes(tx: int, voter: string);
      scratch tally(tx: int, n: int);
      votes(t, v) <= vote(_, t, v);
      tally(t, count(v)) <= votes(t, v);`);
    const tally = rule(report, "tally#1");
    expect(tally).toMatchObject({ operator: "count(v)", gate: ["tx"], gateCollection: "votes", fix: "seal" });
    expect(tally.path).toEqual(["vote (channel, line 2)", "votes#1 (line 5)", "tally#1 (line 6)"]);
    expect(tally.help).toContain("`seal vote on (tx);`");
    const d = tally.diagnostic!;
    expect(d.code).toBe("CALM001");
    expect(d.severity).toBe("error");
    expect(d.span.line).toBe(6);
    expect(d.related[0]).toMatchObject({ message: "witness path: vote (channel, line 2) -> votes#1 (line 5) -> tally#1 (line 6) [count(v)]" });
    expect(d.related[0]!.span!.line).toBe(2);
  });

  it("take the shortest witness path, one per asynchronous source", () => {
    const report = analyze(`
      channel a(@to: addr, x: int);
      channel b(@to: addr, x: int);
      table s1(x: int);
      table s2(x: int);
      table s3(x: int);
      scratch n(c: int);
      s1(x) <= a(_, x);
      s2(x) <= s1(x);
      s3(x) <= s2(x);
      s3(x) <= a(_, x);
      s3(x) <= b(_, x);
      n(count(x)) <= s3(x);`);
    const n = rule(report, "n#1");
    expect(n.witnesses.map((w) => w.steps)).toEqual([
      ["a (channel, line 2)", "s3#2 (line 11)", "n#1 (line 13)"],
      ["b (channel, line 3)", "s3#3 (line 12)", "n#1 (line 13)"],
    ]);
  });

  it("follow the precedence CALM003, CALM001, CALM009, CALM004, CALM002 and list the others", () => {
    const report = analyze(`
      input start(name: string);
      channel ping(@to: addr, name: string);
      table counter(name: string, n: int) key(name);
      counter(c, 0) <+- start(c);
      counter(c, n + 1) <+- counter(c, n), ping(_, c);`);
    expect(rule(report, "counter#2").codes).toEqual(["CALM003", "CALM001", "CALM004", "CALM002"]);
  });

  it("prefer a channel culprit (CALM001) over a periodic one (CALM009) on the same rule", () => {
    const report = analyze(`
      periodic tick(1s);
      channel m(@to: addr, x: int);
      table log(x: int);
      scratch n(c: int);
      log(x) <= m(_, x);
      n(count(x)) <= tick(_), log(x);`);
    expect(rule(report, "n#1").code).toBe("CALM001");
  });

  it("acknowledge with @coordinated or @nondet: verdict acknowledged, code kept, CALM008 info", () => {
    const report = analyze(`
      channel m(@to: addr, x: int);
      table log(x: int);
      scratch n(c: int);
      log(x) <= m(_, x);
      @coordinated("one counter node")
      n(count(x)) <= log(x);`);
    const n = rule(report, "n#1");
    expect(n).toMatchObject({ verdict: "acknowledged", code: "CALM001", acknowledgement: "one counter node" });
    expect(n.diagnostic).toMatchObject({ code: "CALM008", severity: "info" });
    expect(report.diagnostics.some((d) => d.code === "CALM001")).toBe(false);
    expect(report.summary).toMatchObject({ rules: 2, acknowledged: 1, needsCoordination: 0 });
  });

  it("report CALM005 for an extern trusted to be pure on asynchronous data, once per extern", () => {
    const report = analyze(`
      extern fn f(x: int): int from "./f.ts";
      channel m(@to: addr, x: int);
      table a(x: int);
      table b(x: int);
      a(f(x)) <= m(_, x);
      b(f(x)) <= m(_, x);`);
    const calm005 = report.diagnostics.filter((d) => d.code === "CALM005");
    expect(calm005).toHaveLength(1);
    expect(calm005[0]!.message).toContain("extern fn f is trusted to be pure");
  });
});

describe("analyzeProgram as a function", () => {
  const TEXT = `
    channel vote(@coordinator: addr, tx: int, voter: string);
    table votes(tx: int, voter: string);
    scratch tally(tx: int, n: int);
    table done(tx: int);
    votes(t, v) <= vote(_, t, v);
    tally(t, count(v)) <= votes(t, v);
    done(t) <= tally(t, n), n > 2;`;

  it("does not modify its input and gives the same report twice", () => {
    const ir = compile(TEXT);
    const before = JSON.stringify(ir);
    const first = analyzeProgram(ir);
    expect(JSON.stringify(ir)).toBe(before);
    expect(JSON.stringify(analyzeProgram(ir))).toBe(JSON.stringify(first));
  });

  it("is fast on a long pipeline of rules", () => {
    const lines = ["channel m(@to: addr, k: int, x: int);", "table t0(k: int, x: int);", "t0(k, x) <= m(_, k, x);"];
    for (let i = 1; i <= 300; i++) {
      lines.push(`table t${i}(k: int, x: int);`);
      lines.push(i % 10 === 0 ? `t${i}(k, count(x)) <= t${i - 1}(k, x);` : `t${i}(k, x) <= t${i - 1}(k, x), t0(k, _);`);
    }
    const ir = compile(lines.join("\n"));
    const start = performance.now();
    const report = analyzeProgram(ir);
    const elapsed = performance.now() - start;
    expect(report.rules).toHaveLength(301);
    expect(report.summary.needsCoordination).toBe(30);
    // Generous: a guard against quadratic blow-ups, not a benchmark (CI machines are shared).
    expect(elapsed).toBeLessThan(5000);
  });
});
