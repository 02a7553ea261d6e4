// The distributed examples as real processes on 127.0.0.1, the way their READMEs run them:
// `./bin/hydro run … --listen 127.0.0.1:0 --http 127.0.0.1:0 --state DIR`, ports read from each
// node's "listening" line, driven over HTTP. In each, one node is killed with SIGKILL mid-way
// and restarted with the same state directory on the same peer port: its state must be intact
// at once, and the run must end as it would have without the crash.
// Why the scenarios run concurrently: each process compiles its program before it listens
// (seconds on a loaded machine), and waiting for them one scenario after another would add up. Every child is
// killed when its scenario ends, and again (SIGKILL) in afterAll should a scenario fail early.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, subscribe } from "./service-harness.ts";

const ROOT = join(import.meta.dirname, "..");
const HYDRO = join(ROOT, "bin", "hydro");
const START_TIMEOUT_MS = 120_000;
const SCENARIO_TIMEOUT_MS = 240_000;

type Tuple = unknown[];

const children = new Set<ChildProcess>();
const directories: string[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function stateRoot(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), `hydro-example-${name}-`));
  directories.push(directory);
  return directory;
}

/** One `hydro run` process in service mode; its addresses come from its first stdout line. */
class Node {
  listening = "";
  http = "";
  stderr = "";
  private child: ChildProcess | null = null;
  private exited: Promise<NodeJS.Signals | number | null> = Promise.resolve(null);

  private constructor(
    readonly name: string,
    private readonly program: string,
    private args: string[],
  ) {}

  /** Starts `hydro run <program> <args>` and waits for its listening line. */
  static async start(name: string, program: string, args: string[]): Promise<Node> {
    const node = new Node(name, program, args);
    await node.launch();
    return node;
  }

  get peerPort(): number {
    return Number(this.listening.slice(this.listening.lastIndexOf(":") + 1));
  }

  private launch(): Promise<void> {
    const child = spawn(process.execPath, [HYDRO, "run", join(ROOT, this.program), ...this.args], {
      cwd: ROOT,
      env: { ...process.env, HYDRO_LOG_LEVEL: "warn", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    children.add(child);
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        children.delete(child);
        resolve(signal ?? code);
      }),
    );
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (text: string) => void (this.stderr = (this.stderr + text).slice(-20_000)));
    this.listening = "";
    return new Promise((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start within ${START_TIMEOUT_MS} ms:\n${this.stderr}`)), START_TIMEOUT_MS);
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (text: string) => {
        stdout += text;
        const newline = stdout.indexOf("\n");
        if (newline < 0 || this.listening !== "") return;
        const line = JSON.parse(stdout.slice(0, newline)) as { listening: string; http: string; node: string };
        this.listening = line.listening;
        this.http = line.http;
        clearTimeout(timer);
        resolve();
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (this.listening === "") reject(new Error(`${this.name} exited (${signal ?? code}) before listening:\n${this.stderr}`));
      });
    });
  }

  /** SIGKILL, as `kill -9` would: no chance to flush or close anything. */
  async kill9(): Promise<NodeJS.Signals | number | null> {
    this.child?.kill("SIGKILL");
    this.child = null;
    return this.exited;
  }

  /**
   * Starts the same command again, on the peer port it had (its peers know it there). The port
   * was the system's choice, from the range it also gives outgoing connections, so another
   * process may briefly hold it: a start that finds it in use is retried.
   */
  async restart(): Promise<void> {
    const listen = this.args.indexOf("--listen");
    this.args = [...this.args];
    this.args[listen + 1] = `127.0.0.1:${this.peerPort}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.launch();
        return;
      } catch (error) {
        if (attempt >= 10 || !String(error).includes("EADDRINUSE")) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  }

  /** SIGTERM: a clean stop; the exit code. */
  async stop(): Promise<NodeJS.Signals | number | null> {
    this.child?.kill("SIGTERM");
    this.child = null;
    return this.exited;
  }

  async post(input: string, tuples: Tuple[]): Promise<{ status: number; body: { tick: number; outputs: Record<string, Tuple[]> } }> {
    const response = await fetch(`http://${this.http}/in/${input}`, { method: "POST", body: JSON.stringify(tuples) });
    return { status: response.status, body: (await response.json()) as { tick: number; outputs: Record<string, Tuple[]> } };
  }

  async state(collection: string): Promise<Tuple[]> {
    const response = await fetch(`http://${this.http}/state/${collection}`);
    expect(response.status, `${this.name} /state/${collection}`).toBe(200);
    return (await response.json()) as Tuple[];
  }

  async metric(name: string): Promise<number> {
    const text = await (await fetch(`http://${this.http}/metrics`)).text();
    const line = text.split("\n").find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
  }
}

/** Peer ports free right now, for nodes that must name one another before any has started. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server));
      }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function stopAll(nodes: readonly Node[]): Promise<(NodeJS.Signals | number | null)[]> {
  return Promise.all(nodes.map((node) => node.stop()));
}

/** The order of the service's JSON answers (LANGUAGE.md §6): numbers numerically, arrays element by element. */
function compareValues(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const order = compareValues(a[i], b[i]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
const sorted = (tuples: readonly Tuple[]): Tuple[] => [...tuples].sort(compareValues);
const includesAll = (actual: readonly Tuple[], expected: readonly Tuple[]): boolean => {
  const texts = new Set(actual.map((tuple) => JSON.stringify(tuple)));
  return expected.every((tuple) => texts.has(JSON.stringify(tuple)));
};

describe.concurrent("the distributed examples as processes on 127.0.0.1", () => {
  it(
    "shopping cart: a client and two replicas; a replica killed with -9 mid-session comes back with its log and bills the whole cart",
    async () => {
      const state = stateRoot("cart");
      const replica = (name: string) =>
        Node.start(name, "examples/shopping-cart/cart.hydro", ["--me", name, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--state", join(state, name)]);
      const [server1, server2] = await Promise.all([replica("server1"), replica("server2")]);
      const client = await Node.start("client", "examples/shopping-cart/service/client.hydro", [
        "--listen", "127.0.0.1:0",
        "--http", "127.0.0.1:0",
        "--peers", `server1=${server1!.listening},server2=${server2!.listening}`,
        "--state", join(state, "client"),
      ]);
      const nodes = [client, server1!, server2!];
      const stream = await subscribe(client.http, "/out/total");
      let stopped: (NodeJS.Signals | number | null)[] = [];
      try {
        for (const address of [client.listening, client.http, server1!.listening, server2!.http]) expect(address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);

        expect((await client.post("add", [["apples", 2], ["pears", 1]])).status).toBe(200);
        expect((await client.post("add", [["apples", -1]])).status).toBe(200);
        const logged = [[1, "apples", -1, 2], [1, "apples", 2, 1], [1, "pears", 1, 1]];
        for (const server of [server1!, server2!]) {
          await eventually(async () => (sorted(await server.state("action_log")).length === 3 ? true : undefined), 20_000, `${server.name} logs 3 actions`);
          expect(await server.state("action_log")).toEqual(logged);
        }

        expect(await server2!.kill9()).toBe("SIGKILL");
        // Taken by the client while server2 is down: it waits in the client's durable outbox.
        const figs = await client.post("add", [["figs", 3]]);
        expect(figs.status).toBe(200);
        expect(figs.body.outputs).toEqual({});
        await server2!.restart();
        expect(includesAll(await server2!.state("action_log"), logged), "server2's log right after the restart").toBe(true);
        for (const server of [server1!, server2!]) {
          await eventually(async () => (includesAll(await server.state("action_log"), [[1, "figs", 3, 3]]) ? true : undefined), 30_000, `${server.name} logs the figs`);
          expect(await server.state("action_log")).toEqual([[1, "apples", -1, 2], [1, "apples", 2, 1], [1, "figs", 3, 3], [1, "pears", 1, 1]]);
        }

        expect((await client.post("pay", [[]])).status).toBe(200);
        const receipt = [[1, "apples", 1], [1, "figs", 3], [1, "pears", 1]];
        // Three receipt lines from each replica; every line streamed is one of the right ones.
        await eventually(async () => ((await client.metric("hydro_messages_received_total")) >= 6 ? true : undefined), 30_000, "both receipts");
        await eventually(() => (includesAll(stream.events.flatMap((event) => (event.data as { tuples: Tuple[] }).tuples), receipt) ? true : undefined), 10_000, "the receipt on /out/total");
        expect(await client.metric("hydro_messages_received_total")).toBe(6);
        for (const event of stream.events) {
          const data = event.data as { output: string; tuples: Tuple[] };
          expect(data.output).toBe("total");
          expect(includesAll(receipt, data.tuples), JSON.stringify(data.tuples)).toBe(true);
        }
        expect(await client.state("paid")).toEqual([[1]]);
      } finally {
        stream.close();
        stopped = await stopAll(nodes);
      }
      expect(stopped, "exit codes after SIGTERM").toEqual([0, 0, 0]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "replicated key-value store: three replicas converge on lww values; one killed with -9 keeps its store and catches up",
    async () => {
      // Every replica names every other in --peers, so the peer ports are chosen before any starts.
      const ports = await freePorts(3);
      const peers = ports.map((port, i) => `replica${i + 1}=127.0.0.1:${port}`).join(",");
      const state = stateRoot("kvs");
      const replicas = await Promise.all(
        ports.map((port, i) =>
          Node.start(`replica${i + 1}`, "examples/replicated-kvs/kvs.hydro", [
            "--me", `replica${i + 1}`,
            "--listen", `127.0.0.1:${port}`,
            "--http", "127.0.0.1:0",
            "--peers", peers,
            "--state", join(state, `replica${i + 1}`),
          ]),
        ),
      );
      const [replica1, replica2, replica3] = replicas as [Node, Node, Node];
      const converged = async (expected: Tuple[], timeoutMs: number): Promise<void> => {
        for (const replica of replicas) {
          await eventually(async () => (JSON.stringify(await replica.state("store")) === JSON.stringify(expected) ? true : undefined), timeoutMs, `${replica.name} holds ${JSON.stringify(expected)}`);
        }
      };
      let stopped: (NodeJS.Signals | number | null)[] = [];
      try {
        expect((await replica1.post("put", [["color", 1, "red"], ["size", 1, "small"]])).status).toBe(200);
        expect((await replica2.post("put", [["color", 2, "blue"]])).status).toBe(200);
        const before = [["color", [2, "replica2", "blue"]], ["size", [1, "replica1", "small"]]];
        await converged(before, 20_000);
        const read = await replica3.post("get", [["color"]]);
        expect(read.body.outputs).toEqual({ read: [["color", "blue"]] });

        expect(await replica3.kill9()).toBe("SIGKILL");
        expect((await replica1.post("put", [["color", 5, "green"]])).status).toBe(200);
        expect((await replica2.post("put", [["shape", 3, "round"], ["size", 0, "tiny"]])).status).toBe(200);
        await replica3.restart();
        // At once: what it had before the kill, or newer versions of it merged since (never older).
        const recovered = await replica3.state("store");
        const version = (tuples: Tuple[], key: string) => (tuples.find((tuple) => tuple[0] === key)?.[1] as [number, string, string] | undefined) ?? null;
        for (const key of ["color", "size"]) {
          const [timestamp] = version(recovered, key) ?? [Number.NaN];
          expect(timestamp, `${key} after the restart: ${JSON.stringify(recovered)}`).toBeGreaterThanOrEqual(version(before, key)![0]);
        }
        // The older write of size (timestamp 0) loses everywhere; the newer color and the shape arrive.
        await converged([["color", [5, "replica1", "green"]], ["shape", [3, "replica2", "round"]], ["size", [1, "replica1", "small"]]], 30_000);
      } finally {
        stopped = await stopAll(replicas);
      }
      expect(stopped, "exit codes after SIGTERM").toEqual([0, 0, 0]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "two-phase commit: a coordinator and three participants agree; a participant killed with -9 keeps what it applied and learns the abort",
    async () => {
      const state = stateRoot("tpc");
      const participants = (await Promise.all(
        ["p1", "p2", "p3"].map((name) =>
          Node.start(name, "examples/two-phase-commit/participant.hydro", ["--me", name, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--state", join(state, name)]),
        ),
      )) as [Node, Node, Node];
      const [p1, p2, p3] = participants;
      // Without --me the coordinator's name is its own address: the participants answer it there.
      const coordinator = await Node.start("coordinator", "examples/two-phase-commit/coordinator.hydro", [
        "--listen", "127.0.0.1:0",
        "--http", "127.0.0.1:0",
        "--peers", participants.map((participant) => `${participant.name}=${participant.listening}`).join(","),
        "--state", join(state, "coordinator"),
      ]);
      const nodes = [coordinator, ...participants];
      const stream = await subscribe(coordinator.http, "/out/outcome");
      const decided = async (txn: number): Promise<boolean> =>
        eventually(async () => (await coordinator.state("decided")).find((tuple) => tuple[0] === txn)?.[1] as boolean | undefined, 20_000, `a decision on ${txn}`);
      const agreed = async (): Promise<Tuple[]> => {
        const decisions = await coordinator.state("decided");
        for (const participant of participants) {
          await eventually(async () => (JSON.stringify(await participant.state("applied")) === JSON.stringify(decisions) ? true : undefined), 30_000, `${participant.name} applies ${JSON.stringify(decisions)}`);
        }
        return decisions;
      };
      let stopped: (NodeJS.Signals | number | null)[] = [];
      try {
        expect((await p2.post("refuse", [[2]])).status).toBe(200);
        // All yes within the 100 ms timeout commits. On a loaded machine a round trip can miss
        // it (then all agree on an abort), so a few transactions get the chance to commit.
        const tries: number[] = [];
        for (let txn = 10; txn < 20; txn++) {
          expect((await coordinator.post("begin", [[txn]])).status).toBe(200);
          tries.push(txn);
          if (await decided(txn)) break;
        }
        expect((await coordinator.state("decided")).some((tuple) => tuple[1] === true), "some transaction commits").toBe(true);
        // p2 refuses transaction 2: it aborts, whatever the timing.
        expect((await coordinator.post("begin", [[2]])).status).toBe(200);
        expect(await decided(2)).toBe(false);
        const beforeKill = await agreed();

        expect(await p3.kill9()).toBe("SIGKILL");
        // p3 cannot vote: the coordinator times out and aborts.
        expect((await coordinator.post("begin", [[3]])).status).toBe(200);
        expect(await decided(3)).toBe(false);
        await p3.restart();
        expect(includesAll(await p3.state("applied"), beforeKill), "p3's applied decisions right after the restart").toBe(true);
        // Its late vote changes nothing; the abort reaches it from the coordinator's outbox.
        const final = await agreed();
        expect(final).toEqual(sorted([...beforeKill, [3, false]]));
        expect(final.map((tuple) => tuple[0])).toEqual(sorted([...tries, 2, 3].map((txn) => [txn])).map((tuple) => tuple[0]));
        const streamed = stream.events.flatMap((event) => (event.data as { tuples: Tuple[] }).tuples);
        expect(sorted(streamed)).toEqual(final);
      } finally {
        stream.close();
        stopped = await stopAll(nodes);
      }
      expect(stopped, "exit codes after SIGTERM").toEqual([0, 0, 0, 0]);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
