// The benchmark harness's pure parts: statistics, ratios, number formats, the table layout,
// the command line, count parsing and judging, the generated program and the goal verdicts.
// No timing is asserted anywhere: the figures here are made up, the arithmetic is what is tested.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateProgram } from "../bench/harness/generated-program.ts";
import { evaluateGoals, type EngineResult, type WorkloadResult } from "../bench/harness/goals.ts";
import { failureSummary } from "../bench/harness/measure.ts";
import { parseOptions } from "../bench/harness/options.ts";
import { formatResultsTable } from "../bench/harness/report.ts";
import { judgeCounts, parseCountLines, parseJsonReport, parseSouffleOutput, readOutputCounts } from "../bench/harness/results.ts";
import { formatCount, formatMebibytes, formatRange, formatRatio, formatSeconds, median, ratio, summarize } from "../bench/harness/stats.ts";
import { formatTable } from "../bench/harness/table.ts";
import { WORKLOADS, baselineName, selectWorkloads } from "../bench/harness/workloads.ts";

describe("statistics", () => {
  it("takes the middle sample, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  it("does not reorder the caller's samples", () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it("summarizes runs with their spread", () => {
    expect(summarize([0.5, 0.4, 0.9])).toEqual({ runs: 3, median: 0.5, min: 0.4, max: 0.9 });
    expect(summarize([])).toEqual({ runs: 0, median: null, min: null, max: null });
  });

  it("gives a ratio only when both figures exist and the reference is positive", () => {
    expect(ratio(1.5, 1.2)).toBeCloseTo(1.25);
    expect(ratio(null, 1)).toBeNull();
    expect(ratio(1, null)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });
});

describe("formats", () => {
  it("prints seconds, ranges, MiB, ratios and counts", () => {
    expect(formatSeconds(0.4623)).toBe("0.462");
    expect(formatSeconds(12.3456)).toBe("12.35");
    expect(formatSeconds(null)).toBe("–");
    expect(formatRange(0.45, 0.481)).toBe("0.450–0.481");
    expect(formatRange(null, 1)).toBe("–");
    expect(formatMebibytes(102_400)).toBe("100");
    expect(formatRatio(1.2345)).toBe("1.23×");
    expect(formatRatio(null)).toBe("–");
    expect(formatCount(1_999_000)).toBe("1,999,000");
    expect(formatCount(594)).toBe("594");
  });
});

describe("formatTable", () => {
  it("pads columns to the widest cell and right-aligns the numeric ones", () => {
    const text = formatTable(
      ["engine", "s"],
      [
        ["hand", "0.5"],
        ["hydro run", "12.25"],
      ],
      { rightAligned: [1] },
    );
    expect(text).toBe(["engine" + " ".repeat(9) + "s", "---------  -----", "hand" + " ".repeat(9) + "0.5", "hydro run  12.25", ""].join("\n"));
  });

  it("counts code points, so – and × do not shift a column", () => {
    const text = formatTable(["a", "b"], [["1–2", "x"], ["1.00×", "y"]]);
    const [, , first, second] = text.split("\n");
    expect(first!.indexOf("x")).toBe(second!.indexOf("y"));
  });

  it("separates groups with a blank line and rejects ragged rows", () => {
    const text = formatTable(["a"], [["1"], ["2"]], { groupBreaks: [0, 1] });
    expect(text.split("\n")).toEqual(["a", "-", "1", "", "2", ""]);
    expect(() => formatTable(["a", "b"], [["1"]])).toThrow(/1 cells, expected 2/);
  });
});

describe("parseOptions", () => {
  it("defaults to every workload, five runs, the full sizes", () => {
    const parsed = parseOptions([]);
    expect("options" in parsed && parsed.options).toMatchObject({ quick: false, runs: 5, only: ["tc", "sg", "join3", "kvs", "rules1000"], kvsTicks: 200_000 });
  });

  it("reads --quick, --only (comma list or repeated), --runs, --timeout", () => {
    const parsed = parseOptions(["--quick", "--only", "tc,sg", "--only=tc", "--runs", "3", "--timeout=60"]);
    expect("options" in parsed && parsed.options).toMatchObject({ quick: true, only: ["tc", "sg"], runs: 3, timeoutSeconds: 60, kvsTicks: 20_000 });
  });

  it("reports unknown workloads and options, and bad numbers", () => {
    expect(parseOptions(["--only", "tcc"])).toEqual({ error: expect.stringMatching(/unknown workload "tcc"/) });
    expect(parseOptions(["--fast"])).toEqual({ error: "unknown option --fast" });
    expect(parseOptions(["--runs", "0"])).toEqual({ error: expect.stringMatching(/positive integer/) });
    expect(parseOptions(["--runs"])).toEqual({ error: expect.stringMatching(/got nothing/) });
  });
});

describe("workloads", () => {
  it("keeps only the small sizes with --quick and the named families with --only", () => {
    const quick = selectWorkloads({ quick: true, only: ["tc", "sg", "join3"] });
    expect(quick.map((workload) => workload.dataSet)).toEqual(["chain200", "rand200x600", "tree2d8", "tree2d10", "rand1000x4000"]);
    const tc = selectWorkloads({ quick: false, only: ["tc"] });
    expect(tc.map((workload) => workload.id)).toEqual(["tc chain200", "tc rand200x600", "tc chain2000", "tc rand2000x6000"]);
  });

  it("runs d2ts on the smallest recursive workloads only (tree2d10 takes it minutes)", () => {
    expect(WORKLOADS.filter((workload) => workload.d2ts).map((workload) => workload.id)).toEqual(["tc chain200", "tc rand200x600", "sg tree2d8"]);
  });

  it("maps output names to the baselines' names", () => {
    expect(baselineName("path_size")).toBe("path");
    expect(baselineName("fanout_sum")).toBe("fanout_sum");
  });
});

describe("counts", () => {
  it("reads name<TAB>count lines and ignores the rest", () => {
    expect(parseCountLines("path\t1999000\n")).toEqual({ path: 1_999_000 });
    expect(parseCountLines("hop3\t5\nopen3\t4\nsome banner\n")).toEqual({ hop3: 5, open3: 4 });
  });

  it("reads Soufflé's printsize lines and stdout output blocks", () => {
    const text = "hop3\t2476946\nopen3\t2475927\n---------------\nfanout_sum\n===============\n2475927\n===============\n---------------\nfanout_max\nm\n===============\n492\n===============\n";
    expect(parseSouffleOutput(text)).toEqual({ hop3: 2_476_946, open3: 2_475_927, fanout_sum: 2_475_927, fanout_max: 492 });
  });

  it("reads a hydro run output directory, one count per file", () => {
    const directory = mkdtempSync(join(tmpdir(), "bench-harness-test-"));
    try {
      writeFileSync(join(directory, "path_size.csv"), "19900\n");
      writeFileSync(join(directory, "fanout_max.csv"), "");
      writeFileSync(join(directory, "broken_size.csv"), "1\n2\n");
      const { counts, errors } = readOutputCounts(directory);
      expect(counts).toEqual({ path: 19_900 });
      expect(errors).toEqual([expect.stringMatching(/^broken_size.csv: expected one count, got 2 row/)]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("judges counts against the expected ones, naming what differs", () => {
    expect(judgeCounts({ path: 19_900 }, { path: 19_900 })).toEqual({ correct: true, text: "path 19,900" });
    expect(judgeCounts({ path: 594 }, { path: 19_900 })).toEqual({ correct: false, text: "path 594 (expected 19,900)" });
    expect(judgeCounts({}, { sg: 1 })).toEqual({ correct: false, text: "sg missing (expected 1)" });
  });

  it("reads a JSON report printed whole or as the last line", () => {
    expect(parseJsonReport('{\n  "summary": {"rules": 3}\n}\n')).toEqual({ summary: { rules: 3 } });
    expect(parseJsonReport('warming up\n{"seconds": 0.5, "counts": {}}\n')).toEqual({ seconds: 0.5, counts: {} });
    expect(parseJsonReport("not json")).toBeNull();
  });
});

describe("failureSummary", () => {
  it("picks the error line of a stack trace over Node's banner", () => {
    const stderr = "\nnode:internal/modules/run_main:123\n    triggerUncaughtException(\n    ^\nError [ERR_MODULE_NOT_FOUND]: Cannot find module 'x'\n    at y\n";
    expect(failureSummary({ timedOut: false, signal: null, exitCode: 1, stderr, stdout: "" })).toBe("exit 1: Error [ERR_MODULE_NOT_FOUND]: Cannot find module 'x'");
    expect(failureSummary({ timedOut: true, signal: "SIGKILL", exitCode: null, stderr: "", stdout: "" })).toBe("timed out");
  });
});

describe("generateProgram", () => {
  it("has exactly the requested number of rules, each declared collection used", () => {
    const program = generateProgram(1000);
    expect(program.rules).toBe(1000);
    const rules = program.text.split("\n").filter((line) => line.includes("<="));
    expect(rules).toHaveLength(1000);
    expect(rules.at(-1)).toMatch(/^result_size\(count\(\)\) <= r\d+\(_, _\);$/);
    expect(generateProgram(7).rules).toBe(7);
  });

  it("negates only an earlier link, so the program stratifies", () => {
    for (const line of generateProgram(200).text.split("\n")) {
      const match = /^r(\d+)\(.*!r(\d+)\(/.exec(line);
      if (match) expect(Number(match[2])).toBeLessThan(Number(match[1]));
    }
  });
});

const engine = (kind: EngineResult["kind"], seconds: number[], peak: number[], extra: Partial<EngineResult> = {}): EngineResult => ({
  kind,
  label: kind,
  display: kind,
  seconds,
  wallSeconds: seconds,
  peakKibibytes: peak,
  resultText: "path 1",
  correct: true,
  ...extra,
});

const chain2000 = WORKLOADS.find((workload) => workload.id === "tc chain2000")!;

describe("evaluateGoals", () => {
  it("judges hydro against the typed baseline of the same run, and Soufflé's reference figure", () => {
    const result: WorkloadResult = {
      workload: chain2000,
      engines: [engine("hydro-run", [0.55, 0.6, 0.5], [140_000]), engine("typed", [0.5, 0.5, 0.5], [100_000], { reference: true })],
    };
    const goals = evaluateGoals({ workloads: [result], fullSizesRun: true, kvs: { ticksPerSecond: 60_000, ticks: 1000 }, compile: { rules: 1000, checkSeconds: 2.5, compileSeconds: 1 } });
    const status = Object.fromEntries(goals.map((goal) => [goal.goal, goal.status]));
    expect(status["tc chain2000: hydro run ≤ 1.25× hand typed JS"]).toBe("met");
    expect(status["tc chain2000: hydro run faster than Soufflé compiled 1 thread"]).toBe("met");
    expect(goals.find((goal) => goal.goal.includes("Soufflé") && goal.goal.includes("hydro run"))!.measured).toMatch(/reference figure, not measured here/);
    expect(status["tc chain2000: hydro run peak memory ≤ 1.5× hand typed JS"]).toBe("met");
    expect(status["tc chain2000: hydro embedded ≤ 1.25× hand typed JS"]).toBe("not measured");
    expect(status["KVS service ≥ 50,000 ticks/s through the embedded API"]).toBe("met");
    expect(status["1,000-rule program: hydro check < 2 s (whole process)"]).toBe("not met");
    expect(status["1,000-rule program: hydro compile < 2 s (whole process)"]).toBe("met");
  });

  it("never counts a wrong result as fast", () => {
    const result: WorkloadResult = {
      workload: chain2000,
      engines: [engine("hydro-run", [0.1], [1], { correct: false }), engine("typed", [0.5], [100_000], { reference: true })],
    };
    const goals = evaluateGoals({ workloads: [result], fullSizesRun: true, kvs: null, compile: null });
    const time = goals.find((goal) => goal.goal === "tc chain2000: hydro run ≤ 1.25× hand typed JS")!;
    expect(time).toMatchObject({ status: "not measured", measured: "hydro run: wrong result" });
  });

  it("says the data-set goals need the full sizes under --quick", () => {
    const goals = evaluateGoals({ workloads: [], fullSizesRun: false, kvs: { ticksPerSecond: null, reason: "no module" }, compile: null });
    expect(goals[0]).toMatchObject({ status: "not measured", measured: expect.stringMatching(/without --quick/) });
    expect(goals[1]).toMatchObject({ status: "not measured", measured: "no module" });
  });
});

describe("formatResultsTable", () => {
  it("prints ratios against the baselines and marks wrong results and failures", () => {
    const result: WorkloadResult = {
      workload: chain2000,
      engines: [
        engine("hydro-run", [], [], { label: "hydro run", correct: null, resultText: "no result", failure: "exit 2: not implemented" }),
        engine("typed", [0.4, 0.5, 0.6], [102_400], { reference: true }),
        engine("d2ts", [1.0], [204_800], { correct: false, resultText: "path 594 (expected 19,900)" }),
      ],
    };
    const { table, notes } = formatResultsTable([result]);
    const lines = table.split("\n");
    expect(lines[2]).toMatch(/^tc chain2000 +hydro run +failed \[1\] +– +– +– +– +– +–$/);
    expect(lines[3]).toMatch(/typed +expected +0\.500 +0\.400–0\.600 +100 +1\.00× +– +0\.57× ref$/);
    expect(lines[4]).toMatch(/d2ts +WRONG: path 594 \(expected 19,900\) +1\.000 +1\.000–1\.000 +200 +2\.00× +– +1\.14× ref$/);
    expect(notes).toEqual(["[1] tc chain2000, hydro run: exit 2: not implemented"]);
  });
});
