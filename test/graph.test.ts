import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { analyzeProgram } from "../compiler/calm/index.ts";
import { graphCommand } from "../compiler/cli/graph.ts";
import type { CliContext } from "../compiler/cli/io.ts";
import { drawGraph } from "../compiler/graph.ts";
import type { IrProgram } from "../compiler/ir.ts";
import { planProgram } from "../compiler/lower.ts";
import { stratify } from "../compiler/stratify.ts";
import { agg, atom, collection, k, not, program, rule, type BuiltProgram } from "./ir-builders.ts";

function lower(built: BuiltProgram): IrProgram {
  return planProgram(built.program, built.edges, stratify(built.program, built.edges));
}

const sample = program(
  [
    collection("edge", "input", "from: int, to: int"),
    collection("tick", "periodic", "n: int", { periodMs: 1000 }),
    collection("path", "table", "from: int, to: int"),
    collection("unreachable", "table", "from: int, to: int"),
    collection("degree", "output", "id: int, n: int"),
    collection("report", "channel", "@to: addr, id: int"),
    collection("seen", "table", "id: int"),
  ],
  [
    rule("path", "<=", ["x", "y"], [atom("edge", "x", "y")]),
    rule("path", "<=", ["x", "z"], [atom("path", "x", "y"), atom("path", "y", "z")]),
    rule("unreachable", "<=", ["x", "y"], [atom("edge", "x", "_"), atom("edge", "_", "y"), not("path", "x", "y")]),
    rule("degree", "<=", ["x", agg("count")], [atom("path", "x", "_")]),
    rule("report", "<~", [k("peer", "addr"), "x"], [atom("degree", "x", "_"), atom("tick", "_")]),
    rule("seen", "<+", ["x"], [atom("degree", "x", "_")]),
    rule("seen", "<-", ["x"], [atom("seen", "x"), atom("tick", "_")]),
  ],
);

const MERMAID = `flowchart LR
  c_edge[/"edge (input)"/]
  c_tick(("tick (periodic)"))
  c_report>"report (channel)"]
  c_seen[("seen (table)")]
  subgraph stratum_0["stratum 0 (recursive)"]
    c_path[("path (table)")]
  end
  subgraph stratum_1["stratum 1"]
    c_unreachable[("unreachable (table)")]
    c_degree(["degree (output, label Bot)"])
  end
  c_edge -->|"path#1"| c_path
  c_path -->|"path#2"| c_path
  c_edge -->|"unreachable#1"| c_unreachable
  c_path -.->|"unreachable#1 ¬"| c_unreachable
  c_path -.->|"degree#1 agg count"| c_degree
  c_degree -.->|"report#1 send"| c_report
  c_tick -.->|"report#1 send"| c_report
  c_degree -.->|"seen#1 next"| c_seen
  c_seen -.->|"seen#2 delete CALM003"| c_seen
  c_tick -.->|"seen#2 delete CALM003"| c_seen
  linkStyle 3,4 stroke:#d33,color:#d33,stroke-dasharray:6 4
  linkStyle 5,6,7 stroke-dasharray:2 4
  linkStyle 8,9 stroke:#dd3333,color:#dd3333,stroke-width:3px,stroke-dasharray:2 4
  classDef async fill:#fff1c2,stroke:#b58900,stroke-width:2px
  class c_tick,c_report async
  classDef input fill:#e3eefc,stroke:#268bd2
  class c_edge input
  classDef output fill:#e6f4e6,stroke:#2e7d32
  class c_degree output
`;

const DOT = `digraph "test" {
  rankdir=LR;
  node [fontname="Helvetica"];
  edge [fontname="Helvetica"];
  "edge" [label="edge\\ninput", shape=parallelogram, style=filled, fillcolor="#e3eefc"];
  "tick" [label="tick\\nperiodic", shape=doublecircle, style="filled,bold", fillcolor="#fff1c2"];
  "report" [label="report\\nchannel", shape=cds, style="filled,bold", fillcolor="#fff1c2"];
  "seen" [label="seen\\ntable", shape=cylinder];
  subgraph cluster_stratum_0 {
    label="stratum 0 (recursive)";
    style=rounded; color="#888888";
    "path" [label="path\\ntable", shape=cylinder];
  }
  subgraph cluster_stratum_1 {
    label="stratum 1";
    style=rounded; color="#888888";
    "unreachable" [label="unreachable\\ntable", shape=cylinder];
    "degree" [label="degree\\noutput, label Bot", shape=box, peripheries=2, style=filled, fillcolor="#e6f4e6"];
  }
  "edge" -> "path" [label="path#1"];
  "path" -> "path" [label="path#2"];
  "edge" -> "unreachable" [label="unreachable#1"];
  "path" -> "unreachable" [label="unreachable#1 ¬", style=dashed, color="#dd3333", fontcolor="#dd3333"];
  "path" -> "degree" [label="degree#1 agg count", style=dashed, color="#dd3333", fontcolor="#dd3333"];
  "degree" -> "report" [label="report#1 send", style=dotted];
  "tick" -> "report" [label="report#1 send", style=dotted];
  "degree" -> "seen" [label="seen#1 next", style=dotted];
  "seen" -> "seen" [label="seen#2 delete CALM003", style=dotted, color="#dd3333", fontcolor="#dd3333", penwidth=3];
  "tick" -> "seen" [label="seen#2 delete CALM003", style=dotted, color="#dd3333", fontcolor="#dd3333", penwidth=3];
}
`;

function draw(ir: IrProgram, format: "mermaid" | "dot"): string {
  return drawGraph(ir, format, analyzeProgram(ir));
}

describe("drawGraph", () => {
  it("draws Mermaid with strata, source shapes, marked non-monotone and temporal edges, and coordination points", () => {
    expect(draw(lower(sample), "mermaid")).toBe(MERMAID);
  });

  it("draws DOT with one cluster per stratum", () => {
    expect(draw(lower(sample), "dot")).toBe(DOT);
  });

  it("does not depend on the order of the edge list", () => {
    const ir = lower(sample);
    const shuffled: IrProgram = { ...ir, edges: [...ir.edges].reverse() };
    expect(draw(shuffled, "mermaid")).toBe(MERMAID);
    expect(draw(shuffled, "dot")).toBe(DOT);
  });

  it("draws without verdicts: no codes, no labels, non-monotone edges still red", () => {
    const mermaid = drawGraph(lower(sample), "mermaid");
    expect(mermaid).not.toContain("CALM");
    expect(mermaid).not.toContain("label");
    expect(mermaid).toContain('c_degree(["degree (output)"])');
    expect(mermaid).toContain("linkStyle 8,9 stroke:#d33,color:#d33,stroke-dasharray:2 4");
    const dot = drawGraph(lower(sample), "dot");
    expect(dot).toContain('"seen" -> "seen" [label="seen#2 delete", style=dotted, color="#dd3333", fontcolor="#dd3333"];');
  });

  it("marks every edge of a not-confluent rule from a verdict map, monotone edges included", () => {
    const built = program(
      [collection("a", "channel", "@to: addr, x: int"), collection("b", "channel", "@to: addr, x: int"), collection("both", "output", "x: int")],
      [rule("both", "<=", ["x"], [atom("a", "_", "x"), atom("b", "_", "x")])],
    );
    const verdicts = { rules: [{ id: 0, verdict: "not-confluent" as const, code: "CALM002" }], outputs: [{ name: "both", label: "D" as const }] };
    const mermaid = drawGraph(lower(built), "mermaid", verdicts);
    expect(mermaid).toContain('c_a -->|"both#1 CALM002"| c_both');
    expect(mermaid).toContain('c_b -->|"both#1 CALM002"| c_both');
    expect(mermaid).toContain("linkStyle 0,1 stroke:#dd3333,color:#dd3333,stroke-width:3px\n");
    expect(mermaid).toContain('c_both(["both (output, label D)"])');
    const dot = drawGraph(lower(built), "dot", verdicts);
    expect(dot).toContain('"a" -> "both" [label="both#1 CALM002", color="#dd3333", fontcolor="#dd3333", penwidth=3];');
  });

  it("draws one edge for a rule that reads a collection twice", () => {
    const ir = lower(sample);
    const mermaid = drawGraph(ir, "mermaid");
    expect(mermaid.match(/c_path -->\|"path#2"\| c_path/g)).toHaveLength(1);
  });

  it("escapes names that are not identifiers and quotes in rule names", () => {
    const built = program(
      [collection("d.pipe_in", "channel", "@to: addr, x: int"), collection("d_pipe_in", "table", "x: int"), collection("end", "table", "x: int")],
      [
        rule("d_pipe_in", "<=", ["x"], [atom("d.pipe_in", "_", "x")], { name: 'say "hi"; now' }),
        rule("end", "<=", ["x"], [atom("d_pipe_in", "x")]),
      ],
    );
    const ir = lower(built);
    const mermaid = drawGraph(ir, "mermaid");
    expect(mermaid).toContain('c_d_pipe_in>"d.pipe_in (channel)"]');
    expect(mermaid).toContain('c_d_pipe_in_2[("d_pipe_in (table)")]');
    expect(mermaid).toContain('c_d_pipe_in -->|"say #quot;hi#quot;#59; now"| c_d_pipe_in_2');
    expect(mermaid).toContain('c_end[("end (table)")]');
    const dot = drawGraph(ir, "dot");
    expect(dot).toContain('"d.pipe_in" -> "d_pipe_in" [label="say \\"hi\\"; now"];');
  });

  it("draws a program without rules as its collections alone", () => {
    const built = program([collection("edge", "input", "from: int, to: int")], []);
    expect(drawGraph(lower(built), "mermaid")).toBe(
      'flowchart LR\n  c_edge[/"edge (input)"/]\n  classDef input fill:#e3eefc,stroke:#268bd2\n  class c_edge input\n',
    );
  });
});

describe("hydro graph", () => {
  function run(args: string[]): { stdout: string; stderr: string; exitCode: number } {
    let stdout = "";
    let stderr = "";
    const context: CliContext = {
      io: {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        stdin: new PassThrough(),
        cwd: process.cwd(),
        env: {},
        colors: false,
      },
      exitCode: 0,
    };
    const command = graphCommand(context).exitOverride().configureOutput({ writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t) });
    try {
      command.parse(args, { from: "user" });
    } catch {
      context.exitCode = 2;
    }
    return { stdout, stderr, exitCode: context.exitCode };
  }

  const directory = mkdtempSync(join(tmpdir(), "hydro-graph-"));
  const good = join(directory, "reach.hydro");
  writeFileSync(
    good,
    "input edge(from: int, to: int);\ntable path(from: int, to: int);\npath(x, y) <= edge(x, y);\npath(x, z) <= path(x, y), edge(y, z);\n",
  );
  const votes = join(directory, "votes.hydro");
  writeFileSync(
    votes,
    [
      "channel vote(@to: addr, voter: string, tx: int);",
      "table votes(voter: string, tx: int);",
      "output tally(tx: int, n: int);",
      "output pending(tx: int);",
      "output local(x: int);",
      "votes(v, t) <= vote(_, v, t);",
      "tally(t, count()) <= votes(_, t);",
      '@coordinated("one coordinator decides")',
      "pending(t) <= votes(_, t), !tally(t, _);",
      "local(x) <= x in range(0, 3);",
      "table stamp(at: int);",
      "stamp(now() + x) <= x in range(0, 1);",
      "",
    ].join("\n"),
  );
  const bad = join(directory, "cycle.hydro");
  writeFileSync(bad, "input node(x: int);\ntable a(x: int);\na(x) <= node(x), !a(x);\n");

  it("prints Mermaid by default", () => {
    const result = run([good]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("flowchart LR");
    expect(result.stdout).toContain('c_path -->|"path#2"| c_path');
  });

  it("prints DOT when asked", () => {
    const result = run([good, "--format", "dot"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"edge" -> "path" [label="path#1"];');
  });

  it("marks the coordination points hydro check reports, and each output's label", () => {
    const result = run([votes]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split("\n");
    const edges = lines.filter((line) => line.includes("-->") || line.includes("-.->"));
    expect(edges).toEqual([
      '  c_vote -->|"votes#1"| c_votes',
      '  c_votes -.->|"tally#1 agg count CALM001"| c_tally',
      '  c_votes -->|"pending#1 ack CALM001"| c_pending',
      '  c_tally -.->|"pending#1 ¬ ack CALM001"| c_pending',
    ]);
    expect(lines).toContain("  linkStyle 1 stroke:#dd3333,color:#dd3333,stroke-width:3px,stroke-dasharray:6 4");
    expect(lines).toContain("  linkStyle 2 stroke:#e69500,color:#e69500,stroke-width:2px");
    expect(lines).toContain('    c_tally(["tally (output, label D)"])');
    expect(lines).toContain('    c_local(["local (output, label Bot)"])');
    // A point without a body edge (now() over a range) marks its head.
    expect(lines).toContain('    c_stamp[("stamp (table, stamp#1 CALM009)")]');
    expect(lines).toContain("  class c_stamp coordination");
  });

  it("marks the same points in DOT", () => {
    const result = run([votes, "--format", "dot"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"votes" -> "tally" [label="tally#1 agg count CALM001", style=dashed, color="#dd3333", fontcolor="#dd3333", penwidth=3];');
    expect(result.stdout).toContain('"votes" -> "pending" [label="pending#1 ack CALM001", color="#e69500", fontcolor="#e69500", penwidth=2];');
    expect(result.stdout).toContain('"tally" [label="tally\\noutput, label D", shape=box');
    expect(result.stdout).toContain('"stamp" [label="stamp\\ntable\\nstamp#1 CALM009", shape=cylinder, color="#dd3333", penwidth=3];');
  });

  it("exits 2 with located diagnostics when the program does not compile", () => {
    const result = run([bad]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("cycle.hydro:3:1: error HY4001");
  });

  it("exits 2 for a missing file and for an unknown format", () => {
    expect(run([join(directory, "missing.hydro")]).exitCode).toBe(2);
    const unknown = run([good, "--format", "svg"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("svg");
  });
});
