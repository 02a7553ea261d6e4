// Every example, run end to end through ./bin/hydro as its README says: batch examples against
// expected/*.csv, stdio examples against expected.jsonl. Set UPDATE_GOLDEN=1 to rewrite the
// expected files from the current output (then review the diff).

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const EXAMPLES = join(ROOT, "examples");
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";

function hydro(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(join(ROOT, "bin", "hydro"), args, { cwd: ROOT, input, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function program(directory: string): string {
  const name = readdirSync(directory).find((file) => file.endsWith(".hydro"));
  if (name === undefined) throw new Error(`no program in ${directory}`);
  return join(directory, name);
}

/** The examples of the run modes (others, of the service and the simulator, have their own tests). */
const examples = ["kvs", "quorum-vote", "same-generation", "shopping-cart", "shortest-paths", "transitive-closure"];

describe("examples", () => {
  it("has each example with its README", () => {
    const present = readdirSync(EXAMPLES, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    for (const example of examples) {
      expect(present).toContain(example);
      expect(existsSync(join(EXAMPLES, example, "README.md"))).toBe(true);
    }
  });

  for (const example of examples) {
    const directory = join(EXAMPLES, example);
    if (existsSync(join(directory, "facts"))) {
      it(`${example}: batch run writes the expected .csv files`, () => {
        const out = mkdtempSync(join(tmpdir(), `hydro-${example}-`));
        const run = hydro(["run", program(directory), "--facts", join(directory, "facts"), "--out", out]);
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        const expectedDirectory = join(directory, "expected");
        for (const file of readdirSync(out).sort()) {
          const actual = readFileSync(join(out, file), "utf8");
          if (UPDATE) writeFileSync(join(expectedDirectory, file), actual);
          expect(actual, file).toBe(readFileSync(join(expectedDirectory, file), "utf8"));
        }
        expect(readdirSync(out).sort()).toEqual(readdirSync(expectedDirectory).sort());
      });
    } else {
      it(`${example}: stdio run prints the expected lines`, () => {
        const session = readFileSync(join(directory, "session.jsonl"), "utf8");
        const run = hydro(["run", program(directory), "--stdio"], session);
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        if (UPDATE) writeFileSync(join(directory, "expected.jsonl"), run.stdout);
        expect(run.stdout).toBe(readFileSync(join(directory, "expected.jsonl"), "utf8"));
        expect(run.stdout.trim().split("\n")).toHaveLength(session.trim().split("\n").length);
      });
    }
  }
});
