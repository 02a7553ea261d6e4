// The state directory of a durable node (`--state DIR`): snapshot, log, lock, recovery.
// In: the directory and the program's schema; then, while running, one record per tick and the
// acknowledgement records. Out: on open, the state to resume from (the node's, for
// ProgramNode.restore, and the service's); while running, durable commits and compaction.
// Files: `snapshot` (see snapshot.ts; absent until the first compaction), `log.<generation>`
// (see log.ts; the records after that snapshot), `lock` (the pid of the process using it).
// Compaction keeps restart time bounded: once the log outgrows a threshold, the next tick
// boundary writes a snapshot of generation g+1 and starts `log.<g+1>`; the old log is deleted
// only after the new snapshot is durable, and a stray log of another generation (a compaction
// cut short by a crash) is removed on open.

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NodeSnapshot } from "../program.ts";
import type { ProgramSchema } from "../schema.ts";
import { RecordLog } from "./log.ts";
import { Replay, type LogRecord, type Ranges, type ServiceState, type TickRecord } from "./records.ts";
import { readSnapshot, syncDirectory, writeSnapshot } from "./snapshot.ts";

export interface Recovery {
  /** The node's state; null for a node that never committed a tick. */
  readonly node: NodeSnapshot | null;
  readonly service: ServiceState;
  readonly fromSnapshot: boolean;
  readonly records: number;
  /** Bytes of a torn or damaged log tail that were ignored. */
  readonly discardedBytes: number;
}

export function newIncarnation(): string {
  return randomBytes(8).toString("hex");
}

function logPath(directory: string, generation: number): string {
  return join(directory, `log.${generation}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class StateStore {
  private constructor(
    readonly directory: string,
    private log: RecordLog,
    private generation: number,
  ) {}

  static async open(directory: string, schema: ProgramSchema): Promise<{ store: StateStore; recovery: Recovery }> {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const lock = join(directory, "lock");
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`state directory ${directory} is in use by process ${pid}`);
      }
    }
    writeFileSync(lock, `${process.pid}\n`);
    try {
      return await StateStore.recover(directory, schema);
    } catch (error) {
      rmSync(lock, { force: true });
      throw error;
    }
  }

  private static async recover(directory: string, schema: ProgramSchema): Promise<{ store: StateStore; recovery: Recovery }> {
    const snapshot = readSnapshot(directory);
    if (snapshot !== null && snapshot.node.module !== schema.moduleName) {
      throw new Error(`state directory ${directory} holds module ${snapshot.node.module}, not ${schema.moduleName}`);
    }
    const generation = snapshot?.generation ?? 0;
    for (const name of readdirSync(directory)) {
      const stray = /^log\.(\d+)$/.exec(name);
      if ((stray !== null && Number(stray[1]) !== generation) || name === "snapshot.tmp") rmSync(join(directory, name), { force: true });
    }
    const { log, read } = await RecordLog.open(logPath(directory, generation));
    const replay = new Replay(schema, snapshot);
    let hasMeta = snapshot !== null;
    for (const record of read.records as LogRecord[]) {
      if (record.k === "meta") {
        if (record.module !== schema.moduleName) {
          await log.abandon();
          throw new Error(`state directory ${directory} holds module ${record.module}, not ${schema.moduleName}`);
        }
        hasMeta = true;
      }
      replay.apply(record);
    }
    const service = replay.serviceState(newIncarnation);
    if (!hasMeta) {
      log.append({ k: "meta", incarnation: service.incarnation, module: schema.moduleName });
      await log.sync();
    }
    const recovery: Recovery = {
      node: replay.nodeSnapshot(),
      service,
      fromSnapshot: snapshot !== null,
      records: read.records.length,
      discardedBytes: read.discardedBytes,
    };
    return { store: new StateStore(directory, log, generation), recovery };
  }

  /** Bytes in the current log. */
  get logBytes(): number {
    return this.log.bytes;
  }

  appendTick(record: TickRecord): void {
    this.log.append(record);
  }

  appendAck(to: string, ranges: Ranges): void {
    this.log.append({ k: "ack", to, r: ranges });
  }

  /** Makes every appended record durable. */
  sync(): Promise<void> {
    return this.log.sync();
  }

  /**
   * Replaces snapshot and log by a snapshot of this state (taken at a tick boundary, with
   * everything appended so far reflected in it) and an empty log.
   */
  async compact(node: NodeSnapshot, service: ServiceState): Promise<number> {
    const next = this.generation + 1;
    const { log } = await RecordLog.open(logPath(this.directory, next));
    const bytes = writeSnapshot(this.directory, { format: "hydrolog-service-snapshot", version: 1, generation: next, node, service });
    const old = this.log;
    const oldPath = old.path;
    this.log = log;
    this.generation = next;
    await old.abandon();
    rmSync(oldPath, { force: true });
    syncDirectory(this.directory);
    return bytes;
  }

  async close(): Promise<void> {
    await this.log.close();
    rmSync(join(this.directory, "lock"), { force: true });
  }
}
