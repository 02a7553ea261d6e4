// End to end: `hydro sim examples/<x>/topology*.json --schedules 20` on the example programs,
// with the verdict each README states — the disorderly cart, KVS reads and 2PC with a timeout
// race diverge; the counted cart, the replicated store and 2PC with fast votes agree.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSim } from "./sim-harness.ts";

const ROOT = new URL("..", import.meta.url).pathname;

async function sim(topology: string, ...options: string[]) {
  return runSim([`examples/${topology}`, "--schedules", "20", ...options], ROOT);
}

describe("the shopping cart", () => {
  it("diverges when the checkout can overtake actions, and shows the race at a server", async () => {
    const result = await sim("shopping-cart/topology.json");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^diverge: \d+ different outcomes over 20 schedules$/m);
    expect(result.stdout).toContain("client output total");
    expect(result.stdout).toMatch(/the schedules part at server[12]: what it received/);
    expect(result.stdout).toMatch(/checkout \["server[12]",1,"client"\]/);
  });

  it("agrees when the receipt waits for the counted actions, and every receipt is complete", async () => {
    const result = await sim("shopping-cart/topology-counted.json", "--format", "json");
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ version: 1, schedules: 20, agree: true, divergence: null });
    expect(report.outcomes).toHaveLength(1);
    expect(report.final.nodes.client.outputs.total).toEqual([
      [1, "apples", 1],
      [1, "figs", 3],
      [1, "pears", 1],
    ]);
    // Both replicas billed, and each logged all four actions.
    for (const server of ["server1", "server2"]) expect(report.final.nodes[server].state.action_log).toHaveLength(4);
    // Duplicates did happen: the agreement is not for want of disorder.
    expect(report.runs.some((run: { duplicated: number }) => run.duplicated > 0)).toBe(true);
  });
});

describe("the replicated key-value store", () => {
  it("converges under loss, duplication, a partition and a crash in every schedule", async () => {
    const result = await sim("replicated-kvs/topology.json", "--format", "json");
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.agree).toBe(true);
    const store = [
      ["color", [5, "replica2", "yellow"]],
      ["shape", [3, "replica2", "round"]],
      ["size", [4, "replica3", "large"]],
    ];
    for (const replica of ["replica1", "replica2", "replica3"]) expect(report.final.nodes[replica].state.store).toEqual(store);
    expect(report.runs.every((run: { dropped: number; duplicated: number }) => run.dropped > 0 && run.duplicated > 0)).toBe(true);
  });

  it("diverges on a read that races the writes", async () => {
    const result = await sim("replicated-kvs/topology-reads.json");
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("replica3 output read");
    expect(result.stdout).toMatch(/\["color","(red|blue)"\] was output by replica3/);
    expect(result.stdout).toContain("the schedules part at replica3");
  });
});

describe("two-phase commit", () => {
  it("agrees when every vote arrives before the timeout: commit, abort on a no vote, commit", async () => {
    const result = await sim("two-phase-commit/topology.json", "--format", "json");
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.final.nodes.coordinator.outputs.outcome).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    for (const participant of ["p1", "p2", "p3"]) expect(report.final.nodes[participant].state.applied).toEqual([[1, true], [2, false], [3, true]]);
  });

  it("diverges when votes race the timeout: the decision depends on the schedule", async () => {
    const result = await sim("two-phase-commit/topology-timeout.json", "--format", "json");
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.divergence).toMatchObject({ node: "coordinator", aspect: "outputs", collection: "outcome" });
    // Within each run, the coordination holds: every participant applies the coordinator's decisions.
    const { nodes } = report.final;
    for (const participant of ["p1", "p2", "p3"]) expect(nodes[participant].state.applied).toEqual(nodes.coordinator.state.decided);
  });
});

describe("the command's output", () => {
  it("is the same on every run with the same seeds", async () => {
    const first = await sim("shopping-cart/topology.json", "--seed", "100");
    const second = await sim("shopping-cart/topology.json", "--seed", "100");
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toContain("(seeds 100..119)");
  });

  it("prints the final outputs and state for one schedule, and every schedule with --trace", async () => {
    const result = await runSim(["examples/two-phase-commit/topology.json", "--trace"], ROOT);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("coordinator:\n  output outcome: [1,true] [2,false] [3,true]");
    expect(result.stdout).toContain("schedule of seed 1:");
    expect(result.stdout).toMatch(/ms {2}tick \d+ +p1 <- coordinator {2}prepare \["p1","coordinator",1\]/);
  });

  it("exits 2 when a run never becomes quiet, naming the seed and the node", async () => {
    const directory = mkdtempSync(join(tmpdir(), "hydro-sim-runaway-"));
    writeFileSync(join(directory, "runaway.hydro"), "table c(n: int);\nc(0);\nc(n + 1) <+ c(n);\n");
    writeFileSync(join(directory, "topology.json"), JSON.stringify({ nodes: [{ name: "a", program: "runaway.hydro" }] }));
    const result = await runSim(["topology.json", "--schedules", "3"], directory);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain("error: seed 1 stopped early: node a ran 1000 ticks at time 0 without becoming quiet");
    expect(result.stdout).not.toContain("seed 2");
  });

  it("answers --help", async () => {
    const result = await runSim(["--help"], ROOT);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("--schedules <n>");
  });
});
