// Snapshot files of a durable node: its whole state at a tick boundary, so a restart replays
// only the log written since.
// In: the node's NodeSnapshot and the service's state, and the log generation that follows.
// Out: the file `snapshot` in the state directory, replaced atomically.
// Format: the 8 bytes `HYDSNP01`, a 4-byte big-endian payload length, the 4-byte big-endian
// CRC-32 of the payload, and the payload: msgpack of
//   {format: "hydrolog-service-snapshot", version: 1, generation, node, service}
// where `node` is ProgramNode.snapshot() (tables and lattices in the lossless wire encoding,
// deferred operations, queued arrivals, the next tick number) and `service` the unacknowledged
// sends, consumed message ids, sequence numbers and periodic counts.
// Why write-then-rename: the old snapshot stays whole until the new one is durable, so a crash
// at any moment leaves one complete snapshot and the log that goes with it.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { packValue, unpackValue } from "./framing.ts";
import type { SnapshotContents } from "./records.ts";

export const SNAPSHOT_MAGIC = Buffer.from("HYDSNP01", "latin1");
export const SNAPSHOT_FILE = "snapshot";
const TEMPORARY_FILE = "snapshot.tmp";

export interface SnapshotFile extends SnapshotContents {
  readonly format: "hydrolog-service-snapshot";
  readonly version: 1;
  /** The log file (`log.<generation>`) holding the records written after this snapshot. */
  readonly generation: number;
}

/** Syncs a directory, so a rename or a new file in it survives a crash. */
export function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, "r");
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or sync a directory; the rename is then as durable as it gets.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function writeSnapshot(directory: string, snapshot: SnapshotFile): number {
  const payload = packValue(snapshot);
  const header = Buffer.allocUnsafe(SNAPSHOT_MAGIC.length + 8);
  SNAPSHOT_MAGIC.copy(header, 0);
  header.writeUInt32BE(payload.length, SNAPSHOT_MAGIC.length);
  header.writeUInt32BE(crc32(payload), SNAPSHOT_MAGIC.length + 4);
  const temporary = join(directory, TEMPORARY_FILE);
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, header);
    let offset = 0;
    while (offset < payload.length) offset += writeSync(fd, payload, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(directory, SNAPSHOT_FILE));
  syncDirectory(directory);
  return header.length + payload.length;
}

/** The directory's snapshot, null when there is none; throws when it is damaged. */
export function readSnapshot(directory: string): SnapshotFile | null {
  const path = join(directory, SNAPSHOT_FILE);
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  const headerBytes = SNAPSHOT_MAGIC.length + 8;
  if (bytes.length < headerBytes || !bytes.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) {
    throw new Error(`${path} is not a hydrolog snapshot`);
  }
  const length = bytes.readUInt32BE(SNAPSHOT_MAGIC.length);
  const checksum = bytes.readUInt32BE(SNAPSHOT_MAGIC.length + 4);
  const payload = bytes.subarray(headerBytes, headerBytes + length);
  if (payload.length !== length || crc32(payload) !== checksum) throw new Error(`${path} is damaged (checksum mismatch)`);
  const decoded = unpackValue(payload);
  if (!decoded.ok) throw new Error(`${path} is damaged: ${decoded.reason}`);
  const snapshot = decoded.value as SnapshotFile;
  if (snapshot.format !== "hydrolog-service-snapshot" || snapshot.version !== 1 || !Number.isSafeInteger(snapshot.generation)) {
    throw new Error(`${path}: unknown snapshot format`);
  }
  return snapshot;
}
