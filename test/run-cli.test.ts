// `hydro run` through the command itself (runCommand with captured io): batch mode (.facts in,
// sorted .csv out, the union over ticks, malformed facts → exit 2 naming file and line) and
// stdio mode (one line per tick, --show, --me, bad lines on stderr, failed ticks), and compile
// errors (located diagnostics, exit 2).

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCommand } from "../compiler/cli/run.ts";
import type { CliContext } from "../compiler/cli/io.ts";

interface Captured {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function hydroRun(args: string[], stdin = "", cwd = process.cwd()): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const context: CliContext = {
    io: {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      stdin: Readable.from([stdin]),
      cwd,
      env: {},
      colors: false,
    },
    exitCode: 0,
  };
  const command = runCommand(context);
  command.exitOverride();
  command.configureOutput({ writeOut: (text) => void (stdout += text), writeErr: (text) => void (stderr += text) });
  await command.parseAsync(args, { from: "user" });
  return { exitCode: context.exitCode, stdout, stderr };
}

function workspace(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), "hydro-run-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, ".."), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

const GRAPH = `
input edge(x: int, y: int);
input label(node: int, name: string);
table path(x: int, y: int);
output reach(x: int, y: int);
output named(name: string, reaches: int);
path(x, y) <= edge(x, y);
path(x, z) <= path(x, y), edge(y, z);
reach(x, y) <= path(x, y);
named(n, count()) <= label(x, n), path(x, _);
`;

describe("hydro run, batch", () => {
  it("reads inputs from .facts files and writes every output sorted, tab-separated", async () => {
    const directory = workspace({
      "g.hydro": GRAPH,
      "facts/edge.facts": "3\t1\n1\t2\n2\t3\n10\t2\n",
      "facts/label.facts": "1\tone\n10\tten\n",
    });
    const run = await hydroRun(["g.hydro", "--facts", "facts", "--out", "out"], "", directory);
    expect(run).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    const reach = readFileSync(join(directory, "out", "reach.csv"), "utf8");
    expect(reach.split("\n").slice(0, 4)).toEqual(["1\t1", "1\t2", "1\t3", "2\t1"]);
    expect(reach.trim().split("\n")).toHaveLength(12);
    expect(readFileSync(join(directory, "out", "named.csv"), "utf8")).toBe("one\t3\nten\t3\n");
  });

  it("treats a missing .facts file as an empty input and writes empty outputs", async () => {
    const directory = workspace({ "g.hydro": GRAPH });
    const run = await hydroRun(["g.hydro", "--facts", "nowhere", "--out", "out"], "", directory);
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(directory, "out", "reach.csv"), "utf8")).toBe("");
  });

  it("reports a malformed field with its file, line and column, and exits 2 without writing", async () => {
    const directory = workspace({ "g.hydro": GRAPH, "facts/edge.facts": "1\t2\n2\tx3\n" });
    const run = await hydroRun(["g.hydro", "--facts", "facts", "--out", "out"], "", directory);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${join(directory, "facts", "edge.facts")}:2:3: y: expected an int, got "x3"`);
    expect(run.stderr).toContain("HY5001");
    expect(existsSync(join(directory, "out"))).toBe(false);
  });

  it("reports a line with the wrong number of fields", async () => {
    const directory = workspace({ "g.hydro": GRAPH, "facts/edge.facts": "1\t2\t3\n" });
    const run = await hydroRun(["g.hydro", "--facts", "facts", "--out", "out"], "", directory);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("edge.facts:1: expected 2 tab-separated fields for edge, found 3");
  });

  it("runs ticks until nothing is pending and writes the union of each output over them", async () => {
    const directory = workspace({
      "count.hydro": `
        input start(n: int);
        table counter(n: int);
        output seen(n: int);
        counter(n) <+ start(n);
        counter(n + 1) <+ counter(n), n < 4;
        seen(n) <= counter(n);
      `,
      "facts/start.facts": "0\n",
    });
    const run = await hydroRun(["count.hydro", "--facts", "facts", "--out", "out"], "", directory);
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(directory, "out", "seen.csv"), "utf8")).toBe("0\n1\n2\n3\n4\n");
  });

  it("formats strings, floats, bools and structured values", async () => {
    const directory = workspace({
      "v.hydro": `
        input item(name: string, weight: float, ok: bool);
        output row(name: string, weight: float, ok: bool);
        output all(; names: set<string>);
        row(n, w, o) <= item(n, w, o);
        all(collect(n)) <= item(n, _, _);
      `,
      "facts/item.facts": "a b\t1.5\ttrue\nc\t2\tfalse\n",
    });
    const run = await hydroRun(["v.hydro", "--facts", "facts", "--out", "out"], "", directory);
    expect(run.stderr).toBe("");
    expect(readFileSync(join(directory, "out", "row.csv"), "utf8")).toBe("a b\t1.5\ttrue\nc\t2\tfalse\n");
    expect(readFileSync(join(directory, "out", "all.csv"), "utf8")).toBe('["a b","c"]\n');
  });
});

describe("hydro run, stdio", () => {
  const KV = `
    input put(key: string, value: string);
    input get(client: addr, key: string);
    table store(key: string, value: string) key(key);
    channel reply(@to: addr, key: string, value: string);
    output stored(key: string);
    store(k, v) <+- put(k, v);
    stored(k) <= put(k, _);
    reply(c, k, v) <~ get(c, k), store(k, v);
  `;

  it("prints one line per tick with outputs, sends and, with --show, the named collections", async () => {
    const directory = workspace({ "kv.hydro": KV });
    const input = ['{"put": [["a", "1"]]}', "{}", '{"get": [["c2", "a"], ["c1", "a"]]}', ""].join("\n");
    const run = await hydroRun(["kv.hydro", "--stdio", "--show", "store,put"], input, directory);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim().split("\n").map((line) => JSON.parse(line))).toEqual([
      { tick: 0, outputs: { stored: [["a"]] }, sent: [], collections: { store: [], put: [["a", "1"]] } },
      { tick: 1, outputs: {}, sent: [], collections: { store: [["a", "1"]], put: [] } },
      {
        tick: 2,
        outputs: {},
        sent: [
          { to: "c1", channel: "reply", tuple: ["c1", "a", "1"] },
          { to: "c2", channel: "reply", tuple: ["c2", "a", "1"] },
        ],
        collections: { store: [["a", "1"]], put: [] },
      },
    ]);
  });

  it("shows every collection with --show all, in declaration order", async () => {
    const directory = workspace({ "kv.hydro": KV });
    const run = await hydroRun(["kv.hydro", "--stdio", "--show", "all"], "{}\n", directory);
    expect(Object.keys(JSON.parse(run.stdout).collections)).toEqual(["put", "get", "store", "reply", "stored"]);
  });

  it("reports a bad line as one JSON error on stderr and runs no tick for it", async () => {
    const directory = workspace({ "kv.hydro": KV });
    const input = ["{bad", '{"nope": []}', '{"put": [["a"]]}', '{"put": [["a", 1]]}', '{"stored": [["a"]]}', '{"put": [["a", "1"]]}'].join("\n");
    const run = await hydroRun(["kv.hydro", "--stdio"], input, directory);
    const errors = run.stderr.trim().split("\n").map((line) => JSON.parse(line));
    expect(errors).toHaveLength(5);
    expect(errors.map((error) => error.error.line)).toEqual([1, 2, 3, 4, 5]);
    expect(errors[1].error.message).toBe('unknown collection "nope"');
    expect(errors[2].error.message).toBe("put, tuple 1: expected 2 columns, got 1");
    expect(errors[3].error.message).toBe("put, tuple 1: column 2: expected a string, got 1");
    expect(errors[4].error.message).toBe("stored is an output: only inputs, channels and periodics take arrivals");
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(run.stdout).tick).toBe(0);
    expect(run.exitCode).toBe(0);
  });

  it("prints a failed tick with its error and goes on", async () => {
    const directory = workspace({ "kv.hydro": KV });
    const run = await hydroRun(["kv.hydro", "--stdio"], '{"put": [["a", "1"], ["a", "2"]]}\n{}\n', directory);
    const [failed, next] = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(failed).toEqual({
      tick: 0,
      failed: true,
      error: { message: expect.stringContaining("key violation in store"), tuples: [["a", "1"], ["a", "2"]] },
    });
    expect(next).toEqual({ tick: 1, outputs: {}, sent: [] });
  });

  it("uses --me as this node's address: messages to it arrive in the next tick", async () => {
    const directory = workspace({
      "ping.hydro": `
        input start(n: int);
        channel ping(@to: addr, n: int);
        output got(n: int, at: addr);
        ping(me(), n) <~ start(n);
        got(n, me()) <= ping(_, n);
      `,
    });
    const run = await hydroRun(["ping.hydro", "--stdio", "--me", "node7"], '{"start": [[1]]}\n{}\n{}\n', directory);
    expect(run.stdout.trim().split("\n").map((line) => JSON.parse(line))).toEqual([
      { tick: 0, outputs: {}, sent: [{ to: "node7", channel: "ping", tuple: ["node7", 1] }] },
      { tick: 1, outputs: { got: [[1, "node7"]] }, sent: [] },
      { tick: 2, outputs: {}, sent: [] },
    ]);
  });
});

describe("hydro run, errors", () => {
  it("prints located diagnostics and exits 2 when the program does not compile", async () => {
    const directory = workspace({ "bad.hydro": "input a(x: int);\noutput b(x: int);\nb(y) <= a(x);\n" });
    const run = await hydroRun(["bad.hydro", "--stdio"], "", directory);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("bad.hydro:3:");
    expect(run.stderr).toContain("HY3003");
  });

  it("exits 2 without a mode, with two modes, or with --show naming an unknown collection", async () => {
    const directory = workspace({ "g.hydro": GRAPH });
    expect((await hydroRun(["g.hydro"], "", directory)).exitCode).toBe(2);
    expect((await hydroRun(["g.hydro", "--stdio", "--facts", "."], "", directory)).exitCode).toBe(2);
    const unknown = await hydroRun(["g.hydro", "--stdio", "--show", "nope"], "", directory);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("--show: unknown collection nope");
  });
});
