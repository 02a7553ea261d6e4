// Topology files: defaults, paths relative to the file, and every mistake reported at its place
// with its code (HY5004 shape, HY5005 unknown node or program, HY5006 scripted input), all at
// once; through the command too, with exit code 2 and a code frame.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkScriptedInputs } from "../runtime/sim/scripted-inputs.ts";
import { parseTopology } from "../runtime/sim/topology.ts";
import { programsFor, runSim, topologyErrors, topologyOf } from "./sim-harness.ts";

const NODES = [
  { name: "a", program: "a.hydro" },
  { name: "b", program: "sub/b.hydro" },
];

describe("a valid topology", () => {
  it("fills in the defaults and resolves program paths against the topology's directory", () => {
    const topology = topologyOf({ nodes: NODES }, "/work/x/topology.json");
    expect(topology.nodes.map((node) => [node.name, node.program])).toEqual([
      ["a", "/work/x/a.hydro"],
      ["b", "/work/x/sub/b.hydro"],
    ]);
    expect(topology.network).toEqual({ delay: [1, 10], reorder: true, duplicate: 0, loss: 0, partitions: [] });
    expect(topology.until).toBeNull();
    expect(topology.compare).toEqual(["outputs", "state"]);
    expect(topology.crashes).toEqual([]);
  });

  it("reads every section and sorts scripted inputs by time", () => {
    const topology = topologyOf({
      nodes: NODES,
      network: { delay: [2, 4], reorder: false, duplicate: 0.5, loss: 0.25, partitions: [{ from: 5, to: 9, groups: [["a"], ["b"]] }] },
      crashes: [{ node: "b", at: 3, restart: 8 }, { node: "a", at: 10 }],
      inputs: { a: [{ at: 7, arrivals: { x: [] } }, { at: 1, arrivals: { y: [] } }] },
      until: 100,
      compare: ["state"],
    });
    expect(topology.network).toEqual({ delay: [2, 4], reorder: false, duplicate: 0.5, loss: 0.25, partitions: [{ from: 5, to: 9, groups: [["a"], ["b"]] }] });
    expect(topology.crashes).toEqual([
      { node: "b", at: 3, restart: 8 },
      { node: "a", at: 10, restart: null },
    ]);
    expect(topology.inputs.map((input) => input.at)).toEqual([1, 7]);
    expect(topology.until).toBe(100);
    expect(topology.compare).toEqual(["state"]);
  });
});

describe("mistakes, located", () => {
  it("points at a JSON syntax error", () => {
    expect(topologyErrors('{\n  "nodes": [\n    {"name": "a", "program": "a.hydro"},\n  ]\n}')).toEqual([
      "HY5004 3:40 not valid JSON: trailing comma before ']'",
    ]);
  });

  it("reports every mistake of a file at once, each at its value", () => {
    const text = [
      "{",
      '  "nodes": [{"name": "a", "program": "a.hydro"}, {"name": "a", "program": 3}],',
      '  "network": {"delay": [9, 2], "dealy": 1, "loss": 1.5, "reorder": "yes"},',
      '  "crashes": [{"node": "ghost", "at": 5}, {"node": "a", "at": 10, "restart": 4}],',
      '  "inputs": {"nobody": [], "a": [{"at": -1, "arrivals": []}]},',
      '  "until": "soon",',
      '  "compare": ["outputs", "everything"]',
      "}",
    ].join("\n");
    expect(topologyErrors(text)).toEqual([
      'HY5004 2:59 two nodes are named "a"',
      'HY5004 2:75 "program" must be a string, not the number 3',
      "HY5004 3:24 the minimum delay 9 is above the maximum 2",
      'HY5004 3:32 unknown field "dealy" in "network"',
      'HY5004 3:52 "loss" is a probability from 0 to 1, not the number 1.5',
      'HY5004 3:68 "reorder" must be true or false, not the string "yes"',
      'HY5005 4:24 unknown node "ghost"',
      "HY5004 4:78 a node must restart after it crashes (at 10, restart 4)",
      'HY5005 5:14 unknown node "nobody"',
      'HY5004 5:41 "at" must be a whole number of milliseconds, 0 or more, not the number -1',
      'HY5004 5:57 "arrivals" is an object of tuple lists like {"put": [["k", "v"]]}, not an array',
      'HY5004 6:12 "until" must be a whole number of milliseconds, 0 or more, not the string "soon"',
      'HY5004 7:26 "compare" lists "outputs" and/or "state", not the string "everything"',
    ]);
  });

  it("names the known nodes and fields in its help", () => {
    const parsed = parseTopology("/t.json", JSON.stringify({ nodes: NODES, crashes: [{ node: "c", at: 1 }], nodez: [] }));
    const help = parsed.diagnostics.map((d) => d.help);
    expect(help).toContain('the nodes are "a", "b"');
    expect(help).toContain('the fields are "nodes", "network", "crashes", "inputs", "until", "compare"');
  });

  it("rejects a missing or empty node list, overlapping crashes and a node in two groups", () => {
    expect(topologyErrors("{}")).toEqual(['HY5004 1:1 the topology has no "nodes"']);
    expect(topologyErrors('{"nodes": []}')).toEqual(['HY5004 1:11 "nodes" is empty: a simulation needs at least one node']);
    const text = JSON.stringify({
      nodes: NODES,
      crashes: [{ node: "a", at: 5, restart: 20 }, { node: "a", at: 10, restart: 30 }],
      network: { partitions: [{ from: 0, to: 5, groups: [["a"], ["a", "b"]] }] },
    });
    const errors = topologyErrors(text);
    expect(errors.some((error) => error.includes('node "a" is already down at 10 (crashed at 5)'))).toBe(true);
    expect(errors.some((error) => error.includes('node "a" is in two groups of one partition'))).toBe(true);
  });
});

describe("scripted inputs against the programs", () => {
  it("reports an unknown collection, a collection that takes no arrivals and a bad tuple, each at its place", async () => {
    const program = "input put(key: string, n: int);\ntable t(x: int);\noutput o(x: int);\no(n) <= put(_, n);";
    const text = [
      "{",
      '  "nodes": [{"name": "a", "program": "a.hydro"}],',
      '  "inputs": {"a": [{"at": 0, "arrivals": {"put": [["k", 1], ["k", "one"], ["k"]], "pot": [], "t": [[1]]}}]}',
      "}",
    ].join("\n");
    const parsed = parseTopology("/virtual/topology.json", text);
    expect(parsed.diagnostics).toEqual([]);
    const classes = await programsFor({ a: program });
    const schemas = new Map([["a", new (classes.get("a")!)({ me: "a" }).schema]]);
    const errors = checkScriptedInputs(parsed.topology!, schemas).map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`);
    expect(errors).toEqual([
      'HY5006 3:61 put: column 2: expected an int (a safe integer), got "one"',
      "HY5006 3:75 put: expected 2 columns, got 1",
      'HY5006 3:83 node "a" (module program) has no collection "pot"',
      "HY5006 3:94 t is a table: only inputs, channels and periodics take arrivals",
    ]);
  });
});

describe("the command on bad topologies", () => {
  const directory = mkdtempSync(join(tmpdir(), "hydro-sim-topology-"));
  writeFileSync(join(directory, "ok.hydro"), "input i(n: int);\noutput o(n: int);\no(n) <= i(n);\n");
  writeFileSync(join(directory, "broken.hydro"), "output o(n: int);\no(n) <= missing(n);\n");

  it("exits 2 with a code frame at the unknown program", async () => {
    writeFileSync(join(directory, "missing.json"), JSON.stringify({ nodes: [{ name: "a", program: "nowhere.hydro" }] }, null, 2));
    const result = await runSim(["missing.json"], directory);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("missing.json:5:18: error HY5005: cannot read the program of node \"a\"");
    expect(result.stderr).toContain('"program": "nowhere.hydro"');
  });

  it("exits 2 with the program's own diagnostics when it does not compile", async () => {
    writeFileSync(join(directory, "broken.json"), JSON.stringify({ nodes: [{ name: "a", program: "broken.hydro" }] }));
    const result = await runSim(["broken.json"], directory);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/broken\.hydro:2:9: error HY2001/);
  });

  it("exits 2 on a scripted input the program does not take", async () => {
    writeFileSync(join(directory, "input.json"), JSON.stringify({ nodes: [{ name: "a", program: "ok.hydro" }], inputs: { a: [{ at: 0, arrivals: { i: [["x"]] } }] } }));
    const result = await runSim(["input.json"], directory);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("input.json:1:86: error HY5006: i: column 1: expected an int");
  });

  it("exits 2 on an unreadable file and on bad options", async () => {
    expect((await runSim(["absent.json"], directory)).stderr).toBe("hydro sim: cannot read absent.json\n");
    writeFileSync(join(directory, "fine.json"), JSON.stringify({ nodes: [{ name: "a", program: "ok.hydro" }] }));
    for (const options of [["--schedules", "0"], ["--seed", "-1"], ["--format", "xml"], ["--seed", "1.5"]]) {
      const result = await runSim(["fine.json", ...options], directory);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/^hydro sim: --/);
    }
  });
});
