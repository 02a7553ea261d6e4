// The `hydro` command as a whole, in process through runCli with captured io: help and version,
// exit codes for bad usage, and `hydro compile` (TypeScript, IR, -o, --check) on valid and
// invalid programs — every error located as `file:line:col` with its code.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../compiler/cli/index.ts";

async function hydro(args: string[], cwd = process.cwd()) {
  let stdout = "";
  let stderr = "";
  const exitCode = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: Readable.from([""]),
    cwd,
    env: {},
    colors: false,
  });
  return { exitCode, stdout, stderr };
}

function scratchDirectory(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), "hydro-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

const VALID = `table edge(x: int, y: int);
scratch path(x: int, y: int);
output reach(x: int, y: int);
edge(1, 2);
edge(2, 3);
path(x, y) <= edge(x, y);
path(x, z) <= path(x, y), edge(y, z);
reach(x, y) <= path(x, y);
`;

describe("hydro", () => {
  it("lists every command in --help and exits 0", async () => {
    const result = await hydro(["--help"]);
    expect(result.exitCode).toBe(0);
    for (const command of ["compile", "check", "run", "sim", "fmt", "graph"]) {
      expect(result.stdout).toContain(command);
    }
  });

  it("gives --help for every command", async () => {
    for (const command of ["compile", "check", "run", "sim", "fmt", "graph"]) {
      const result = await hydro([command, "--help"]);
      expect(result.exitCode, command).toBe(0);
      expect(result.stdout, command).toContain(`Usage: hydro ${command}`);
    }
  });

  it("exits 2 on an unknown command or option", async () => {
    expect((await hydro(["frobnicate"])).exitCode).toBe(2);
    expect((await hydro(["compile", "--frobnicate", "x.hydro"])).exitCode).toBe(2);
    expect((await hydro(["compile"])).exitCode).toBe(2);
  });
});

describe("hydro compile", () => {
  it("prints the IR of a valid program and exits 0", async () => {
    const cwd = scratchDirectory({ "tc.hydro": VALID });
    const result = await hydro(["compile", "tc.hydro", "--emit", "ir"], cwd);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("stratum 0 recursive: path");
    expect(result.stdout).toContain("join edge on");
  });

  it("writes the TypeScript module with -o, and --check tells whether it is stale", async () => {
    const cwd = scratchDirectory({ "tc.hydro": VALID });
    expect((await hydro(["compile", "tc.hydro", "-o", "tc.ts"], cwd)).exitCode).toBe(0);
    const module = readFileSync(join(cwd, "tc.ts"), "utf8");
    expect(module).toContain("export class Tc");
    expect(module).toContain("path(x, z) <= path(x, y), edge(y, z);");
    expect((await hydro(["compile", "tc.hydro", "-o", "tc.ts", "--check"], cwd)).exitCode).toBe(0);
    writeFileSync(join(cwd, "tc.ts"), module + "// edited\n");
    const stale = await hydro(["compile", "tc.hydro", "-o", "tc.ts", "--check"], cwd);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain("not up to date");
  });

  it("reports every syntax error of a file with its location and exits 2", async () => {
    const cwd = scratchDirectory({
      "bad.hydro": "table a(x: int)\ntable b(y: int);\nb(y) <= a(y;\nb(1) <= ;\n",
    });
    const result = await hydro(["compile", "bad.hydro", "--emit", "ir"], cwd);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    const locations = [...result.stderr.matchAll(/^bad\.hydro:(\d+):(\d+): error (HY\d{4})/gm)].map((m) => m[1]);
    expect(locations.length).toBeGreaterThanOrEqual(2);
    expect(result.stderr).not.toMatch(/\bat \w+ \(/); // no stack trace
  });

  it("reports semantic errors with a code frame and exits 2", async () => {
    const cwd = scratchDirectory({ "semantic.hydro": "table a(x: int);\nb(x) <= a(x);\na(y) <= a(x);\n" });
    const result = await hydro(["compile", "semantic.hydro"], cwd);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^semantic\.hydro:2:1: error HY2001: /m);
    expect(result.stderr).toMatch(/^semantic\.hydro:3:3: error HY3003: /m);
    expect(result.stderr).toContain("> 2 | b(x) <= a(x);");
  });

  it("exits 2 for a file that does not exist", async () => {
    const result = await hydro(["compile", "missing.hydro"], scratchDirectory({}));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("cannot read missing.hydro");
  });
});

describe("hydro run with an extern function", () => {
  it("imports the extern relative to a program given by a relative path", async () => {
    let stdout = "";
    let stderr = "";
    const exitCode = await runCli(["run", "test/fixtures/extern/shout.hydro", "--stdio"], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      stdin: Readable.from(['{"word": [["hi"]]}\n']),
      cwd: process.cwd(),
      env: {},
      colors: false,
    });
    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual({ tick: 0, outputs: { loud: [["HI!"]] }, sent: [] });
  });
});
