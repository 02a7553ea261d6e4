// The state directory: checksummed log records, torn tails, snapshots and compaction, locks.

import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ProgramSchema } from "../runtime/schema.ts";
import { decodeLog, encodeRecord, LOG_MAGIC, RecordLog } from "../runtime/service/log.ts";
import type { TickRecord } from "../runtime/service/records.ts";
import { readSnapshot } from "../runtime/service/snapshot.ts";
import { StateStore } from "../runtime/service/store.ts";

const directories: string[] = [];
function scratchDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "hydro-store-"));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const SCHEMA: ProgramSchema = {
  moduleName: "kv",
  collections: [
    {
      name: "kv",
      kind: "table",
      columns: [
        { name: "k", type: { kind: "string" }, lattice: false },
        { name: "v", type: { kind: "int" }, lattice: false },
      ],
      key: [0],
      addressColumn: null,
      periodMs: null,
      scalar: false,
    },
  ],
};

function tick(n: number, put: [string, number][], removed: string[] = [], sends: TickRecord["sends"] = []): TickRecord {
  return {
    k: "tick",
    tick: n,
    put: put.length > 0 ? { kv: put } : {},
    removed: removed.length > 0 ? { kv: removed.map((k) => [k]) } : {},
    pending: { inserts: {}, deletes: {}, upserts: {} },
    queued: {},
    sends,
    consumed: n === 1 ? { "x/1/127.0.0.1:1": [[1, 3]] } : {},
    periodic: {},
  };
}

describe("the log", () => {
  it("reads back what was synced, in order", async () => {
    const path = join(scratchDirectory(), "log.0");
    const { log } = await RecordLog.open(path);
    for (let i = 0; i < 5; i++) log.append({ i });
    await log.sync();
    await log.close();
    const { log: again, read } = await RecordLog.open(path);
    expect(read.records).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    expect(read.discardedBytes).toBe(0);
    await again.close();
  });

  it("ignores a torn last record and appends after the last whole one", async () => {
    const path = join(scratchDirectory(), "log.0");
    const { log } = await RecordLog.open(path);
    log.append({ i: 1 });
    log.append({ i: 2 });
    await log.close();
    const whole = statSync(path).size;
    const torn = encodeRecord({ i: 3, padding: "x".repeat(100) });
    appendFileSync(path, torn.subarray(0, torn.length - 7));
    const { log: reopened, read } = await RecordLog.open(path);
    expect(read.records).toEqual([{ i: 1 }, { i: 2 }]);
    expect(read.discardedBytes).toBe(torn.length - 7);
    expect(statSync(path).size).toBe(whole);
    reopened.append({ i: 4 });
    await reopened.close();
    expect(decodeLog(readFileSync(path)).records).toEqual([{ i: 1 }, { i: 2 }, { i: 4 }]);
  });

  it("stops at a record whose checksum does not match", async () => {
    const path = join(scratchDirectory(), "log.0");
    const { log } = await RecordLog.open(path);
    log.append({ i: 1 });
    log.append({ i: 2 });
    await log.close();
    const bytes = readFileSync(path);
    bytes[bytes.length - 2] ^= 0xff;
    writeFileSync(path, bytes);
    expect(decodeLog(readFileSync(path)).records).toEqual([{ i: 1 }]);
  });

  it("treats a header cut short by a crash as an empty log, and refuses a foreign file", async () => {
    const directory = scratchDirectory();
    writeFileSync(join(directory, "log.0"), LOG_MAGIC.subarray(0, 3));
    const { log, read } = await RecordLog.open(join(directory, "log.0"));
    expect(read.records).toEqual([]);
    await log.close();
    writeFileSync(join(directory, "other"), "not a log at all");
    expect(() => decodeLog(readFileSync(join(directory, "other")))).toThrow(/not a hydrolog log/);
  });
});

describe("the state store", () => {
  it("starts a new directory with an incarnation and recovers records after a restart", async () => {
    const directory = scratchDirectory();
    const first = await StateStore.open(directory, SCHEMA);
    expect(first.recovery.node).toBeNull();
    const incarnation = first.recovery.service.incarnation;
    first.store.appendTick(tick(0, [["a", 1]]));
    first.store.appendTick(tick(1, [["b", 2], ["a", 3]], [], [["127.0.0.1:9", 1, "c", ["127.0.0.1:9", 1]], ["127.0.0.1:9", 2, "c", ["127.0.0.1:9", 2]]]));
    first.store.appendAck("127.0.0.1:9", [[1, 1]]);
    first.store.appendTick(tick(2, [], ["b"]));
    await first.store.sync();
    // No close: as after kill -9.
    const second = await StateStore.open(directory, SCHEMA);
    expect(second.recovery.service.incarnation).toBe(incarnation);
    expect(second.recovery.node!.nextTick).toBe(3);
    expect(second.recovery.node!.collections).toEqual({ kv: [["a", 3]] });
    expect(second.recovery.service.links).toEqual({ "127.0.0.1:9": { nextSequence: 3, outbox: [[2, "c", ["127.0.0.1:9", 2]]] } });
    expect(second.recovery.service.dedup).toEqual({ "x/1/127.0.0.1:1": { floor: 3, above: [] } });
    await second.store.close();
  });

  it("compacts into a snapshot and a fresh log, and recovers from both", async () => {
    const directory = scratchDirectory();
    const { store, recovery } = await StateStore.open(directory, SCHEMA);
    store.appendTick(tick(0, [["a", 1], ["b", 2]]));
    await store.sync();
    await store.compact(
      { format: "hydrolog-node", version: 1, module: "kv", nextTick: 1, collections: { kv: [["a", 1], ["b", 2]] }, pending: { inserts: {}, deletes: {}, upserts: {} }, queued: {} },
      { ...recovery.service, periodic: { beat: 4 } },
    );
    store.appendTick(tick(1, [["c", 3]], ["a"]));
    await store.sync();
    expect(readdirSync(directory).sort()).toEqual(["lock", "log.1", "snapshot"]);
    expect(readSnapshot(directory)!.generation).toBe(1);
    // A stray log from a compaction cut short is removed on open.
    writeFileSync(join(directory, "log.7"), LOG_MAGIC);
    const again = await StateStore.open(directory, SCHEMA);
    expect(again.recovery.fromSnapshot).toBe(true);
    expect(again.recovery.node!.collections["kv"]!.sort()).toEqual([["b", 2], ["c", 3]]);
    expect(again.recovery.node!.nextTick).toBe(2);
    expect(again.recovery.service.periodic).toEqual({ beat: 4 });
    expect(again.recovery.service.incarnation).toBe(recovery.service.incarnation);
    expect(existsSync(join(directory, "log.7"))).toBe(false);
    await again.store.close();
    expect(existsSync(join(directory, "lock"))).toBe(false);
  });

  it("refuses a damaged snapshot, another module's directory and a directory in use", async () => {
    const directory = scratchDirectory();
    const { store, recovery } = await StateStore.open(directory, SCHEMA);
    await store.compact(
      { format: "hydrolog-node", version: 1, module: "kv", nextTick: 1, collections: { kv: [] }, pending: { inserts: {}, deletes: {}, upserts: {} }, queued: {} },
      recovery.service,
    );
    await store.close();
    await expect(StateStore.open(directory, { ...SCHEMA, moduleName: "other" })).rejects.toThrow(/holds module kv, not other/);
    writeFileSync(join(directory, "lock"), `${process.ppid}\n`);
    await expect(StateStore.open(directory, SCHEMA)).rejects.toThrow(/in use by process/);
    rmSync(join(directory, "lock"));
    truncateSync(join(directory, "snapshot"), statSync(join(directory, "snapshot")).size - 1);
    await expect(StateStore.open(directory, SCHEMA)).rejects.toThrow(/damaged/);
  });
});
