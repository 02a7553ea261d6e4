// `hydro run prog.hydro --stdio [--show all|a,b] [--me ADDR]`: one tick per stdin line.
// In: a loaded node and stdin lines, each a JSON object of this tick's arrivals (inputs,
// channels, periodics). Out: one stdout line per tick (LANGUAGE.md §6): its number, the
// non-empty outputs and every message sent, each list sorted, plus the named collections as
// the tick left them when --show is given; a failed tick's line says so with the error. A bad
// line is one JSON error on stderr and runs no tick; EOF ends the process with exit 0.
// Blank lines are skipped (they carry no object, and a trailing newline is no request).

import { createInterface } from "node:readline";
import type { ProgramNode } from "../../runtime/program.ts";
import { EXIT_OK, type CliIo } from "./io.ts";

export interface StdioOptions {
  /** The collections to print after each tick, in order; empty for none. */
  readonly show: readonly string[];
}

export async function runStdio(node: ProgramNode, options: StdioOptions, io: CliIo): Promise<number> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      reportBadLine(io, lineNumber, `not JSON: ${(error as Error).message}`);
      continue;
    }
    const pushed = node.pushArrivals(json);
    if (!pushed.ok) {
      reportBadLine(io, lineNumber, pushed.message);
      continue;
    }
    io.stdout(`${tickLine(node, options)}\n`);
  }
  return EXIT_OK;
}

/** Runs one tick and renders its stdout line. */
export function tickLine(node: ProgramNode, options: StdioOptions): string {
  const result = node.tick();
  if (result.failed) return JSON.stringify(result);
  const line: Record<string, unknown> = { tick: result.tick, outputs: result.outputs, sent: result.sent };
  if (options.show.length > 0) {
    const collections: Record<string, unknown> = {};
    for (const name of options.show) collections[name] = node.read(name);
    line["collections"] = collections;
  }
  return JSON.stringify(line);
}

function reportBadLine(io: CliIo, line: number, message: string): void {
  io.stderr(`${JSON.stringify({ error: { code: "HY5002", message, line } })}\n`);
}
