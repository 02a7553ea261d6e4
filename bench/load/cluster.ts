// Real node processes for the load benchmark and the end-to-end tests: `./bin/hydro run` in
// service mode on loopback, started, killed with SIGKILL, restarted with the same arguments.
// In: a node's name, program, ports, peers and state directory. Out: a handle that knows the
// addresses the node printed on its "listening" line and collects its stderr (pino logs).
// Why fixed ports: a restarted node must come back where its peers expect it, so ports are
// chosen once (free ports from the system) and reused.

import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const REPOSITORY = fileURLToPath(new URL("../../", import.meta.url));
const HYDRO = fileURLToPath(new URL("../../bin/hydro", import.meta.url));

export interface NodeSpec {
  readonly name: string;
  readonly program: string;
  readonly listenPort: number;
  readonly httpPort: number;
  /** Peer names and their peer ports (on 127.0.0.1). */
  readonly peers: Readonly<Record<string, number>>;
  readonly stateDirectory?: string;
  readonly token?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Options for node itself, before the script (e.g. --cpu-prof to profile a run). */
  readonly nodeArguments?: readonly string[];
}

/** Ports no one listens on right now (held together while chosen, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Every child still running: killed when this process exits, however it exits. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export class NodeProcess {
  stderr = "";
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  listening = "";
  http = "";

  private constructor(readonly spec: NodeSpec) {}

  static async start(spec: NodeSpec, timeoutMs = 120_000): Promise<NodeProcess> {
    const node = new NodeProcess(spec);
    await node.launch(timeoutMs);
    return node;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private args(): string[] {
    const { spec } = this;
    const args = [...(spec.nodeArguments ?? []), HYDRO, "run", spec.program, "--me", spec.name, "--listen", `127.0.0.1:${spec.listenPort}`, "--http", `127.0.0.1:${spec.httpPort}`];
    const peers = Object.entries(spec.peers).map(([name, port]) => `${name}=127.0.0.1:${port}`);
    if (peers.length > 0) args.push("--peers", peers.join(","));
    if (spec.stateDirectory !== undefined) args.push("--state", spec.stateDirectory);
    return args;
  }

  private launch(timeoutMs: number): Promise<void> {
    const env = { ...process.env, ...this.spec.env, ...(this.spec.token === undefined ? {} : { HYDRO_TOKEN: this.spec.token }) };
    const child = spawn(process.execPath, this.args(), { cwd: REPOSITORY, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) =>
      child.once("exit", (code) => {
        live.delete(child);
        resolve(code);
      }),
    );
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (text: string) => {
      this.stderr += text;
      if (this.stderr.length > 1_000_000) this.stderr = this.stderr.slice(-500_000);
    });
    return new Promise((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(() => reject(new Error(`${this.spec.name} did not start within ${timeoutMs} ms:\n${this.stderr}`)), timeoutMs);
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (text: string) => {
        stdout += text;
        const newline = stdout.indexOf("\n");
        if (newline < 0 || this.listening !== "") return;
        const line = JSON.parse(stdout.slice(0, newline)) as { listening: string; http: string };
        this.listening = line.listening;
        this.http = line.http;
        clearTimeout(timer);
        resolve();
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        if (this.listening === "") reject(new Error(`${this.spec.name} exited with ${code} before listening:\n${this.stderr}`));
      });
    });
  }

  /** SIGKILL: no chance to flush or close anything. */
  async kill9(): Promise<void> {
    if (this.child === null) return;
    this.child.kill("SIGKILL");
    await this.exited;
    this.child = null;
    this.listening = "";
  }

  async restart(timeoutMs = 120_000): Promise<void> {
    await this.kill9();
    await this.launch(timeoutMs);
  }

  /** SIGTERM and wait: a clean stop; the exit code. */
  async stop(): Promise<number | null> {
    if (this.child === null) return null;
    this.child.kill("SIGTERM");
    const code = await this.exited;
    this.child = null;
    return code;
  }
}

/** POSTs JSON and returns the status and parsed body (null when the connection failed). */
export async function postJson(address: string, path: string, body: unknown): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetch(`http://${address}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    return { status: response.status, body: await response.json() };
  } catch {
    return null;
  }
}

export async function getJson(address: string, path: string): Promise<unknown> {
  const response = await fetch(`http://${address}${path}`);
  return response.json();
}

/** One sample of a metric from a node's /metrics text. */
export async function metric(address: string, name: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}

/** The three nodes of test/fixtures/service/pipeline.hydro: a → b → c. */
export async function startPipeline(options: { stateRoot?: string; env?: Record<string, string>; nodeArguments?: string[] } = {}): Promise<Record<"a" | "b" | "c", NodeProcess>> {
  const program = fileURLToPath(new URL("../../test/fixtures/service/pipeline.hydro", import.meta.url));
  // Peer ports are fixed so restarted nodes come back where their peers expect them; HTTP
  // ports are chosen by the system (port 0) and read from each start's listening line.
  const [aPeer, bPeer, cPeer] = await freePorts(3);
  const state = (name: string) => (options.stateRoot === undefined ? {} : { stateDirectory: `${options.stateRoot}/${name}` });
  const env = { ...(options.env === undefined ? {} : { env: options.env }), ...(options.nodeArguments === undefined ? {} : { nodeArguments: options.nodeArguments }) };
  const [c, b, a] = await Promise.all([
    NodeProcess.start({ name: "c", program, listenPort: cPeer!, httpPort: 0, peers: {}, ...state("c"), ...env }),
    NodeProcess.start({ name: "b", program, listenPort: bPeer!, httpPort: 0, peers: { c: cPeer! }, ...state("b"), ...env }),
    NodeProcess.start({ name: "a", program, listenPort: aPeer!, httpPort: 0, peers: { b: bPeer! }, ...state("a"), ...env }),
  ]);
  return { a: a!, b: b!, c: c! };
}
