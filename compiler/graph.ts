// The dataflow drawn as a graph: what `hydro graph FILE --format mermaid|dot` prints.
// In: an IrProgram and, optionally, the CALM analysis's verdicts (a CalmReport fits). Out:
// Mermaid flowchart or Graphviz DOT text, ending in a newline.
// Why so: a reader should see where data enters (inputs, and the asynchronous channels and
// clocks), which collections are computed together (one box per stratum), and where order
// matters: non-monotone edges (negation, aggregation, non-monotone lattice reads, deletes) are
// drawn red and dashed with a mark naming the operator, and edges that cross a tick are dotted
// and say so. With verdicts, the coordination points stand out: every edge of a rule that needs
// coordination or is not confluent is thick and red and carries the finding's code; an
// acknowledged one is orange and says `ack`; each output says its label (Bot, A or D). A point
// with no body edge to draw (a rule over `range` alone) marks its head instead.
// One drawn edge per (rule, body collection); output depends only on the program and verdicts.

import type { CollectionKind, MergeOperator } from "./ast.ts";
import type { LabelName, Verdict } from "./calm/index.ts";
import type { IrCollection, IrEdge, IrProgram, IrStratum, NonMonotoneReason } from "./ir.ts";

export type GraphFormat = "mermaid" | "dot";

/** What the drawing needs of the CALM analysis; a CalmReport is one. */
export interface GraphVerdicts {
  readonly rules: readonly { readonly id: number; readonly verdict: Verdict; readonly code: string | null }[];
  readonly outputs: readonly { readonly name: string; readonly label: LabelName }[];
}

export function drawGraph(program: IrProgram, format: GraphFormat, verdicts?: GraphVerdicts): string {
  const model = buildModel(program, verdicts);
  return format === "dot" ? drawDot(model, program.moduleName) : drawMermaid(model);
}

// ---------------------------------------------------------------------------------------------
// What is drawn, independent of the syntax

interface GraphNode {
  readonly id: string;
  readonly name: string;
  /** Undefined for a collection the edges name but the program does not declare. */
  readonly kind: CollectionKind | undefined;
  /** An output's label, when verdicts are given. */
  readonly label: LabelName | undefined;
  /** Coordination points of rules into this node that have no body edge to carry the mark. */
  readonly points: PointMark[];
}

/** `open`: needs coordination or not confluent; `acknowledged`: the same, annotated. */
type Point = "open" | "acknowledged";

interface PointMark {
  readonly point: Point;
  /** `t#1 CALM009`, `t#1 ack CALM009`. */
  readonly text: string;
}

interface GraphEdge {
  readonly from: GraphNode;
  readonly to: GraphNode;
  readonly label: string;
  readonly monotone: boolean;
  readonly temporal: boolean;
  readonly point: Point | null;
}

interface GraphModel {
  /** Collections available from the start of a tick: no `<=` rule computes them. */
  readonly free: readonly GraphNode[];
  readonly strata: readonly { readonly stratum: IrStratum; readonly nodes: readonly GraphNode[] }[];
  readonly edges: readonly GraphEdge[];
}

const TEMPORAL_MARK: Record<Exclude<MergeOperator, "<=">, string> = {
  "<+": "next",
  "<-": "delete",
  "<+-": "upsert",
  "<~": "send",
};

function buildModel(program: IrProgram, verdicts: GraphVerdicts | undefined): GraphModel {
  const kinds = new Map<string, CollectionKind>(program.collections.map((collection: IrCollection) => [collection.name, collection.kind]));
  const labels = new Map<string, LabelName>((verdicts?.outputs ?? []).map((output) => [output.name, output.label]));
  const nodes = new Map<string, GraphNode>();
  const usedIds = new Set<string>();
  const nodeOf = (name: string): GraphNode => {
    let node = nodes.get(name);
    if (node === undefined) {
      const base = `c_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
      let id = base;
      for (let n = 2; usedIds.has(id); n++) id = `${base}_${n}`;
      usedIds.add(id);
      node = { id, name, kind: kinds.get(name), label: labels.get(name), points: [] };
      nodes.set(name, node);
    }
    return node;
  };
  for (const collection of program.collections) nodeOf(collection.name);
  for (const rule of program.rules) nodeOf(rule.head);
  const points = new Map<number, { point: Point; code: string | null }>();
  for (const report of verdicts?.rules ?? []) {
    const point = pointOf(report.verdict);
    if (point !== null) points.set(report.id, { point, code: report.code });
  }

  // One drawn edge per (rule, body collection): a self-join reads one collection twice.
  const grouped = new Map<string, IrEdge[]>();
  const ordered = [...program.edges].sort((a, b) => a.rule - b.rule || a.atom - b.atom);
  for (const edge of ordered) {
    const key = `${edge.rule}\u0000${edge.from}`;
    const group = grouped.get(key) ?? [];
    group.push(edge);
    grouped.set(key, group);
  }
  const edges: GraphEdge[] = [];
  for (const group of grouped.values()) {
    const first = group[0]!;
    const rule = program.rules[first.rule];
    const monotone = group.every((edge) => edge.monotone);
    const temporal = first.operator !== "<=";
    const marks: string[] = [];
    if (!monotone) {
      for (const mark of group.flatMap((edge) => edge.reasons.map(reasonMark))) if (!marks.includes(mark)) marks.push(mark);
      if (marks.length === 0) marks.push("¬");
    }
    if (temporal) {
      const mark = TEMPORAL_MARK[first.operator as Exclude<MergeOperator, "<=">];
      if (!marks.includes(mark)) marks.push(mark);
    }
    const finding = points.get(first.rule);
    if (finding !== undefined) marks.push(pointText(finding));
    const label = [rule?.name ?? `rule ${first.rule}`, ...marks].join(" ");
    edges.push({ from: nodeOf(first.from), to: nodeOf(first.to), label, monotone, temporal, point: finding?.point ?? null });
  }
  const drawn = new Set(program.edges.map((edge) => edge.rule));
  for (const [id, finding] of [...points].sort(([a], [b]) => a - b)) {
    const rule = program.rules[id];
    if (rule === undefined || drawn.has(id)) continue;
    nodeOf(rule.head).points.push({ point: finding.point, text: `${rule.name} ${pointText(finding)}` });
  }

  const inStratum = new Set<string>();
  const strata = program.strata
    .filter((stratum) => stratum.collections.length > 0)
    .map((stratum) => {
      stratum.collections.forEach((name) => inStratum.add(name));
      return { stratum, nodes: stratum.collections.map(nodeOf) };
    });
  const free = [...nodes.values()].filter((node) => !inStratum.has(node.name));
  return { free, strata, edges };
}

function pointOf(verdict: Verdict): Point | null {
  if (verdict === "needs-coordination" || verdict === "not-confluent") return "open";
  return verdict === "acknowledged" ? "acknowledged" : null;
}

function pointText(finding: { point: Point; code: string | null }): string {
  const code = finding.code ?? "";
  return finding.point === "acknowledged" ? `ack ${code}`.trim() : code;
}

/** The strongest point among a node's marks, which decides its outline. */
function nodePoint(node: GraphNode): Point | null {
  if (node.points.length === 0) return null;
  return node.points.some((mark) => mark.point === "open") ? "open" : "acknowledged";
}

/** The words after the name: the kind, an output's label, the points drawn on the node. */
function nodeDetails(node: GraphNode): string[] {
  const details: string[] = [];
  if (node.kind !== undefined) details.push(node.label === undefined ? node.kind : `${node.kind}, label ${node.label}`);
  for (const mark of node.points) details.push(mark.text);
  return details;
}

function reasonMark(reason: NonMonotoneReason): string {
  switch (reason.kind) {
    case "negation":
      return "¬";
    case "aggregate":
      return `agg ${reason.function}`;
    case "lattice-read":
      return "read";
    case "delete":
      return "delete";
    case "upsert":
      return "upsert";
  }
}

/** Red for an open point (the colour of non-monotone edges, made thick), orange when acknowledged. */
const POINT_COLORS: Record<Point, string> = { open: "#dd3333", acknowledged: "#e69500" };
const POINT_WIDTHS: Record<Point, number> = { open: 3, acknowledged: 2 };

function stratumTitle(stratum: IrStratum): string {
  return `stratum ${stratum.index}${stratum.recursive ? " (recursive)" : ""}`;
}

// ---------------------------------------------------------------------------------------------
// Mermaid

const MERMAID_SHAPES: Record<CollectionKind, [string, string]> = {
  table: ['[("', '")]'],
  scratch: ['["', '"]'],
  input: ['[/"', '"/]'],
  output: ['(["', '"])'],
  channel: ['>"', '"]'],
  periodic: ['(("', '"))'],
  lattice: ['{{"', '"}}'],
};

// Later classes win where they overlap: a point's outline shows on a channel's fill.
const MERMAID_CLASSES: readonly [string, string, (node: GraphNode) => boolean][] = [
  ["async", "fill:#fff1c2,stroke:#b58900,stroke-width:2px", (node) => node.kind === "channel" || node.kind === "periodic"],
  ["input", "fill:#e3eefc,stroke:#268bd2", (node) => node.kind === "input"],
  ["output", "fill:#e6f4e6,stroke:#2e7d32", (node) => node.kind === "output"],
  ["coordination", `stroke:${POINT_COLORS.open},stroke-width:${POINT_WIDTHS.open}px`, (node) => nodePoint(node) === "open"],
  ["acknowledged", `stroke:${POINT_COLORS.acknowledged},stroke-width:${POINT_WIDTHS.acknowledged}px`, (node) => nodePoint(node) === "acknowledged"],
];

function mermaidText(text: string): string {
  return text.replace(/[";]/g, (character) => (character === '"' ? "#quot;" : "#59;"));
}

function mermaidNode(node: GraphNode): string {
  const [open, close] = node.kind === undefined ? ['["', '"]'] : MERMAID_SHAPES[node.kind];
  const details = nodeDetails(node);
  const label = details.length === 0 ? node.name : `${node.name} (${details.join(", ")})`;
  return `${node.id}${open}${mermaidText(label)}${close}`;
}

function drawMermaid(model: GraphModel): string {
  const lines = ["flowchart LR"];
  for (const node of model.free) lines.push(`  ${mermaidNode(node)}`);
  for (const { stratum, nodes } of model.strata) {
    lines.push(`  subgraph stratum_${stratum.index}["${stratumTitle(stratum)}"]`);
    for (const node of nodes) lines.push(`    ${mermaidNode(node)}`);
    lines.push("  end");
  }
  const styles = new Map<string, number[]>();
  model.edges.forEach((edge, index) => {
    const arrow = edge.monotone && !edge.temporal ? "-->" : "-.->";
    lines.push(`  ${edge.from.id} ${arrow}|"${mermaidText(edge.label)}"| ${edge.to.id}`);
    const style = mermaidEdgeStyle(edge);
    if (style !== null) styles.set(style, [...(styles.get(style) ?? []), index]);
  });
  for (const [style, indices] of styles) lines.push(`  linkStyle ${indices.join(",")} ${style}`);
  const nodes = [...model.free, ...model.strata.flatMap((entry) => entry.nodes)];
  for (const [name, style, applies] of MERMAID_CLASSES) {
    const members = nodes.filter(applies);
    if (members.length === 0) continue;
    lines.push(`  classDef ${name} ${style}`);
    lines.push(`  class ${members.map((node) => node.id).join(",")} ${name}`);
  }
  return lines.join("\n") + "\n";
}

function mermaidEdgeStyle(edge: GraphEdge): string | null {
  const parts: string[] = [];
  if (edge.point !== null) {
    const color = POINT_COLORS[edge.point];
    parts.push(`stroke:${color}`, `color:${color}`, `stroke-width:${POINT_WIDTHS[edge.point]}px`);
  } else if (!edge.monotone) parts.push("stroke:#d33", "color:#d33");
  if (edge.temporal) parts.push("stroke-dasharray:2 4");
  else if (!edge.monotone) parts.push("stroke-dasharray:6 4");
  return parts.length === 0 ? null : parts.join(",");
}

// ---------------------------------------------------------------------------------------------
// Graphviz DOT

const DOT_SHAPES: Record<CollectionKind, string> = {
  table: "shape=cylinder",
  scratch: "shape=box",
  input: 'shape=parallelogram, style=filled, fillcolor="#e3eefc"',
  output: 'shape=box, peripheries=2, style=filled, fillcolor="#e6f4e6"',
  channel: 'shape=cds, style="filled,bold", fillcolor="#fff1c2"',
  periodic: 'shape=doublecircle, style="filled,bold", fillcolor="#fff1c2"',
  lattice: "shape=hexagon",
};

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function dotNode(node: GraphNode): string {
  const label = [node.name, ...nodeDetails(node)].join("\n");
  const shape = node.kind === undefined ? "shape=box, style=dashed" : DOT_SHAPES[node.kind];
  const point = nodePoint(node);
  const outline = point === null ? "" : `, color=${dotString(POINT_COLORS[point])}, penwidth=${POINT_WIDTHS[point]}`;
  return `${dotString(node.name)} [label=${dotString(label).replace(/\n/g, "\\n")}, ${shape}${outline}];`;
}

function drawDot(model: GraphModel, moduleName: string): string {
  const lines = [
    `digraph ${dotString(moduleName)} {`,
    "  rankdir=LR;",
    '  node [fontname="Helvetica"];',
    '  edge [fontname="Helvetica"];',
  ];
  for (const node of model.free) lines.push(`  ${dotNode(node)}`);
  for (const { stratum, nodes } of model.strata) {
    lines.push(`  subgraph cluster_stratum_${stratum.index} {`);
    lines.push(`    label=${dotString(stratumTitle(stratum))};`);
    lines.push('    style=rounded; color="#888888";');
    for (const node of nodes) lines.push(`    ${dotNode(node)}`);
    lines.push("  }");
  }
  for (const edge of model.edges) {
    const attributes = [`label=${dotString(edge.label)}`];
    if (edge.temporal) attributes.push("style=dotted");
    else if (!edge.monotone) attributes.push("style=dashed");
    if (edge.point !== null) {
      const color = dotString(POINT_COLORS[edge.point]);
      attributes.push(`color=${color}`, `fontcolor=${color}`, `penwidth=${POINT_WIDTHS[edge.point]}`);
    } else if (!edge.monotone) attributes.push('color="#dd3333"', 'fontcolor="#dd3333"');
    lines.push(`  ${dotString(edge.from.name)} -> ${dotString(edge.to.name)} [${attributes.join(", ")}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
