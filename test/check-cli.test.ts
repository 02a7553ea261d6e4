// `hydro check` end to end through its commander command: file discovery, the four formats,
// exit codes, baselines. Each test works in its own temporary directory with copies of corpus
// programs, and captures stdout/stderr through the CliIo contract.

import { Command, CommanderError } from "commander";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkCommand } from "../compiler/cli/check.ts";
import { escapeData, escapeProperty } from "../compiler/cli/check-github.ts";
import type { CliContext } from "../compiler/cli/io.ts";

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), "calm", "corpus");

interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

async function hydroCheck(args: readonly string[], cwd: string, colors = false): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const context: CliContext = {
    io: {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      stdin: process.stdin,
      cwd,
      env: {},
      colors,
    },
    exitCode: 0,
  };
  const program = new Command("hydro").exitOverride();
  const check = checkCommand(context).exitOverride().configureOutput({ writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t) });
  program.addCommand(check);
  try {
    await program.parseAsync(["check", ...args], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { stdout, stderr, exitCode: error.code === "commander.helpDisplayed" ? 0 : 2 };
  }
  return { stdout, stderr, exitCode: context.exitCode };
}

/** A fresh directory holding copies of the named corpus programs (and the extern modules). */
function workspace(...programs: string[]): string {
  const directory = mkdtempSync(join(tmpdir(), "hydro-check-"));
  for (const name of programs) copyFileSync(join(CORPUS, name), join(directory, name));
  for (const extern of ["pricing.ts", "dice.ts", "grades.ts"]) copyFileSync(join(CORPUS, extern), join(directory, extern));
  return directory;
}

describe("hydro check: text", () => {
  it("prints findings with a code frame, the witness path and a fix, a verdict table and a summary", async () => {
    const cwd = workspace("cart_disorderly.hydro");
    const { stdout, exitCode } = await hydroCheck(["cart_disorderly.hydro"], cwd);
    expect(exitCode).toBe(1);
    expect(stdout).toContain("cart_disorderly.hydro:12:18: error CALM001: receipt#1 needs coordination");
    expect(stdout).toContain("> 12 | receipt(c, s, i, sum(q)) <= checkout_msg(_, s, c), action_log(s, i, q, _);");
    expect(stdout).toContain("witness path: action_msg (channel, line 7) -> action_log#1 (line 11) -> receipt#1 (line 12) [sum(q)]");
    expect(stdout).toContain("help: seal: if every producer punctuates after its last tuple per key, declare `seal action_msg on (session);`");
    expect(stdout).toMatch(/receipt#1 +line 12 +<= +N +needs coordination +CALM001 +sum\(q\) +fix: seal/);
    expect(stdout).toContain("outputs: receipt D");
    expect(stdout).toContain("1 file, 2 rules: 1 coordination-free, 1 needs coordination, 0 not confluent, 0 acknowledged");
    expect(stdout).not.toContain("\u001b[");
  });

  it("colours only when the terminal allows it", async () => {
    const cwd = workspace("cart_disorderly.hydro");
    const { stdout } = await hydroCheck(["cart_disorderly.hydro"], cwd, true);
    expect(stdout).toContain("\u001b[");
  });

  it("exits 0 when every finding is acknowledged, and shows CALM008", async () => {
    const cwd = workspace("ack_coordinated.hydro");
    const { stdout, exitCode } = await hydroCheck(["ack_coordinated.hydro"], cwd);
    expect(exitCode).toBe(0);
    expect(stdout).toContain("info CALM008: tally#1 needs coordination (CALM001");
  });

  it("exits 2 on compile errors, reporting them, with no verdicts for that file", async () => {
    const cwd = workspace("cycle_negation.hydro", "rendezvous.hydro");
    const { stdout, exitCode } = await hydroCheck(["."], cwd);
    expect(exitCode).toBe(2);
    expect(stdout).toContain("error HY4001");
    expect(stdout).toContain("cycle_negation.hydro: did not compile, no verdicts");
    expect(stdout).toContain("paired#1");
  });

  it("lists the codes in --help", async () => {
    const { stdout, exitCode } = await hydroCheck(["--help"], tmpdir());
    expect(exitCode).toBe(0);
    expect(stdout).toContain("CALM001");
    expect(stdout).toContain("non-monotone operator on asynchronous input");
  });
});

describe("hydro check: files and usage", () => {
  it("checks every .hydro file under a directory, recursively and in order, skipping node_modules", async () => {
    const cwd = workspace();
    mkdirSync(join(cwd, "services", "deep"), { recursive: true });
    mkdirSync(join(cwd, "node_modules", "x"), { recursive: true });
    copyFileSync(join(CORPUS, "quorum.hydro"), join(cwd, "services", "b.hydro"));
    copyFileSync(join(CORPUS, "rendezvous.hydro"), join(cwd, "services", "deep", "a.hydro"));
    copyFileSync(join(CORPUS, "rendezvous.hydro"), join(cwd, "node_modules", "x", "ignored.hydro"));
    writeFileSync(join(cwd, "services", "notes.txt"), "not a program");
    const { stdout, exitCode } = await hydroCheck(["services", "--format", "json"], cwd);
    expect(exitCode).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(["services/b.hydro", "services/deep/a.hydro"]);
  });

  it("exits 2 for a missing path, an empty directory, an unknown format or no path at all", async () => {
    const cwd = workspace("quorum.hydro");
    mkdirSync(join(cwd, "empty"));
    const missing = await hydroCheck(["quorum.hydro", "nope.hydro"], cwd);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("no such file or directory: nope.hydro");
    expect(missing.stdout).toContain("quorum.hydro");
    expect((await hydroCheck(["empty"], cwd)).exitCode).toBe(2);
    expect((await hydroCheck(["quorum.hydro", "--format", "xml"], cwd)).exitCode).toBe(2);
    expect((await hydroCheck([], cwd)).exitCode).toBe(2);
  });
});

describe("hydro check: json", () => {
  it("has exactly the documented shape, and nothing else on stdout", async () => {
    const cwd = workspace("cart_disorderly.hydro", "quorum.hydro", "syntax_error.hydro");
    const { stdout, exitCode } = await hydroCheck([".", "--format", "json"], cwd);
    expect(exitCode).toBe(2);
    const report = JSON.parse(stdout);
    expect(report.version).toBe(1);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(["cart_disorderly.hydro", "quorum.hydro", "syntax_error.hydro"]);
    const [cart, quorum, broken] = report.files;
    expect(Object.keys(cart)).toEqual(expect.arrayContaining(["file", "errors", "rules"]));
    expect(cart.errors).toEqual([]);
    expect(cart.rules[1]).toMatchObject({
      name: "receipt#1",
      line: 12,
      column: 1,
      op: "<=",
      monotone: false,
      verdict: "needs-coordination",
      code: "CALM001",
      operator: "sum(q)",
      fix: "seal",
      path: ["action_msg (channel, line 7)", "action_log#1 (line 11)", "receipt#1 (line 12)"],
    });
    expect(cart.rules[0]).toMatchObject({ name: "action_log#1", verdict: "coordination-free", code: null, fix: null, path: [] });
    expect(cart.outputs).toEqual([{ name: "receipt", label: "D", line: 10, column: 1 }]);
    expect(quorum.outputs).toEqual([{ name: "committed_out", label: "A", line: 10, column: 1 }]);
    expect(broken.rules).toEqual([]);
    expect(broken.errors[0]).toMatchObject({ code: "HY1004", line: 5 });
    expect(Object.keys(broken.errors[0]).sort()).toEqual(["code", "column", "line", "message"]);
    expect(report.summary).toMatchObject({ rules: 5, monotone: 4, needsCoordination: 1, notConfluent: 0, acknowledged: 0 });
  });
});

describe("hydro check: sarif", () => {
  it("is SARIF 2.1.0 with catalog rules, repository-relative locations and the witness path as a code flow", async () => {
    const root = workspace();
    mkdirSync(join(root, ".git"));
    mkdirSync(join(root, "svc"));
    copyFileSync(join(CORPUS, "cart_disorderly.hydro"), join(root, "svc", "cart.hydro"));
    const { stdout, exitCode } = await hydroCheck(["cart.hydro", "--format", "sarif"], join(root, "svc"));
    expect(exitCode).toBe(1);
    const log = JSON.parse(stdout);
    expect(log.$schema).toContain("sarif-2.1.0");
    expect(log.version).toBe("2.1.0");
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("hydrolog");
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+$/);
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "CALM001");
    expect(rule.shortDescription.text).toBe("non-monotone operator on asynchronous input");
    const finding = run.results.find((r: { ruleId: string }) => r.ruleId === "CALM001");
    expect(finding.level).toBe("error");
    expect(finding.message.text).toContain("receipt#1 needs coordination");
    expect(run.tool.driver.rules[finding.ruleIndex].id).toBe("CALM001");
    expect(finding.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "svc/cart.hydro", uriBaseId: "%SRCROOT%" },
      region: { startLine: 12, startColumn: 18, endLine: 12, endColumn: 24 },
    });
    const flow = finding.codeFlows[0].threadFlows[0].locations.map((l: { location: { message: { text: string } } }) => l.location.message.text);
    expect(flow).toEqual(["action_msg (channel, line 7)", "action_log#1 (line 11)", "receipt#1 (line 12)"]);
    expect(finding.partialFingerprints["hydrologFinding/v1"]).toBe("cart.hydro:receipt#1:CALM001");
    const labels = run.results.filter((r: { ruleId: string }) => r.ruleId === "CALM007");
    expect(labels.map((r: { level: string; message: { text: string } }) => [r.level, r.message.text])).toEqual([
      ["note", "output receipt is D (from channel action_msg, channel checkout_msg)"],
    ]);
    expect(run.properties.outputs).toEqual([{ file: "cart.hydro", name: "receipt", label: "D" }]);
  });
});

describe("hydro check: github", () => {
  it("escapes data and properties as GitHub's workflow commands require", () => {
    expect(escapeData("50% a\r\nb")).toBe("50%25 a%0D%0Ab");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
  });

  it("prints one annotation per diagnostic, notices for labels, and a summary", async () => {
    const cwd = workspace("cart_disorderly.hydro");
    const { stdout, exitCode } = await hydroCheck(["cart_disorderly.hydro", "--format", "github"], cwd);
    expect(exitCode).toBe(1);
    const lines = stdout.trim().split("\n");
    const error = lines.find((l) => l.startsWith("::error "))!;
    expect(error).toMatch(/^::error file=cart_disorderly\.hydro,line=12,col=18,endLine=12,endColumn=24,title=CALM001 non-monotone operator on asynchronous input::receipt#1 needs coordination/);
    expect(error).toContain("%0Ahelp: seal");
    expect(error.split("::").length).toBe(3);
    expect(lines).toContain(
      "::notice file=cart_disorderly.hydro,line=10,col=1,endLine=10,endColumn=68,title=CALM007 output label::output receipt is D (from channel action_msg, channel checkout_msg)",
    );
    expect(lines.at(-1)).toMatch(/^hydro check: 1 file, 2 rules: 1 coordination-free, 1 needs coordination/);
  });
});

describe("hydro check: baselines", () => {
  it("--write-baseline records the findings by file, rule and code; --baseline then fails only on new ones", async () => {
    const cwd = workspace("rendezvous.hydro", "quorum.hydro");
    mkdirSync(join(cwd, "ci"));
    const written = await hydroCheck([".", "--write-baseline", "ci/baseline.json"], cwd);
    expect(written.exitCode).toBe(0);
    const baseline = JSON.parse(readFileSync(join(cwd, "ci", "baseline.json"), "utf8"));
    expect(baseline).toEqual({ version: 1, findings: [{ file: "../rendezvous.hydro", rule: "paired#1", code: "CALM002" }] });

    const known = await hydroCheck([".", "--baseline", "ci/baseline.json"], cwd);
    expect(known.exitCode).toBe(0);
    expect(known.stdout).toContain("(in the baseline)");
    expect(known.stdout).toContain("(1 known from the baseline)");

    // Moving the rule does not resurrect it: findings match by name and code, not by line.
    const path = join(cwd, "rendezvous.hydro");
    writeFileSync(path, "// a new first line\n\n" + readFileSync(path, "utf8"));
    expect((await hydroCheck([".", "--baseline", "ci/baseline.json"], cwd)).exitCode).toBe(0);

    // From another working directory the baseline still resolves its paths.
    expect((await hydroCheck(["../rendezvous.hydro", "--baseline", "baseline.json"], join(cwd, "ci"))).exitCode).toBe(0);

    // A new finding fails.
    copyFileSync(join(CORPUS, "upsert_channel.hydro"), join(cwd, "upsert_channel.hydro"));
    const fresh = await hydroCheck([".", "--baseline", "ci/baseline.json", "--format", "json"], cwd);
    expect(fresh.exitCode).toBe(1);
    const report = JSON.parse(fresh.stdout);
    const baselined = report.files.flatMap((f: { rules: { name: string; baseline: boolean }[] }) => f.rules.filter((r) => r.baseline).map((r) => r.name));
    expect(baselined).toEqual(["paired#1"]);
  });

  it("exits 2 for an unreadable or malformed baseline", async () => {
    const cwd = workspace("quorum.hydro");
    expect((await hydroCheck(["quorum.hydro", "--baseline", "missing.json"], cwd)).exitCode).toBe(2);
    writeFileSync(join(cwd, "bad.json"), "{ not json");
    const bad = await hydroCheck(["quorum.hydro", "--baseline", "bad.json"], cwd);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("bad.json is not JSON");
  });
});
