// `hydro run` in service mode as real processes: usage errors, the listening line with
// ephemeral ports, clean stops, and the kill -9 test — a three-node pipeline with state directories, nodes killed
// with SIGKILL while ids stream through and restarted, must lose and duplicate nothing.
// These start real processes (each compiles the program), so they take seconds, not
// milliseconds; every child is killed when its test ends.

import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../compiler/cli/index.ts";
import { runKillTest } from "../bench/load/kill.ts";

const RELAY = fileURLToPath(new URL("./fixtures/service/relay.hydro", import.meta.url));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: process.stdin,
    cwd: process.cwd(),
    env: {},
    colors: false,
  });
  return { code, stdout, stderr };
}

describe("hydro run in service mode", () => {
  it("refuses bad service options with exit 2 and a reason", async () => {
    const cases: [string[], RegExp][] = [
      [["--listen", "nowhere"], /--listen: expected HOST:PORT, got "nowhere"/],
      [["--listen", "127.0.0.1:0", "--stdio"], /does not combine with --facts, --out, --stdio/],
      [["--http", "127.0.0.1:0"], /service mode needs --listen HOST:PORT/],
      [["--listen", "127.0.0.1:0", "--peers", "b"], /--peers: expected name=host:port, got "b"/],
      [["--listen", "127.0.0.1:0", "--http", "127.0.0.1:x"], /--http: the port must be a number/],
      [["--listen", "127.0.0.1:0", "--token", ""], /the token is empty/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(["run", RELAY, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    }
  });

  it("loses and duplicates nothing when nodes are killed with SIGKILL under load, and stops cleanly on SIGTERM", async () => {
    // One round kills all three at an arbitrary moment of the stream (bench/load/kill.ts runs
    // longer rotations). Each node's HTTP port is 0: the listening line says which it got.
    const result = await runKillTest({ ids: 400, batch: 20, kills: [["a", "b", "c"]], intervalMs: 600, settleTimeoutMs: 60_000 });
    for (const { listening, http } of Object.values(result.addresses)) {
      expect(listening).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
      expect(http).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    }
    expect(result.restarts).toBe(3);
    expect(result.acknowledged).toBeGreaterThanOrEqual(400 - result.unknownOutcome);
    expect({ lost: result.lost, duplicated: result.duplicated, phantom: result.phantom }).toEqual({ lost: 0, duplicated: 0, phantom: 0 });
    expect(result.seen).toBeGreaterThanOrEqual(result.acknowledged);
    expect(result.seen).toBeLessThanOrEqual(result.acknowledged + result.unknownOutcome);
    expect(result.cleanExitCodes).toEqual([0, 0, 0]);
  }, 240_000);
});
